import assert from "node:assert/strict";
import { renderHtml } from "@lib/report/html.ts";
import { escapeHtml } from "@lib/core/escape_html.ts";
import { fixtureModel, withoutClientScript, XSS_ATTR, XSS_SCRIPT } from "./_fixture.ts";
import type { FigureBlock, ReportModel } from "@lib/report/model.ts";

const html = renderHtml(fixtureModel());

Deno.test("hostile asset names appear escaped in the HTML, never as markup", () => {
  assert.ok(!html.includes(XSS_SCRIPT), "raw <script> name found");
  assert.ok(!html.includes(XSS_ATTR), "raw attribute-breaking name found");
  // The one script is the constant hover-and-zoom client, allowed by its hash in the CSP.
  assert.ok(!/<script/i.test(withoutClientScript(html)), "a <script element exists");
  assert.ok(!/<img/i.test(html), "an <img element exists");
  assert.ok(!/\sonerror\s*=/i.test(html.replace(/&lt;img src=x onerror=alert\(1\)&gt;/g, "")));
  assert.ok(html.includes("&lt;script&gt;alert(1)&lt;/script&gt;"));
  assert.ok(html.includes("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"));
});

Deno.test("asset names inside the SVG charts are escaped too", () => {
  const svgs = [
    ...html.matchAll(
      /<div class="plot"(?: data-cryptolab-chart="[^"]*")?>([\s\S]*?)<\/div>\n<details>/g,
    ),
  ].map((m) => m[1]!);
  assert.equal(svgs.length, 5);
  for (const svg of svgs) {
    assert.ok(!svg.includes("<script"), "script in svg");
    assert.ok(!svg.includes("<img"), "img in svg");
  }
  // The coverage chart's y axis and legend carry the names as text.
  assert.ok(svgs[0]!.includes("&lt;script&gt;alert(1)&lt;/script&gt;"));
  assert.ok(svgs[0]!.includes("&lt;img src=x onerror=alert(1)&gt;"));
});

Deno.test("the page makes no request: no src, no external href, no external url()", () => {
  assert.ok(!/\ssrc\s*=/i.test(html.replace(/&lt;img src=x/g, "")));
  for (const m of html.matchAll(/href="([^"]*)"/g)) assert.ok(m[1]!.startsWith("#"), m[0]);
  for (const m of html.matchAll(/url\(([^)]*)\)/g)) assert.ok(m[1]!.startsWith("#"), m[0]);
  assert.ok(!/<link|<iframe|<object|<embed|@import/i.test(html));
  assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
});

Deno.test("a figure with injected markup is refused by the renderer", () => {
  const bad = (svg: string): ReportModel => {
    const m = fixtureModel();
    const fig = m.sections[0]!.blocks[1] as FigureBlock;
    return {
      ...m,
      sections: [{ ...m.sections[0]!, blocks: [{ ...fig, svg }] }],
    };
  };
  assert.throws(() => renderHtml(bad("<svg><script>alert(1)</script></svg>")), /<script>/);
  assert.throws(() => renderHtml(bad('<svg onload="alert(1)"></svg>')), /onload/);
  assert.throws(() => renderHtml(bad("</div><img src=x onerror=alert(1)>")), /<img>/);
  assert.throws(
    () => renderHtml(bad('<svg><rect fill="url(https://x.test/a)"></rect></svg>')),
    /external resource/,
  );
  assert.throws(() => renderHtml(bad('<svg><a href="https://x.test">x</a></svg>')), /<a>/);
});

Deno.test("escapeHtml escapes the five special characters and nothing else", () => {
  assert.equal(escapeHtml(`a&b<c>d"e'f`), "a&amp;b&lt;c&gt;d&quot;e&#39;f");
  assert.equal(escapeHtml("plain ünïcode"), "plain ünïcode");
});
