/**
 * The scan's rankings equal direct library calls on the same real panel (Binance hourly bars
 * of 8 assets, 2021-01 .. 2021-03): momentum = `momentum`, residual momentum = the
 * independent `residualMomentum` signal (rollingOls) for every non-factor asset, volatility
 * breakout = its formula written out here, pairs = `screenPairs` + `spreadZScore`; and a scan
 * at the last closed bar does not move when a bar still forming is added to the store.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { openStore } from "@lib/store/db.ts";
import { importPaths } from "@lib/ingest/import_path.ts";
import { loadPanel } from "@lib/panel/load_panel.ts";
import { writeBars } from "@lib/store/bars.ts";
import { allocBars } from "@lib/core/types.ts";
import { scanCrossSection, type ScanRanking } from "@lib/research/cross_section_scan.ts";
import { runScan } from "@lib/pipeline/scan_run.ts";
import { momentum } from "@lib/research/signals/momentum.ts";
import { residualMomentum } from "@lib/research/signals/residual_momentum.ts";
import { screenPairs } from "@lib/research/pairs/screen_pairs.ts";
import { spreadZScore } from "@lib/research/pairs/spread.ts";
import { realDataTest, realPath } from "../_shared/real_data.ts";

const NFI = realPath("ohlcv", "binance_spot_2020-12_2021-07_nfi", "1h");
const BASES = ["BTC", "ETH", "ADA", "LTC", "XRP", "LINK", "DOT", "EOS"];
const FROM = Date.parse("2021-01-01"), TO = Date.parse("2021-03-01");
const H = 3_600_000;

/** Names ranked by value (desc, or |value| desc), ties by name, NaN left out. */
function ranked(names: readonly string[], v: readonly number[], abs = false) {
  const key = (x: number) => (abs ? Math.abs(x) : x);
  return names.map((name, i) => ({ name, value: v[i]! }))
    .filter((r) => Number.isFinite(r.value))
    .sort((a, b) => key(b.value) - key(a.value) || (a.name < b.name ? -1 : 1));
}

function assertRanking(k: ScanRanking, want: { name: string; value: number }[], tol: number) {
  assert.deepEqual(k.rows.map((r) => r.name), want.map((r) => r.name), k.signal);
  assert.deepEqual(k.rows.map((r) => r.rank), want.map((_, i) => i + 1), k.signal);
  k.rows.forEach((r, i) => {
    assert.ok(Math.abs(r.value - want[i]!.value) <= tol, `${k.signal} ${r.name}`);
  });
}

async function realStore(dir: string) {
  const store = openStore(join(dir, "real.db"));
  const r = await importPaths(store.db, BASES.map((b) => join(NFI, `${b}_USDT-1h.json`)), {
    venue: "binance",
    freq: "1h",
  });
  assert.ok(r.files.every((f) => f.status === "imported"));
  return store;
}

realDataTest("scan rankings equal the library's on a real panel", async () => {
  const dir = await Deno.makeTempDir({ prefix: "cryptolab-scan-" });
  const store = await realStore(dir);
  try {
    const panel = loadPanel(store.db, { venue: "binance", freq: "1h", from: FROM, to: TO });
    const t = panel.index.length - 1;
    const o = {
      lookback: 48,
      factorWindow: 240,
      breakoutWindow: 24,
      pairsWindow: 500,
      pairsTop: 5,
      zWindow: 72,
    };
    const scan = scanCrossSection(panel, o);
    assert.equal(scan.barTime, panel.index[t]);
    assert.deepEqual(scan.rankings.map((k) => k.signal), [
      "momentum",
      "residual-momentum",
      "vol-breakout",
      "pairs",
    ]);
    const [mom, res, brk, pairs] = scan.rankings as [
      ScanRanking,
      ScanRanking,
      ScanRanking,
      ScanRanking,
    ];

    const m = momentum(panel, { lookback: 48 }).map((x) => x[t]!);
    assertRanking(mom, ranked(panel.assets, m), 0);
    assert.equal(mom.rows.length, BASES.length);

    // residualMomentum regresses on rollingOls directly; factorModel's minObs default is
    // ceil(window / 2); the factors themselves are fit differently (BTC on an intercept only)
    const rm = residualMomentum(panel, { lookback: 48, window: 240, regressionMinObs: 120 })
      .map((x) => x[t]!);
    const others = panel.assets.filter((a) => a !== "BTCUSDT" && a !== "ETHUSDT");
    const fromScan = res.rows.filter((r) => others.includes(r.name));
    const want = ranked(others, others.map((a) => rm[panel.assets.indexOf(a)]!));
    assert.equal(fromScan.length, others.length);
    assert.deepEqual(fromScan.map((r) => r.name), want.map((r) => r.name));
    fromScan.forEach((r, i) => assert.ok(Math.abs(r.value - want[i]!.value) < 1e-10, r.name));
    assert.equal(res.rows.length + res.missing.length, BASES.length);

    const N = 24;
    const b = panel.assets.map((_, a) => {
      const high = panel.high[a]!, close = panel.close[a]!, r = panel.logReturns[a]!;
      const win = Array.from(r.subarray(t - N, t));
      const mean = win.reduce((s, x) => s + x, 0) / N;
      const sd = Math.sqrt(win.reduce((s, x) => s + (x - mean) ** 2, 0) / (N - 1));
      return Math.log(close[t]! / Math.max(...high.subarray(t - N, t))) / sd;
    });
    assertRanking(brk, ranked(panel.assets, b), 1e-9);

    const start = panel.index.length - 500;
    const logs = panel.close.map((c) => Float64Array.from(c.subarray(start), Math.log));
    const screen = screenPairs(logs, panel.assets, { maxPairs: 5, minOverlap: 100 });
    const z = screen.pairs.map((p) => {
      const s = Float64Array.from(
        logs[p.yIndex]!,
        (v, i) => v - p.hedgeRatio * logs[p.xIndex]![i]! - p.intercept,
      );
      return spreadZScore(s, { window: 72 }).zScore[s.length - 1]!;
    });
    assertRanking(pairs, ranked(screen.pairs.map((p) => `${p.y}/${p.x}`), z, true), 0);
    assert.equal(pairs.rows.length, 5);
  } finally {
    store.close();
    await Deno.remove(dir, { recursive: true });
  }
});

realDataTest("a bar still forming changes no ranking and not the fingerprint", async () => {
  const dir = await Deno.makeTempDir({ prefix: "cryptolab-scan-" });
  const store = await realStore(dir);
  try {
    const panel = loadPanel(store.db, { venue: "binance", freq: "1h" });
    const last = panel.index[panel.index.length - 1]!;
    // the clock half-way through the bar after the last stored one: that bar is forming
    const now = last + H + H / 2;
    const o = { freq: "1h" as const, now, factorWindow: 240, pairsWindow: 400, zWindow: 72 };
    const before = runScan(store.db, o);
    assert.equal(before.barTime, last);
    assert.equal(before.barClose, last + H);
    // a forming bar with a wild price for every asset, and for one a crash
    for (const [i, sym] of panel.assets.entries()) {
      const bar = allocBars({ venue: "binance", symbol: sym, freq: "1h" }, 1);
      bar.ts[0] = last + H;
      const c = i === 0 ? 1e-6 : 1e6;
      bar.open[0] =
        bar.high[0] =
        bar.low[0] =
        bar.close[0] =
          c;
      bar.volume[0] = 1e9;
      writeBars(store.db, bar, { source: "test" });
    }
    const after = runScan(store.db, o);
    assert.deepEqual(after, before);
    // once the clock passes its close, the same bar is scanned: the test can fail
    const closed = runScan(store.db, { ...o, now: last + 2 * H });
    assert.equal(closed.barTime, last + H);
    assert.notEqual(closed.fingerprint.sha256, before.fingerprint.sha256);
    assert.notDeepEqual(closed.scan.rankings[0]!.rows, before.scan.rankings[0]!.rows);
  } finally {
    store.close();
    await Deno.remove(dir, { recursive: true });
  }
});
