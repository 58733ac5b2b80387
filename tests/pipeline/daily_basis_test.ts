/**
 * The daily report's funding and basis on a perp dataset (`deno task daily --venue
 * binance_futures`, deno.json permissions) with a store holding both venues: the basis compares
 * the perp with the spot venue's bars (binance for binance_futures by default, or
 * `--spot-venue`), never the perp with itself; a symbol the spot venue lacks says so instead of
 * showing a basis; a funding rate older than the funding interval at the bar's close is marked
 * stale with its time.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { DatabaseSync } from "node:sqlite";
import { allocBars } from "@lib/core/types.ts";
import { writeBars } from "@lib/store/bars.ts";
import { writeFunding } from "@lib/store/perp_funding.ts";
import { matchingSpotVenue, runDaily } from "@lib/pipeline/daily_run.ts";
import type { ReportModel, TableBlock } from "@lib/report/model.ts";
import { tempStore } from "../_shared/tmp_store.ts";
import { runDeno } from "../_shared/run_task.ts";

const H = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);
const N = 60;
/** Perp premium over spot per symbol (BCH has no spot bars). */
const PREMIUM: Record<string, number> = { BTCUSDT: 0.002, ETHUSDT: -0.001, XRPUSDT: 0.0005 };
const PERPS = ["BCHUSDT", "BTCUSDT", "ETHUSDT", "XRPUSDT"];

function spotClose(symbol: string, i: number): number {
  const k = PERPS.indexOf(symbol) + 1;
  return 100 * k + Math.sin(i * k) + i * 0.01 * k;
}

function fill(db: DatabaseSync): void {
  for (const symbol of PERPS) {
    for (const venue of ["binance_futures", "binance"] as const) {
      const premium = PREMIUM[symbol];
      if (venue === "binance" && premium === undefined) continue; // no BCH spot bars
      const b = allocBars({ venue, symbol, freq: "1h" }, N);
      for (let i = 0; i < N; i++) {
        const c = spotClose(symbol, i) * (venue === "binance" ? 1 : 1 + (premium ?? 0));
        b.ts[i] = T0 + i * H;
        b.open[i] =
          b.high[i] =
          b.low[i] =
          b.close[i] =
            c;
        b.volume[i] = 1;
      }
      writeBars(db, b, { source: "test" });
    }
  }
  const close = T0 + N * H; // the last bar's close
  // BTC: fresh 8h funding; XRP: last rate 25 days before the bar; ETH: 4h funding, 5h old
  writeFunding(db, [
    { fundingTime: close - 16 * H, rate: 1e-4 },
    { fundingTime: close - 8 * H, rate: 2e-4 },
  ], { venue: "binance_futures", symbol: "BTCUSDT", source: "test" });
  writeFunding(db, [{ fundingTime: T0, rate: 5e-4 }], {
    venue: "binance_futures",
    symbol: "XRPUSDT",
    source: "test",
  });
  writeFunding(db, [
    { fundingTime: close - 9 * H, rate: 3e-4 },
    { fundingTime: close - 5 * H, rate: 4e-4 },
  ], { venue: "binance_futures", symbol: "ETHUSDT", source: "test" });
}

const TUNING = ["--vol-window", "10", "--ma-window", "10", "--min-assets", "3"];

function fundingTable(m: ReportModel): TableBlock {
  const b = m.sections.find((s) => s.id === "funding-basis")!.blocks.find((x) =>
    x.type === "table"
  );
  assert.ok(b !== undefined, "funding table");
  return b as TableBlock;
}

Deno.test("matchingSpotVenue: the spot venue of a perp venue by name", () => {
  assert.equal(matchingSpotVenue("binance_futures"), "binance");
  assert.equal(matchingSpotVenue("okx_perp"), "okx");
  assert.equal(matchingSpotVenue("binance"), undefined);
});

Deno.test("daily on a perp dataset: basis against the spot venue, stale funding marked", async () => {
  const s = tempStore();
  try {
    fill(s.db);
    // runDaily in-process: the perp dataset's basis is against binance, not itself
    const run = runDaily(s.db, {
      freq: "1h",
      venue: "binance_futures",
      now: T0 + N * H,
      volWindow: 10,
      maWindow: 10,
      minAssets: 3,
      git: { commit: "unknown", dirty: null },
    });
    assert.equal(run.snapshot.barTime, T0 + (N - 1) * H);
    assert.equal(run.funding.spotVenue, "binance");
    const by = Object.fromEntries(run.funding.rows.map((r) => [r.symbol, r]));
    for (const [symbol, p] of Object.entries(PREMIUM)) {
      assert.ok(Math.abs(by[symbol]!.basis - p) < 1e-12, `${symbol} basis ${by[symbol]!.basis}`);
    }
    assert.ok(Number.isNaN(by.BCHUSDT!.basis));
    assert.match(by.BCHUSDT!.note, /no basis: the store has no binance 1h bars of BCHUSDT/);
    assert.match(by.BCHUSDT!.note, /no binance_futures funding rate/);
    assert.equal(by.BTCUSDT!.fundingStale, false);
    assert.equal(by.BTCUSDT!.note, "");
    assert.equal(by.ETHUSDT!.fundingStale, true); // 4h funding, last one 5h before the close
    assert.match(by.ETHUSDT!.note, /stale funding: stamped .*, 5h before .*interval 4h/);
    assert.equal(by.XRPUSDT!.fundingStale, true);
    assert.equal(by.XRPUSDT!.fundingTime, T0);
    assert.match(
      by.XRPUSDT!.note,
      /^stale funding: stamped 2024-01-01T00:00:00\.000Z, 2\.5 days before the bar's close \(funding interval 8h\)$/,
    );
    s.close();

    // the task as users run it
    const out = join(s.dir, "out");
    const task = (...args: string[]) =>
      runDeno([
        "task",
        "daily",
        "--db",
        s.path,
        "--out",
        out,
        "--now",
        "2024-01-03T12:00",
        ...args,
      ]);
    const r = await task("--venue", "binance_futures", "--run-id", "p1", ...TUNING);
    assert.equal(r.code, 0, r.stderr);
    const model = JSON.parse(readFileSync(join(out, "p1", "report.json"), "utf8")) as ReportModel;
    const t = fundingTable(model);
    assert.match(t.caption ?? "", /\(binance_futures close - binance close\) \/ binance close/);
    const rows = Object.fromEntries(t.rows.map((x) => [x[0], x]));
    assert.ok(Math.abs((rows.BTCUSDT![3] as number) - 0.002) < 1e-12);
    assert.equal(rows.BCHUSDT![3], null);
    assert.match(String(rows.BCHUSDT![4]), /the store has no binance 1h bars of BCHUSDT/);
    assert.match(String(rows.XRPUSDT![4]), /^stale funding: stamped 2024-01-01T00:00:00\.000Z/);
    const html = readFileSync(join(out, "p1", "report.html"), "utf8");
    assert.match(html, /Stale funding [^<]*: ETHUSDT, XRPUSDT\./);
    assert.match(html, /No basis for BCHUSDT/);
    const manifest = JSON.parse(readFileSync(join(out, "p1", "manifest.json"), "utf8"));
    assert.equal(manifest.params.spotVenue, "binance");

    // --spot-venue names another venue: no bars of it, so no basis, and the note says so
    const o = await task(
      "--venue",
      "binance_futures",
      "--run-id",
      "p2",
      "--spot-venue",
      "okx",
      ...TUNING,
    );
    assert.equal(o.code, 0, o.stderr);
    const m2 = JSON.parse(readFileSync(join(out, "p2", "report.json"), "utf8")) as ReportModel;
    for (const x of fundingTable(m2).rows) {
      assert.equal(x[3], null, String(x[0]));
      assert.match(String(x[4]), /the store has no okx 1h bars of/);
    }
    // the perp venue as its own spot venue is refused, naming the flag
    const bad = await task(
      "--venue",
      "binance_futures",
      "--spot-venue",
      "binance_futures",
      ...TUNING,
    );
    assert.equal(bad.code, 2, bad.stderr);
    assert.match(bad.stderr, /--spot-venue: spot venue binance_futures is the perp venue/);
  } finally {
    s.cleanup();
  }
});
