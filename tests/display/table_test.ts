import assert from "node:assert/strict";
import { DISPLAY, table, tableFromPanel } from "@lib/display/mod.ts";
import { escapeHtml } from "@lib/core/escape_html.ts";

Deno.test("table escapes every data string in the HTML form", () => {
  const t = table(
    [{ "<th>": "<script>alert(1)</script>", name: `a"b'c&d` }],
    { caption: "<i>caption</i>" },
  );
  assert.ok(!t.html.includes("<script>"), t.html);
  assert.ok(!t.html.includes("<th>&"), t.html);
  assert.ok(t.html.includes("&lt;script&gt;alert(1)&lt;/script&gt;"));
  assert.ok(t.html.includes("&lt;th&gt;"));
  assert.ok(t.html.includes("a&quot;b&#39;c&amp;d"));
  assert.ok(t.html.includes("<caption>&lt;i&gt;caption&lt;/i&gt;</caption>"));
  // the text form is not HTML and shows the string as it is
  assert.ok(t.text.includes("<script>alert(1)</script>"));
});

Deno.test("escapeHtml leaves ordinary text alone", () => {
  assert.equal(escapeHtml("BTC/USDT 1h"), "BTC/USDT 1h");
  assert.equal(escapeHtml("&amp;"), "&amp;amp;");
});

Deno.test("table formats numbers per column", () => {
  const t = table(
    {
      n: [1234567, 2],
      x: [1 / 3, 2.5],
      p: [0.01234, -0.5],
      i: [2.6, 1000.4],
      ts: [Date.UTC(2024, 0, 2, 3, 4), Date.UTC(2024, 0, 2, 3, 4, 5)],
      d: [Date.UTC(2024, 0, 2, 3, 4), Date.UTC(2024, 11, 31)],
      m: [NaN, null],
    },
    {
      formats: { p: "percent", i: "integer", ts: "datetime", d: "date", x: (v) => `~${v}` },
      thousands: true,
      missing: "-",
    },
  );
  assert.deepEqual(t.text.split("\n"), [
    "        n                    x        p      i  ts                    d           m",
    "---------  -------------------  -------  -----  --------------------  ----------  -",
    "1,234,567  ~0.3333333333333333    1.23%      3  2024-01-02T03:04Z     2024-01-02  -",
    "        2                 ~2.5  -50.00%  1,000  2024-01-02T03:04:05Z  2024-12-31  -",
  ]);
  // "auto" keeps whole numbers whole whatever `digits` says (a sign is -1, not -1.000).
  assert.deepEqual(
    table({ s: [-1, 0, 1, 0.5] }, { digits: 3 }).text.split("\n").slice(2),
    ["   -1", "    0", "    1", "0.500"],
  );
  const d = table({ x: [Math.PI, 1e-9, 12345.678] }, { digits: 2 });
  assert.deepEqual(d.text.split("\n").slice(2), ["    3.14", "    0.00", "12345.68"]);
  const auto = table({ x: [Math.PI, 1e-9, 12345.678, Infinity] });
  assert.deepEqual(auto.text.split("\n").slice(2), [
    " 3.14159",
    "    1e-9",
    " 12345.7",
    "Infinity",
  ]);
});

Deno.test("numeric columns are right-aligned, text columns left-aligned", () => {
  const t = table({ s: ["a", "bbb"], v: [1, 100] });
  assert.deepEqual(t.text.split("\n"), ["s      v", "---  ---", "a      1", "bbb  100"]);
  assert.ok(t.html.includes('<th style="text-align:left">s</th>'));
  assert.ok(t.html.includes('<td style="text-align:right">100</td>'));
});

Deno.test("maxRows cuts rows and says how many are hidden in both forms", () => {
  const rows = Array.from({ length: 120 }, (_, i) => ({ i }));
  const t = table(rows);
  assert.equal(t.rowCount, 120);
  assert.equal(t.shownRows, 50);
  assert.ok(t.text.endsWith("\n... 70 more rows"));
  assert.ok(t.html.includes('<tfoot><tr><td colspan="1" style="text-align:left">... 70 more rows'));
  assert.equal((t.html.match(/<tr>/g) ?? []).length, 1 + 50 + 1);
  const all = table(rows, { maxRows: 200 });
  assert.ok(!all.text.includes("more row"));
  assert.ok(!all.html.includes("<tfoot>"));
});

Deno.test("rows with different keys take the union of columns; missing cells are empty", () => {
  const t = table([{ a: 1 }, { b: "x" }]);
  assert.deepEqual(t.columns, ["a", "b"]);
  assert.deepEqual(t.text.split("\n"), ["a  b", "-  -", "1", "   x"]);
});

Deno.test("columns option selects and orders; bad input names the problem", () => {
  const t = table({ a: [1], b: [2], c: [3] }, { columns: ["c", "a"], labels: { c: "C!" } });
  assert.deepEqual(t.columns, ["c", "a"]);
  assert.ok(t.text.startsWith("C!  a"));
  assert.throws(() => table({ a: [1] }, { columns: ["zz"] }), /no column "zz" \(columns are a\)/);
  assert.throws(
    () => table({ a: [1, 2], b: [1] }),
    /equal lengths, but "a" has 2 and "b" has 1/,
  );
  assert.throws(() => table({ a: [1] }, { maxRows: -1 }), /maxRows must be an integer >= 0/);
});

Deno.test("long or multi-line cells stay on one line in the text form", () => {
  const t = table({ s: ["line1\nline2", "x".repeat(100)] }, { maxCellWidth: 10 });
  const lines = t.text.split("\n");
  assert.equal(lines.length, 4);
  assert.equal(lines[2], "line1 lin…");
  assert.equal(lines[3], "xxxxxxxxx…");
  // HTML keeps the full value
  assert.ok(t.html.includes("x".repeat(100)));
});

Deno.test("a table's Jupyter bundle has text/html and text/plain", () => {
  const t = table({ a: [1] });
  const bundle = t[DISPLAY]();
  assert.deepEqual(Object.keys(bundle).sort(), ["text/html", "text/plain"]);
  assert.equal(bundle["text/plain"], t.text);
  assert.equal(String(t), t.text);
});

const panel = {
  venue: "sim",
  freq: "1h",
  assets: ["BTC", "<img src=x>"],
  index: Float64Array.from({ length: 30 }, (_, i) => Date.UTC(2024, 0, 1) + i * 3_600_000),
  close: [
    Float64Array.from({ length: 30 }, (_, i) => 100 + i),
    Float64Array.from({ length: 30 }, (_, i) => (i === 28 ? NaN : 0.5 * i)),
  ],
};

Deno.test("tableFromPanel shows the last n times with gaps as NaN, escaped", () => {
  const t = tableFromPanel(panel, "close", { last: 3 });
  assert.deepEqual(t.columns, ["time", "BTC", "<img src=x>"]);
  assert.equal(t.rowCount, 3);
  assert.deepEqual(t.text.split("\n"), [
    "sim 1h close: last 3 of 30 times (UTC)",
    "time (UTC)         BTC  <img src=x>",
    "-----------------  ---  -----------",
    "2024-01-02T03:00Z  127         13.5",
    "2024-01-02T04:00Z  128          NaN",
    "2024-01-02T05:00Z  129         14.5",
  ]);
  assert.ok(t.html.includes("&lt;img src=x&gt;"));
  assert.ok(!t.html.includes("<img"));
  const all = tableFromPanel(panel, "close", { last: 100, assets: ["BTC"] });
  assert.equal(all.rowCount, 30);
  assert.ok(!all.text.includes("more row"));
});

Deno.test("tableFromPanel names what is wrong", () => {
  assert.throws(() => tableFromPanel(panel, "volume"), /no such field/);
  assert.throws(() => tableFromPanel(panel, "close", { assets: ["DOGE"] }), /no asset "DOGE"/);
  assert.throws(() => tableFromPanel(panel, "close", { last: 0 }), /last must be an integer >= 1/);
});

Deno.test("a Panel from lib/panel is accepted by tableFromPanel", async () => {
  const { fromColumns } = await import("@lib/panel/mod.ts");
  const p = fromColumns({
    freq: "1h",
    venue: "sim",
    assets: ["A"],
    index: new Float64Array([0, 3_600_000]),
    close: [new Float64Array([1, 2])],
  });
  const t = tableFromPanel(p, "logReturns", { last: 1, digits: 4 });
  assert.ok(t.text.endsWith("1970-01-01T01:00Z  0.6931"), t.text);
});
