/**
 * The report layer: a versioned report model, charts (Observable Plot rendered to
 * deterministic SVG), renderers (self-contained HTML, canonical JSON), the manifest that pins
 * down how a report was produced, and a verifier for report folders.
 *
 * Layers, each usable on its own, as in alphalens: `charts/` (one function per chart, returns
 * a figure block) -> `sections/` (one builder per section, from a panel or dataset) ->
 * `tear_sheet.ts` (a whole report composed of sections) -> `model.ts` (sections and blocks)
 * -> `html.ts` / `json.ts` (renderers) -> `write.ts` (the report folder) -> `verify.ts`
 * (check a folder against its manifest). The report is given its data (a `Dataset` from
 * `lib/panel`); it never reads the store or fetches. Jobs that fill a store live in
 * `lib/pipeline/`.
 *
 * @module
 */
export * from "./model.ts";
export * from "./schema.ts";
export * from "./json.ts";
export * from "./format.ts";
export * from "./plot_svg.ts";
export * from "./html.ts";
export * from "./manifest.ts";
export * from "./write.ts";
export * from "./verify.ts";
export * from "./charts/mod.ts";
export * from "./tear_sheet.ts";
export * from "./demo_report.ts";
export * from "./sections/data_section.ts";
export * from "./sections/performance_section.ts";
export * from "./sections/correlation_section.ts";
export * from "./sections/method_section.ts";
export * from "./sections/factor_section.ts";
export * from "./sections/signal_section.ts";
export * from "./sections/pairs_section.ts";
export * from "./research_report.ts";
export * from "./daily_report.ts";
export * from "./tears/mod.ts";
export * from "./interactive/mod.ts";
