/**
 * `deno task scan [--venue V] [--freq 1h] [--universe A,B|all] [--signals ...] [--top N]
 * [--now ISO] [--json] [--out FILE] [--db PATH]`
 *
 * Prints the current cross-sectional rankings of a universe at its last CLOSED bar
 * (lib/pipeline/scan_run.ts): a table per ranking, or JSON with `--json` / `--out`.
 *
 * @module
 */
import { writeFileSync } from "node:fs";
import { isFreq } from "@lib/core/freq.ts";
import { CLOSED_BAR_RULE, runScan, type ScanRun } from "@lib/pipeline/scan_run.ts";
import { ReportInputError } from "@lib/pipeline/report_run.ts";
import { SCAN_DEFAULTS, SCAN_SIGNALS, type ScanSignal } from "@lib/research/cross_section_scan.ts";
import { openTaskStore, parseFlags, runMain, UsageError } from "./_cli.ts";

const D = SCAN_DEFAULTS;
const USAGE =
  `usage: deno task scan [--venue V] [--freq F] [--universe A,B|all] [--signals LIST] [--top N]
                      [--now ISO] [--json] [--out FILE] [--db PATH] [tuning flags]

Ranks every asset of a universe at its last CLOSED bar: ${CLOSED_BAR_RULE}.
Prints the dataset fingerprint (SHA-256 of exactly the bars read) and one table per ranking.

  --venue V          venue of the series (default: the only venue with --freq bars)
  --freq F           bar frequency: 1s 1m 5m 15m 1h 4h 1d (default 1h)
  --universe LIST    comma-separated symbols, or "all" (default: every series of the venue)
  --signals LIST     rankings, in order (default all): ${SCAN_SIGNALS.join(", ")}
  --top N            rows of each ranking shown, in the table and the JSON (default 10; 0 = all)
  --now ISO          the clock the closed-bar rule uses, UTC (default: now)
  --json             print JSON instead of the tables
  --out FILE         also write the JSON to FILE
  --db PATH          store file (default: $CRYPTOLAB_DB or data/cryptolab.db)
tuning:
  --lookback N         bars of momentum and residual momentum (default ${D.lookback})
  --factor-window N    bars of the rolling BTC/ETH factor regression (default ${D.factorWindow})
  --factors A,B        factors of residual momentum, BTC first (default ${D.factors.join(",")})
  --breakout-window N  bars of the breakout channel and its volatility (default ${D.breakoutWindow})
  --pairs-window N     trailing bars the pairs are screened and hedged on (default ${D.pairsWindow})
  --pairs-top N        cointegrated pairs scored (default ${D.pairsTop})
  --z-window N         bars of each spread's causal rolling z-score (default ${D.zWindow})`;

function usage(message: string): UsageError {
  return new UsageError(`${message}\n\n${USAGE}`);
}

function list(name: string, v: string): string[] {
  const items = v.split(",").map((s) => s.trim()).filter((s) => s !== "");
  if (items.length === 0) throw usage(`--${name} must list at least one value, got "${v}"`);
  if (new Set(items).size !== items.length) throw usage(`--${name} lists a value twice`);
  return items;
}

function int(name: string, v: string | undefined, min: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(n) || n < min) {
    throw usage(`--${name} must be an integer >= ${min}, got "${v}"`);
  }
  return n;
}

/** Control characters JSON.stringify leaves raw (DEL, C1) written as \u escapes: same value. */
function safeJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(
    /[\u007f-\u009f\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** The JSON of a scan: every field a user needs to reproduce it, `top` rows of each ranking. */
function toJson(r: ScanRun, top: number) {
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    kind: "cryptolab-scan",
    version: 1,
    venue: r.venue,
    freq: r.freq,
    now: iso(r.now),
    rule: r.rule,
    bar: { open: iso(r.barTime), close: iso(r.barClose) },
    dataset: r.fingerprint,
    assets: r.assets,
    options: r.scan.options,
    top,
    rankings: r.scan.rankings.map((k) => ({
      signal: k.signal,
      description: k.description,
      ranked: k.rows.length,
      rows: top === 0 ? k.rows : k.rows.slice(0, top),
      missing: k.missing,
    })),
  };
}

function fmt(x: number): string {
  return x.toFixed(Math.abs(x) >= 100 ? 2 : 4);
}

// Symbols come from the store, i.e. from outside: console.log passes every string through
// forTerminal (guardConsole in runMain), so control characters in a name are shown, not obeyed.
function printTables(r: ScanRun, top: number): void {
  const iso = (ms: number) => new Date(ms).toISOString();
  console.log(
    `scan ${r.venue} ${r.freq}: ${r.assets.length} assets at the bar ${iso(r.barTime)} - ` +
      `${iso(r.barClose)}, the last closed at ${iso(r.now)}`,
  );
  console.log(`dataset ${r.fingerprint.sha256} (${r.fingerprint.rows} bars)`);
  console.log(`rule: ${r.rule}`);
  for (const k of r.scan.rankings) {
    const rows = top === 0 ? k.rows : k.rows.slice(0, top);
    console.log("");
    console.log(
      `${k.signal}: ${k.description}; ${k.rows.length} ranked` +
        (k.missing.length > 0 ? `, ${k.missing.length} without a value` : ""),
    );
    if (rows.length === 0) {
      console.log("  (nothing to rank)");
      continue;
    }
    const w = Math.max(5, ...rows.map((x) => x.name.length));
    console.log(`${"rank".padStart(5)}  ${"name".padEnd(w)}  ${"value".padStart(10)}`);
    for (const x of rows) {
      console.log(
        `${String(x.rank).padStart(5)}  ${x.name.padEnd(w)}  ${fmt(x.value).padStart(10)}`,
      );
    }
  }
}

function main(args: string[]): number {
  const { values } = parseFlags(args, {
    venue: { type: "string" },
    freq: { type: "string" },
    universe: { type: "string" },
    signals: { type: "string" },
    top: { type: "string" },
    now: { type: "string" },
    json: { type: "boolean" },
    out: { type: "string" },
    lookback: { type: "string" },
    "factor-window": { type: "string" },
    factors: { type: "string" },
    "breakout-window": { type: "string" },
    "pairs-window": { type: "string" },
    "pairs-top": { type: "string" },
    "z-window": { type: "string" },
  }, USAGE);
  const freq = values.freq ?? "1h";
  if (!isFreq(freq)) {
    throw usage(`--freq must be a bar frequency (1s 1m 5m 15m 1h 4h 1d), got "${freq}"`);
  }
  let signals: ScanSignal[] | undefined;
  if (values.signals !== undefined) {
    const names = list("signals", values.signals);
    for (const s of names) {
      if (!(SCAN_SIGNALS as readonly string[]).includes(s)) {
        throw usage(`--signals: unknown ranking "${s}"; known: ${SCAN_SIGNALS.join(", ")}`);
      }
    }
    signals = names as ScanSignal[];
  }
  const universe = values.universe === undefined || values.universe === "all"
    ? undefined
    : list("universe", values.universe);
  let now: number | undefined;
  if (values.now !== undefined) {
    const v = values.now;
    const ok = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?Z?)?$/.test(v);
    now = ok ? Date.parse(/Z$|^\d{4}-\d{2}-\d{2}$/.test(v) ? v : `${v.replace(" ", "T")}Z`) : NaN;
    if (!Number.isFinite(now)) {
      throw usage(`--now must be an ISO date or time in UTC (2021-01-31T12:00), got "${v}"`);
    }
  }
  const top = int("top", values.top, 0) ?? 10;
  const factors = values.factors === undefined ? undefined : list("factors", values.factors);
  if (factors !== undefined && factors.length > 2) {
    throw usage(
      `--factors takes one or two names, BTC first (e.g. BTC,ETH), got "${values.factors}"`,
    );
  }
  const tuning = {
    lookback: int("lookback", values.lookback, 1),
    factorWindow: int("factor-window", values["factor-window"], 3),
    factors,
    breakoutWindow: int("breakout-window", values["breakout-window"], 2),
    pairsWindow: int("pairs-window", values["pairs-window"], 3),
    pairsTop: int("pairs-top", values["pairs-top"], 1),
    zWindow: int("z-window", values["z-window"], 2),
  };
  const options = Object.fromEntries(
    Object.entries({ signals, ...tuning }).filter(([, v]) => v !== undefined),
  );
  const store = openTaskStore(values.db, { readOnly: true, mustExist: true });
  try {
    let run: ScanRun;
    try {
      run = runScan(store.db, { freq, venue: values.venue, symbols: universe, now, ...options });
    } catch (e) {
      if (!(e instanceof ReportInputError)) throw e;
      throw usage(e.flag === undefined ? e.message : `--${e.flag}: ${e.message}`);
    }
    const json = safeJson(toJson(run, top));
    if (values.out !== undefined) {
      writeFileSync(values.out, json + "\n");
      console.error(`wrote ${values.out}`);
    }
    if (values.json) console.log(json);
    else printTables(run, top);
    return 0;
  } finally {
    store.close();
  }
}

if (import.meta.main) runMain(main);
