/**
 * The signal tear sheet's guards: a constant signal holds no long-short book and says so; an
 * IC no causal signal reaches is flagged first in the sheet ("looks like it uses future
 * data"); infinite values are refused; a table that lands nowhere is refused before anything
 * is computed; values (not a function) get a lookahead note that says what a user can do.
 */
import assert from "node:assert/strict";
import { fromColumns } from "@lib/panel/from_columns.ts";
import { SignalAlignmentError } from "@lib/research/signal_input.ts";
import { signalTearSheet } from "@lib/report/tears/signal_tear_sheet.ts";

const H = 3_600_000, T = 24 * 30;
const assets = ["BTCUSDT", "ETHUSDT", "A1", "A2", "A3", "A4", "A5", "A6"];
const close = assets.map((_, k) =>
  Float64Array.from(
    { length: T },
    (_, i) => 100 * Math.exp(0.01 * Math.sin(i / (3 + k)) + 0.002 * Math.sin(i * (1.7 + k))),
  )
);
const panel = fromColumns({
  venue: "sim",
  freq: "1h",
  assets,
  index: Float64Array.from({ length: T }, (_, i) => Date.UTC(2021, 0, 1) + i * H),
  close,
});
const notes = (sheet: ReturnType<typeof signalTearSheet>, id: string) =>
  sheet.sections.find((s) => s.id === id)!.blocks.flatMap((b) =>
    b.type === "note" || b.type === "paragraph" ? [b.text] : []
  );

Deno.test("signal tear sheet: a constant signal holds no book, and says so first", () => {
  const sheet = signalTearSheet(panel, assets.map(() => new Float64Array(T).fill(1)));
  const ls = sheet.longShort;
  assert.equal(ls.targets.rankedBars, T);
  assert.equal(ls.targets.tiedBars.length, T);
  assert.ok(ls.result.net.every((r) => r === 0), "a constant signal earned or lost money");
  assert.ok(ls.result.turnover.every((x) => x === 0));
  // the tie first, then that no IC means the future-data check could not run
  assert.equal(sheet.warnings.length, 2, sheet.warnings.join("\n"));
  assert.match(sheet.warnings[0]!, /^At every one of the 720 bars .* all values were equal/);
  assert.match(sheet.warnings[1]!, /^The impossible-IC check .* could not run/);
  const first = sheet.sections[0]!.blocks[0]!;
  assert.ok(first.type === "note" && first.level === "warning" && first.text === sheet.warnings[0]);
  assert.ok(
    notes(sheet, "signal-sheet-long-short-summary").some((t) =>
      /720 of 720 bars had enough values; at 720 of them every value was equal/.test(t)
    ),
  );
});

Deno.test("signal tear sheet: the next bar's return is flagged as using future data", () => {
  const next = panel.logReturns.map((r) => Float64Array.from(r, (_, t) => r[t + 1] ?? NaN));
  const sheet = signalTearSheet(panel, next, { horizons: [1] });
  assert.equal(sheet.warnings.length, 1, sheet.warnings.join("\n"));
  assert.match(
    sheet.warnings[0]!,
    /^This signal looks like it uses future data: .*h=1: mean IC 1\.000/,
  );
  const first = sheet.sections[0]!.blocks[0]!;
  assert.ok(first.type === "note" && first.level === "warning");
  assert.match(first.text, /looks like it uses future data/);
  // the same numbers one bar later (a causal signal: the last bar's return) are not flagged
  const last = panel.logReturns.map((r) => Float64Array.from(r));
  assert.deepEqual(signalTearSheet(panel, last, { horizons: [1] }).warnings, []);
});

Deno.test("signal tear sheet: infinite values are refused, naming the asset and bar", () => {
  const sig = assets.map(() => new Float64Array(T).fill(0.5));
  sig[3]![5] = Infinity;
  assert.throws(
    () => signalTearSheet(panel, sig),
    /the signal array has an infinite value \(Infinity\) in column 3 \(A2\) at bar 5 \(2021-01-01T05:00:00\.000Z\)/,
  );
  assert.throws(
    () => signalTearSheet(panel, () => sig),
    /the signal function's output has an infinite value \(Infinity\) in column 3/,
  );
});

Deno.test("signal tear sheet: a table that lands nowhere is refused before anything is computed", () => {
  const long = {
    ts: Float64Array.from(assets, () => panel.index[10]!),
    asset: assets.map((a) => a.replace("USDT", "") + "-PERP"),
    value: Float64Array.from(assets, (_, k) => k),
    source: "mine.csv",
  };
  assert.throws(
    () => signalTearSheet(panel, long),
    (e: Error) => e instanceof SignalAlignmentError && /BTC-PERP \(1 row\)/.test(e.message),
  );
});

Deno.test("signal tear sheet: values get a lookahead note a command-line user can act on", () => {
  const sig = panel.logReturns.map((r) => Float64Array.from(r));
  const sheet = signalTearSheet(panel, sig);
  assert.equal(sheet.longShort.lookahead, null);
  const checks = notes(sheet, "signal-sheet-long-short-checks").join(" ");
  assert.match(
    checks,
    /No lookahead check: the signal was given as values .* cannot be truncation-checked/,
  );
  assert.match(
    checks,
    /pass that function to signalTearSheet\(panel, fn\) \(or checkLookahead\(fn, panel\)\)/,
  );
  assert.doesNotMatch(checks, /pass one \(checkLookahead or backtestWithLookahead\)/);
});

Deno.test("signal tear sheet: values on too few assets: the future-data check says it could not run", () => {
  // the next bar's return on 3 of the panel's assets (NaN elsewhere): no IC (5 assets a bar
  // needed), so no verdict either way, and the sheet says so instead of staying silent
  const next = panel.logReturns.map((r, a) =>
    a < 3 ? Float64Array.from(r, (_, t) => r[t + 1] ?? NaN) : new Float64Array(T).fill(NaN)
  );
  const sheet = signalTearSheet(panel, next, { horizons: [1] });
  assert.ok(!sheet.warnings.some((w) => /looks like it uses future data/.test(w)));
  assert.ok(
    sheet.warnings.some((w) => /could not run/.test(w) && /5 assets/.test(w)),
    sheet.warnings.join("\n"),
  );
});
