/**
 * The interactive client as a string: safe to keep in a raw template and to inline in a page,
 * valid JavaScript, hashed for CSP; and the chart data html.ts writes for it.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import {
  chartDataFromTidy,
  INTERACTIVE_CLIENT_CSP_HASH,
  INTERACTIVE_CLIENT_JS,
} from "@lib/report/interactive/mod.ts";
import { renderHtml } from "@lib/report/html.ts";
import type { FigureBlock } from "@lib/report/model.ts";
import { fixtureModel } from "./_fixture.ts";

Deno.test("client source: no backtick, no template hole, no </script, parses as a script", () => {
  assert.ok(!INTERACTIVE_CLIENT_JS.includes("`"));
  assert.ok(!INTERACTIVE_CLIENT_JS.includes("${"));
  assert.ok(!/<\/script/i.test(INTERACTIVE_CLIENT_JS));
  // Parsing only (the function is never called): a syntax error would throw here.
  assert.equal(typeof new Function(INTERACTIVE_CLIENT_JS), "function");
  // Nothing that would need 'unsafe-eval', an inline handler or a network permission.
  assert.ok(
    !/\beval\(|new Function|setAttribute\("on|\.innerHTML|fetch\(|XMLHttpRequest|import\(/
      .test(INTERACTIVE_CLIENT_JS),
  );
  assert.ok(!/setAttribute\("style"|\.style\b/.test(INTERACTIVE_CLIENT_JS), "inline style");
});

Deno.test("CSP hash is the base64 sha256 of the exact script text", () => {
  const b64 = createHash("sha256").update(new TextEncoder().encode(INTERACTIVE_CLIENT_JS))
    .digest("base64");
  assert.equal(INTERACTIVE_CLIENT_CSP_HASH, `'sha256-${b64}'`);
});

Deno.test("report page: the script once, its hash in the CSP, chart data on time-series figures only", () => {
  const model = fixtureModel("client-test");
  const html = renderHtml(model);
  assert.equal(html.split(`<script>${INTERACTIVE_CLIENT_JS}</script>`).length, 2);
  assert.ok(html.includes(`script-src ${INTERACTIVE_CLIENT_CSP_HASH};`));
  const figures = model.sections.flatMap((s) => s.blocks)
    .filter((b): b is FigureBlock => b.type === "figure");
  const attrs = [
    ...html.matchAll(
      /<div class="chart" id="([^"]+)">[\s\S]*?<div class="plot"( data-cryptolab-chart="([^"]*)")?>/g,
    ),
  ];
  assert.equal(attrs.length, figures.length);
  for (const [i, m] of attrs.entries()) {
    const fig = figures[i]!;
    assert.equal(m[1], fig.id);
    const expected = chartDataFromTidy(fig.tidy);
    if (expected === null) {
      assert.equal(m[2], undefined, `${fig.id} is not a time series`);
      continue;
    }
    const decoded = m[3]!.replaceAll("&quot;", '"').replaceAll("&#39;", "'").replaceAll("&lt;", "<")
      .replaceAll("&gt;", ">").replaceAll("&amp;", "&");
    assert.deepEqual(JSON.parse(decoded), expected);
    // Every plotted point is there: tidy rows = points over all series.
    const points = expected.series.reduce((n, s) => n + s.t.length, 0);
    assert.equal(points, fig.tidy.rows.length);
  }
  assert.ok(attrs.some((m) => m[2] !== undefined), "no time-series figure in the fixture");
  // Byte-identical for the same run id; without interactivity there is no script at all.
  assert.equal(renderHtml(fixtureModel("client-test")), html);
  const plain = renderHtml(model, { interactive: false });
  assert.ok(!/<script|data-cryptolab-chart|script-src/.test(plain));
});

Deno.test("chartDataFromTidy keeps a band's edges on its own series and refuses bad times", () => {
  const columns = [
    { name: "time", type: "timestamp" as const },
    { name: "series", type: "string" as const },
    { name: "y", type: "number" as const },
    { name: "y_lo", type: "number" as const },
    { name: "y_hi", type: "number" as const },
  ];
  const d = chartDataFromTidy({
    columns,
    rows: [
      { time: "2024-01-01T00:00:00.000Z", series: "A", y: 1, y_lo: null, y_hi: null },
      { time: "2024-01-01T00:00:00.000Z", series: "median", y: 2, y_lo: 1.5, y_hi: 2.5 },
      { time: "2024-01-01T01:00:00.000Z", series: "median", y: null, y_lo: null, y_hi: 3 },
    ],
  });
  assert.deepEqual(d, {
    series: [
      { name: "A", t: [1704067200000], y: [1] },
      {
        name: "median",
        t: [1704067200000, 1704070800000],
        y: [2, null],
        lo: [1.5, null],
        hi: [2.5, 3],
      },
    ],
  });
  assert.equal(
    chartDataFromTidy({ columns, rows: [{ time: "not a time", series: "A", y: 1 }] }),
    null,
  );
  assert.equal(chartDataFromTidy({ columns, rows: [] }), null);
});
