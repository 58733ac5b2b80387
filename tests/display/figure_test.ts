import assert from "node:assert/strict";
import * as Plot from "@observablehq/plot";
import { DISPLAY, figure, plot } from "@lib/display/mod.ts";

Deno.test("plot renders a bare SVG with xmlns and an image/svg+xml bundle", () => {
  const f = plot({
    marks: [Plot.barY([{ s: "A", n: 3 }, { s: "B", n: 5 }, { s: "C", n: 1 }], { x: "s", y: "n" })],
    width: 400,
    height: 250,
  });
  assert.ok(f.svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'), f.svg.slice(0, 80));
  assert.equal((f.svg.match(/<rect\b/g) ?? []).length, 3);
  assert.equal(f.text, "[figure: 400x250 SVG]");
  const bundle = f[DISPLAY]();
  assert.deepEqual(Object.keys(bundle).sort(), ["image/svg+xml", "text/plain"]);
  assert.equal(bundle["image/svg+xml"], f.svg);
});

Deno.test("a plot with a title becomes HTML plus the main SVG; data text is escaped", () => {
  const f = plot({
    title: "Closes of <script>x</script>",
    color: { legend: true },
    marks: [Plot.dot([{ a: "<b>tok</b>", x: 1, y: 2 }, { a: "z", x: 2, y: 1 }], {
      x: "x",
      y: "y",
      fill: "a",
    })],
  });
  const bundle = f[DISPLAY]();
  assert.deepEqual(Object.keys(bundle).sort(), ["image/svg+xml", "text/html", "text/plain"]);
  assert.ok(f.html.startsWith("<figure"));
  assert.ok(!f.html.includes("<script>"), "title must be escaped");
  assert.ok(!f.html.includes("<b>tok</b>"), "legend text must be escaped");
  assert.ok(f.html.includes("&lt;b&gt;tok&lt;/b&gt;"));
  // the standalone SVG is the plot (with its dots), not the legend
  assert.ok(f.svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'));
  assert.equal((f.svg.match(/<circle\b/g) ?? []).length, 2);
  assert.equal(f.text, "[figure: Closes of <script>x</script>, 640x400 SVG]");
});

Deno.test("figure accepts SVG strings and elements, and rejects anything else", () => {
  const s = '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="2" height="3"/>';
  const f = figure(s);
  assert.equal(f.svg, '<svg xmlns="http://www.w3.org/2000/svg" width="2" height="3"/>');
  assert.equal(f.text, "[figure: 2x3 SVG]");
  const el = { tagName: "svg", outerHTML: '<svg width="4" height="4"><line x2="4"></line></svg>' };
  assert.ok(figure(el).svg.includes("<line"));
  assert.throws(() => figure("<div>no</div>"), /Cannot make a figure from <div\.\.\.>/);
  assert.throws(() => figure("<figure><h2>t</h2></figure>"), /contains no <svg>/);
});

Deno.test("plot output is deterministic", () => {
  const opts = { marks: [Plot.lineY([3, 1, 4, 1, 5, 9, 2, 6])] };
  assert.equal(plot(opts).svg, plot(opts).svg);
});

Deno.test("plot ids: hashed per chart by default, or the given prefix; references follow", () => {
  const clipped = (ys: number[]) => ({ marks: [Plot.lineY(ys, { clip: true })] });
  const a = plot(clipped([1, 2, 3])), b = plot(clipped([3, 2, 1]));
  const idOf = (svg: string) => /\sid="([^"]+)"/.exec(svg)?.[1];
  const ia = idOf(a.svg), ib = idOf(b.svg);
  assert.match(ia ?? "", /^fig[0-9a-z]+-clip-1$/);
  assert.notEqual(ia, ib, "two different charts on one page must not share a clip id");
  assert.ok(a.svg.includes(`url(#${ia})`), "the clip-path reference follows the renamed id");
  assert.ok(!/url\(#fig-/.test(a.svg));
  const named = plot(clipped([1, 2, 3]), { id: "closes" });
  assert.equal(idOf(named.svg), "closes-clip-1");
  assert.ok(named.svg.includes("url(#closes-clip-1)"));
  assert.throws(() => plot(clipped([1]), { id: "Bad Id" }), /Invalid figure id "Bad Id"/);
});

Deno.test("plot refuses a chart Plot warns about, naming the warning", () => {
  // string values on a linear scale: Plot warns instead of drawing what was meant
  const data = [{ x: "1", y: "2" }, { x: "3", y: "4" }];
  assert.throws(
    () => plot({ marks: [Plot.dot(data, { x: "x", y: "y" })], x: { type: "linear" } }),
    /Plot warned/,
  );
});
