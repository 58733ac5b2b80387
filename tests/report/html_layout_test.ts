/**
 * The page layout promises of renderHtml: the page spans the window, wide and long tables say
 * they scroll and keep their header and first column in place, manifest times are ISO 8601.
 */
import assert from "node:assert/strict";
import { renderHtml } from "@lib/report/html.ts";
import { column, type ReportModel, type TableBlock } from "@lib/report/model.ts";
import { fixtureModel } from "./_fixture.ts";

function withTable(table: TableBlock): ReportModel {
  const m = fixtureModel();
  return { ...m, sections: [...m.sections, { id: "wide", title: "Wide", blocks: [table] }] };
}

const WIDE: TableBlock = {
  type: "table",
  id: "wide-table",
  title: "Wide",
  caption: "",
  columns: [
    column("asset", "Asset", "text"),
    ...Array.from({ length: 20 }, (_, j) => column(`c${j}`, `C${j}`, "number", 2)),
  ],
  rows: Array.from({ length: 40 }, (_, i) => [`A${i}`, ...Array.from({ length: 20 }, () => i)]),
};

Deno.test("the page spans the window: no fixed narrow column", () => {
  const html = renderHtml(fixtureModel());
  assert.doesNotMatch(html, /\.page \{[^}]*max-width/);
});

Deno.test("a wide, long table says it scrolls and keeps its header and first column", () => {
  const html = renderHtml(withTable(WIDE));
  assert.match(html, /21 columns, 40 rows: the table scrolls sideways and down/);
  assert.match(html, /thead th \{ position: sticky; top: 0;/);
  assert.match(html, /th:first-child, td:first-child \{ position: sticky; left: 0;/);
  assert.match(html, /\.table-wrap \{ overflow: auto; max-height: 75vh;/);
  // A small table says nothing.
  const small = renderHtml(fixtureModel());
  assert.doesNotMatch(small, /class="scroll-hint"/);
});

Deno.test("manifest times are ISO 8601", () => {
  const html = renderHtml(fixtureModel());
  assert.match(html, /2024-01-01T00:00Z \(inclusive\) to 2024-01-03T00:00Z \(exclusive\)/);
  assert.doesNotMatch(html, /\d{2}:\d{2} UTC/);
});
