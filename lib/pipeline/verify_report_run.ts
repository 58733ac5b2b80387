/**
 * Re-verifying a report folder against the store it was built from: what
 * `deno task verify-report <dir>` runs.
 *
 * Four checks, each `ok`, `failed` or `skipped` with the reason in words:
 *
 * 1. **hashes**: `verifyReport` of lib/report (every output's SHA-256 against `manifest.json`,
 *    both JSON files against their schemas).
 * 2. **fingerprint**: the bars the manifest names (`dataset`: venue, frequency, symbols and the
 *    window `[from, to)`) are read again from the store and fingerprinted; the SHA-256 and the
 *    row count must equal the manifest's. Skipped, with the path, when the store is absent.
 * 3. **re-render**: the report is built again from the same store, parameters and run id, and
 *    rendered in memory; `report.json`, `report.html` and `manifest.json` must equal the files
 *    on disk byte for byte, else the first differing byte offset of each file is given with a
 *    short context. What is compared: everything. The code version in the manifest (git commit
 *    and dirty flag, Deno version, `deno.lock` hash) is not recomputed but copied from the
 *    manifest into the re-rendered one (no wall-clock time is recorded in a report), so a
 *    difference means the current code or data produce other bytes; when the code version of
 *    the checkout differs from the recorded one, a note says so, since that may be the cause.
 *    Re-rendered kinds: the demo on the simulated market and on real data (the bars it
 *    backfilled read again; its data note, which records the exchange clock, taken from
 *    `report.json`), the research report
 *    (`deno task report`), the signal tear sheet (`deno task report --signal-file`: the file the
 *    manifest names is read again, and must have the manifest's SHA-256), the walk-forward
 *    report (`deno task walkforward`) and the backtest report (`deno task backtest`), both also
 *    with `--signal-file` (the file is read again the same way); other kinds are skipped with the
 *    reason; a signal file that cannot be read fails the check. Overfitting verdicts count the ledger's trials up to the
 *    manifest's `ledgerUpTo`, so trials recorded after the report change nothing.
 * 4. **ledger**: a table of the report whose columns include {@link LEDGER_REFERENCE_COLUMNS}
 *    (`trial_id`, `trial_hash`) references trials of the ledger: each must exist with that hash,
 *    and the ledger's hash chain must verify (`verifyLedger` of lib/store). Skipped when the
 *    report references no trial or the store is absent.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Freq } from "../core/freq.ts";
import { isFreq } from "../core/freq.ts";
import { readBars } from "../store/bars.ts";
import { fingerprintBarColumns } from "../store/fingerprint.ts";
import { listTrialFamilies, readTrials, verifyLedger } from "../store/trials.ts";
import type { ParamValue, ReportModel } from "../report/model.ts";
import { gitInfo } from "../report/manifest.ts";
import {
  type ManifestFile,
  ManifestFileSchema,
  type ReportJson,
  ReportSchema,
} from "../report/schema.ts";
import { verifyReport } from "../report/verify.ts";
import { renderReportFiles, REPORT_FILES, type ReportFiles } from "../report/write.ts";
import { demoDataNote, demoReportModel } from "./demo_run.ts";
import { binanceDemoModel } from "./demo_binance.ts";
import { runReport } from "./report_run.ts";
import { runBacktest } from "./backtest_run.ts";
import { runWalkForward } from "./walkforward_run.ts";
import type { SignalFile } from "./signal_file.ts";
import { LEDGER_UP_TO_PARAM } from "./ledger_up_to.ts";
import type { StrategyName, StrategyParam } from "./strategy_spec.ts";
import type { SpreadSource } from "./cost_spec.ts";
import type { Liquidity } from "../backtest/costs/fee_schedule.ts";

/**
 * Column keys by which a report table references ledger trials: a table with both columns is
 * read as one trial per row (its id and the 64-hex hash of its ledger row).
 */
export const LEDGER_REFERENCE_COLUMNS = { id: "trial_id", hash: "trial_hash" } as const;

/** Bytes of context shown on each side of a first difference. */
export const DIFF_CONTEXT_BYTES = 40;

/** One check of {@link verifyReportRun}. */
export interface ReportCheck {
  readonly name: "hashes" | "fingerprint" | "re-render" | "ledger";
  readonly status: "ok" | "failed" | "skipped";
  /** What was checked and found, one finding per line. */
  readonly lines: readonly string[];
}

/** Where a re-rendered file first differs from the file on disk. */
export interface FileDifference {
  readonly file: string;
  /** Byte offset of the first difference (the shorter length when one is a prefix). */
  readonly offset: number;
  /** Bytes around the offset in the file on disk, as JSON-escaped text. */
  readonly onDisk: string;
  /** The same bytes of the re-rendered file. */
  readonly reRendered: string;
  readonly onDiskBytes: number;
  readonly reRenderedBytes: number;
}

/** What {@link verifyReportRun} found. */
export interface VerifyReportRunResult {
  /**
   * True when no check failed and the store was there (a report whose data cannot be read
   * again is not verified; other skipped checks say why in their lines).
   */
  readonly ok: boolean;
  readonly checks: readonly ReportCheck[];
  readonly differences: readonly FileDifference[];
  /** The re-rendered files, when the report could be re-rendered (to keep with `--out`). */
  readonly reRendered: ReportFiles | null;
}

/** The store to check against: open, or absent at `path`. */
export type StoreAccess =
  | { readonly db: DatabaseSync; readonly path: string }
  | { readonly db: null; readonly path: string };

/** Options of {@link verifyReportRun}. */
export interface VerifyReportRunOptions {
  /** Checkout whose git commit is compared with the manifest's. @default the current directory */
  readonly projectDir?: string;
  /**
   * The signal file a signal tear sheet's or a backtest's manifest names (`params.signalFile`),
   * read by the caller (`readSignalFile`, asynchronous); such a report without it fails
   * re-render.
   */
  readonly signalFile?: SignalFile | undefined;
}

/**
 * The byte offset where `a` and `b` first differ, or -1 when they are equal.
 *
 * @example
 * ```ts
 * import { firstDifference } from "@lib/pipeline/verify_report_run.ts";
 * import assert from "node:assert/strict";
 * const enc = (s: string) => new TextEncoder().encode(s);
 * assert.equal(firstDifference(enc("abc"), enc("abc")), -1);
 * assert.equal(firstDifference(enc("abc"), enc("abd")), 2);
 * assert.equal(firstDifference(enc("ab"), enc("abc")), 2);
 * ```
 */
export function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}

function context(bytes: Uint8Array, offset: number): string {
  const lo = Math.max(0, offset - DIFF_CONTEXT_BYTES);
  const hi = Math.min(bytes.length, offset + DIFF_CONTEXT_BYTES);
  return JSON.stringify(new TextDecoder().decode(bytes.subarray(lo, hi)));
}

/**
 * Run the four checks of the module doc on the report folder `dir` against `store`.
 *
 * @example An empty folder fails at the first check
 * ```ts
 * import { verifyReportRun } from "@lib/pipeline/verify_report_run.ts";
 * import assert from "node:assert/strict";
 * const r = verifyReportRun(Deno.makeTempDirSync(), { db: null, path: "/nowhere.db" });
 * assert.equal(r.ok, false);
 * assert.equal(r.checks[0]!.status, "failed");
 * ```
 */
export function verifyReportRun(
  dir: string,
  store: StoreAccess,
  options: VerifyReportRunOptions = {},
): VerifyReportRunResult {
  const checks: ReportCheck[] = [];
  const hashes = verifyReport(dir);
  checks.push({
    name: "hashes",
    status: hashes.ok ? "ok" : "failed",
    lines: [
      ...hashes.checked.map((f) => `${f}: SHA-256 as listed in manifest.json`),
      ...hashes.problems.map((p) => `${p.file}: ${p.message}`),
    ],
  });
  const manifest = parseFile(dir, "manifest.json", ManifestFileSchema);
  const report = parseFile(dir, "report.json", ReportSchema);
  if (manifest === undefined || report === undefined) {
    const why = "manifest.json or report.json is missing or invalid (see hashes)";
    for (const name of ["fingerprint", "re-render", "ledger"] as const) {
      checks.push({ name, status: "skipped", lines: [why] });
    }
    return { ok: false, checks, differences: [], reRendered: null };
  }
  const absent = `the store ${store.path} is absent; pass the store the report was built ` +
    `from with --db`;
  checks.push(
    store.db === null
      ? { name: "fingerprint", status: "skipped", lines: [absent] }
      : fingerprintCheck(store.db, manifest),
  );
  let differences: FileDifference[] = [];
  let reRendered: ReportFiles | null = null;
  if (store.db === null) {
    checks.push({ name: "re-render", status: "skipped", lines: [absent] });
  } else {
    const r = reRenderCheck(dir, store.db, manifest, report, options);
    checks.push(r.check);
    differences = r.differences;
    reRendered = r.files;
  }
  checks.push(ledgerCheck(report, store, absent));
  return {
    ok: store.db !== null && checks.every((c) => c.status !== "failed"),
    checks,
    differences,
    reRendered,
  };
}

function parseFile<T>(
  dir: string,
  name: string,
  schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } },
): T | undefined {
  const p = join(dir, name);
  if (!existsSync(p)) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(p, "utf8"));
  } catch {
    return undefined;
  }
  const r = schema.safeParse(raw);
  return r.success ? r.data : undefined;
}

function fingerprintCheck(db: DatabaseSync, m: ManifestFile): ReportCheck {
  const d = m.dataset;
  if (!isFreq(d.freq)) {
    return {
      name: "fingerprint",
      status: "failed",
      lines: [`the manifest's frequency "${d.freq}" is not a bar frequency`],
    };
  }
  const bars = d.symbols.map((symbol) =>
    readBars(db, { venue: d.venue, symbol, freq: d.freq as Freq }, { from: d.from, to: d.to })
  );
  const fp = fingerprintBarColumns(bars);
  const window = `${new Date(d.from).toISOString()} to ${new Date(d.to).toISOString()}`;
  const scope = `${d.symbols.length} ${d.freq} series of ${d.venue}, ${window}`;
  if (fp.sha256 === m.datasetFingerprint && fp.rows === d.rows) {
    return {
      name: "fingerprint",
      status: "ok",
      lines: [`${scope}: ${fp.rows} rows, SHA-256 ${fp.sha256} as in the manifest`],
    };
  }
  const empty = d.symbols.filter((_, i) => bars[i]!.ts.length === 0);
  return {
    name: "fingerprint",
    status: "failed",
    lines: [
      `${scope}: the store's rows fingerprint to ${fp.sha256} (${fp.rows} rows), the manifest ` +
      `lists ${m.datasetFingerprint} (${d.rows} rows): the stored bars changed since the report`,
      ...(empty.length > 0 ? [`no bars in the window for ${empty.join(", ")}`] : []),
    ],
  };
}

/** Rebuild the report model the way the task that wrote it did, or say why it cannot. */
function rebuild(
  db: DatabaseSync,
  m: ManifestFile,
  report: ReportJson,
  signalFile: SignalFile | undefined,
): { model: ReportModel } | { skip: string } {
  const p = m.params;
  const d = m.dataset;
  const num = (k: string) => typeof p[k] === "number" ? p[k] as number : undefined;
  if (report.title === "cryptolab demo report" && d.venue === "sim" && m.seed !== null) {
    const assets = num("assets"), days = num("days"), betaWindow = num("betaWindow");
    if (assets === undefined || days === undefined || betaWindow === undefined) {
      return { skip: "the demo manifest lacks assets, days or betaWindow" };
    }
    const plain = demoDataNote(m.seed);
    const reason = report.dataNote.startsWith(`${plain} (`) && report.dataNote.endsWith(")")
      ? report.dataNote.slice(plain.length + 2, -1)
      : undefined;
    return {
      model: demoReportModel(db, {
        symbols: d.symbols,
        from: d.from,
        to: d.to,
        seed: m.seed,
        assets,
        days,
        betaWindow,
        reason,
        runId: m.runId,
        git: m.git,
        ledgerUpTo: num(LEDGER_UP_TO_PARAM),
      }),
    };
  }
  if (
    report.title === "cryptolab demo report" && d.venue === "binance" && m.seed === null &&
    p.source === "binance"
  ) {
    // the real-data demo: the bars it backfilled are read again; the data note (the exchange
    // clock when it ran, the pairs left out) is not in the store and is taken from report.json
    const assets = num("assets"), days = num("days"), betaWindow = num("betaWindow");
    if (assets === undefined || days === undefined || betaWindow === undefined) {
      return { skip: "the real-data demo manifest lacks assets, days or betaWindow" };
    }
    return {
      model: binanceDemoModel(db, {
        symbols: d.symbols,
        from: d.from,
        to: d.to,
        assets,
        days,
        betaWindow,
        dataNote: report.dataNote,
        runId: m.runId,
        git: m.git,
        ledgerUpTo: num(LEDGER_UP_TO_PARAM),
      }),
    };
  }
  if (report.title === "cryptolab research report" && typeof p.signals === "string") {
    const list = (k: string) => String(p[k] ?? "").split(",").filter((s) => s !== "");
    return {
      model: runReport(db, {
        freq: d.freq as Freq,
        venue: d.venue,
        symbols: d.symbols,
        from: d.from,
        to: d.to,
        signals: list("signals"),
        horizons: list("horizons").map(Number),
        pairsTop: num("pairsTop"),
        betaWindow: num("betaWindow"),
        factorWindow: num("factorWindow"),
        zWindow: num("zWindow"),
        nullRuns: num("nullRuns"),
        ledgerUpTo: num(LEDGER_UP_TO_PARAM),
        runId: m.runId,
        git: m.git,
      }).model,
    };
  }
  if (
    report.title.startsWith("cryptolab backtest: ") && typeof p.strategy === "string" &&
    (p.signalFile === null ||
      (typeof p.signalFile === "string" && typeof p.signalSha256 === "string"))
  ) {
    // a backtest of a signal file (`--signal-file`): the file read again, with the manifest's
    // SHA-256 (throws, naming the file, else)
    const signalValues = p.signalFile === null
      ? undefined
      : { input: checkedSignalFile(m, signalFile).signal, source: signalSource(m) };
    // the manifest holds every parameter after defaults; the title's label lists the ones the
    // user gave, in their order ("ma-crossover BTCUSDT (fast 3, slow 10)"): give those again
    const shown = /\(([^()]*)\)$/.exec(report.title)?.[1] ?? "";
    const strategyParams = labelParams(p, shown, {});
    const { str, bool } = typed(p);
    return {
      model: runBacktest(db, {
        freq: d.freq as Freq,
        venue: d.venue,
        symbols: d.symbols,
        from: d.from,
        to: d.to,
        strategy: {
          strategy: p.strategy as StrategyName,
          assets: str("assets")?.split(","),
          signal: str("signal"),
          params: strategyParams,
        },
        costs: manifestCosts(p),
        signalValues,
        lag: num("lag"),
        maxGross: num("maxGross"),
        adjustRedenominations: bool("adjustRedenominations"),
        nullRuns: num("nullRuns"),
        ledgerUpTo: num(LEDGER_UP_TO_PARAM),
        runId: m.runId,
        git: m.git,
      }).model,
    };
  }
  if (
    report.title.startsWith("cryptolab walk-forward: ") && typeof p.strategy === "string" &&
    typeof p.grid === "string" &&
    (p.signalFile === null ||
      (typeof p.signalFile === "string" && typeof p.signalSha256 === "string"))
  ) {
    // a walk-forward of a signal file: read again as for a backtest
    const signalValues = p.signalFile === null
      ? undefined
      : { input: checkedSignalFile(m, signalFile).signal, source: signalSource(m) };
    // the grid is `k=v1,v2;k2=...`; the setup paragraph opens with the strategy's label, which
    // lists the parameters the user gave besides the grid ("ma-crossover BTCUSDT (slow 50), on
    // 1h bars ..."; none: "ma-crossover BTCUSDT, on 1h bars ..."): give those again, with their
    // values from the manifest (runWalkForward completes the rest from the grid, as it did)
    const grid: Record<string, StrategyParam[]> = {};
    for (const item of p.grid.split(";")) {
      const [k, values] = item.split("=") as [string, string];
      grid[k] = values.split(",").map((v) => {
        const n = Number(v);
        return v !== "" && Number.isFinite(n) ? n : v === "true" ? true : v === "false" ? false : v;
      });
    }
    const setup = report.sections.find((x) => x.id === "setup")?.blocks
      .find((b) => b.type === "paragraph");
    const label = setup?.type === "paragraph" ? setup.text : "";
    const shown = /^[^,(]* \(([^()]*)\), on /.exec(label)?.[1] ?? "";
    const strategyParams = labelParams(p, shown, grid);
    const { str, bool } = typed(p);
    return {
      model: runWalkForward(db, {
        freq: d.freq as Freq,
        venue: d.venue,
        symbols: d.symbols,
        from: d.from,
        to: d.to,
        strategy: {
          strategy: p.strategy as StrategyName,
          assets: str("assets")?.split(","),
          signal: str("signal"),
          params: strategyParams,
        },
        grid,
        signalValues,
        folds: {
          window: str("window") as "rolling" | "expanding" | undefined,
          trainBars: num("trainBars"),
          testBars: num("testBars"),
          folds: num("testBars") === undefined ? num("folds") : undefined,
          labelHorizon: num("labelHorizon"),
          embargo: num("embargo"),
        },
        costs: manifestCosts(p),
        lag: num("lag"),
        maxGross: num("maxGross"),
        adjustRedenominations: bool("adjustRedenominations"),
        nullRuns: num("nullRuns"),
        ledgerUpTo: num(LEDGER_UP_TO_PARAM),
        runId: m.runId,
        git: m.git,
      }).model,
    };
  }
  if (typeof p.signalFile === "string" && typeof p.signalSha256 === "string") {
    return rebuildSignalReport(db, m, signalFile);
  }
  return {
    skip: `re-rendering "${report.title}" reports is not supported yet (supported: the demo ` +
      "on the simulated market or on real data, deno task report (also with --signal-file), deno task " +
      "walkforward and deno task backtest, both also with --signal-file)",
  };
}

/**
 * A strategy parameter as the manifest records it: JSON has no Infinity, so a non-finite
 * number (a pairs `stop` or a `maxWeight` that never binds) is recorded as the text
 * "Infinity" (`prepareStrategyRun`); read it back as the number.
 */
/** Readers of a manifest's params by type: undefined where the value has another type. */
function typed(p: Readonly<Record<string, ParamValue>>) {
  return {
    str: (k: string) => typeof p[k] === "string" ? p[k] as string : undefined,
    bool: (k: string) => typeof p[k] === "boolean" ? p[k] as boolean : undefined,
  };
}

/**
 * The strategy parameters a report's label shows (`"fast 3, slow 10"`), the values taken from
 * the manifest's `param.<k>` (the label rounds), leaving out the keys a grid chooses.
 */
function labelParams(
  p: Readonly<Record<string, ParamValue>>,
  shown: string,
  grid: Readonly<Record<string, unknown>>,
): Record<string, StrategyParam> {
  const out: Record<string, StrategyParam> = {};
  for (const item of shown === "" ? [] : shown.split(", ")) {
    const k = item.split(" ")[0]!;
    const v = manifestParam(p[`param.${k}`]);
    if (v !== undefined && v !== null && !(k in grid)) out[k] = v;
  }
  return out;
}

/** The cost flags a backtest or walk-forward recorded in its manifest. */
function manifestCosts(p: Readonly<Record<string, ParamValue>>) {
  const { str, bool } = typed(p);
  return {
    fees: str("fees"),
    liquidity: str("liquidity") as Liquidity | undefined,
    spread: str("spread") as SpreadSource | undefined,
    impact: bool("impact"),
    funding: bool("funding"),
  };
}

function manifestParam(v: ParamValue | undefined): ParamValue | undefined {
  return v === "Infinity" || v === "-Infinity" ? Number(v) : v;
}

/**
 * The signal file the manifest names (`params.signalFile`), as read by the caller; throws,
 * naming the file, when it was not read or its SHA-256 differs from the manifest's.
 */
function checkedSignalFile(m: ManifestFile, signalFile: SignalFile | undefined): SignalFile {
  const path = String(m.params.signalFile);
  if (signalFile === undefined) {
    throw new Error(
      `the signal file ${path} the manifest names was not read; give it with --signal-file ` +
        "PATH (the manifest records the path as it was given)",
    );
  }
  if (signalFile.sha256 !== m.params.signalSha256) {
    throw new Error(
      `the signal file ${path} changed since the report: its SHA-256 is ${signalFile.sha256}, ` +
        `the manifest lists ${m.params.signalSha256}`,
    );
  }
  return signalFile;
}

/** The manifest's path and SHA-256 of its signal file, whatever path it was read from now. */
function signalSource(m: ManifestFile): { path: string; sha256: string } {
  return { path: String(m.params.signalFile), sha256: String(m.params.signalSha256) };
}

/**
 * A signal tear sheet (`deno task report --signal-file`) built again from the file the
 * manifest names, read by the caller (`options.signalFile`); throws, naming the file, when it
 * was not read or its bytes changed since the report.
 */
function rebuildSignalReport(
  db: DatabaseSync,
  m: ManifestFile,
  signalFile: SignalFile | undefined,
): { model: ReportModel } {
  const p = m.params;
  const d = m.dataset;
  const path = String(p.signalFile);
  signalFile = checkedSignalFile(m, signalFile);
  const num = (k: string) => typeof p[k] === "number" ? p[k] as number : undefined;
  const family = typeof p.ledgerFamily === "string" ? p.ledgerFamily : undefined;
  return {
    model: runReport(db, {
      freq: d.freq as Freq,
      venue: d.venue,
      symbols: d.symbols,
      from: d.from,
      to: d.to,
      horizons: String(p.horizons ?? "").split(",").filter((h) => h !== "").map(Number),
      nullRuns: num("nullRuns"),
      ledgerUpTo: num(LEDGER_UP_TO_PARAM),
      runId: m.runId,
      git: m.git,
      signal: {
        input: signalFile.signal,
        // the manifest's path, whatever path the file was read from now
        source: { path, sha256: signalFile.sha256 },
        options: {
          ...Object.fromEntries(
            (["quantiles", "minAssets", "lag"] as const).flatMap((k) =>
              num(k) === undefined ? [] : [[k, num(k)!]]
            ),
          ),
          // the trials are looked up in the store's ledger, not recorded again
          ...(family === undefined ? {} : { trial: { family } }),
        },
      },
    }).model,
  };
}

function reRenderCheck(
  dir: string,
  db: DatabaseSync,
  m: ManifestFile,
  report: ReportJson,
  options: VerifyReportRunOptions,
): { check: ReportCheck; differences: FileDifference[]; files: ReportFiles | null } {
  let built: { model: ReportModel } | { skip: string };
  try {
    built = rebuild(db, m, report, options.signalFile);
  } catch (e) {
    return {
      check: {
        name: "re-render",
        status: "failed",
        lines: [`the report cannot be built again from the store: ${(e as Error).message}`],
      },
      differences: [],
      files: null,
    };
  }
  if ("skip" in built) {
    return {
      check: { name: "re-render", status: "skipped", lines: [built.skip] },
      differences: [],
      files: null,
    };
  }
  // the code version is recorded, not recomputed: copied from the manifest (see module doc)
  const model: ReportModel = {
    ...built.model,
    manifest: {
      ...built.model.manifest,
      git: m.git,
      deno: m.deno,
      denoLockSha256: m.denoLockSha256,
    },
  };
  const files = renderReportFiles(model);
  const lines: string[] = [];
  const differences: FileDifference[] = [];
  const enc = new TextEncoder();
  for (const file of REPORT_FILES) {
    const p = join(dir, file);
    const again = enc.encode(files[file]);
    if (!existsSync(p)) {
      lines.push(`${file}: missing on disk (re-rendered: ${again.length} bytes)`);
      differences.push({
        file,
        offset: 0,
        onDisk: '""',
        reRendered: context(again, 0),
        onDiskBytes: 0,
        reRenderedBytes: again.length,
      });
      continue;
    }
    const disk = readFileSync(p);
    const at = firstDifference(disk, again);
    if (at < 0) {
      lines.push(`${file}: ${disk.length} bytes, identical`);
      continue;
    }
    const diff: FileDifference = {
      file,
      offset: at,
      onDisk: context(disk, at),
      reRendered: context(again, at),
      onDiskBytes: disk.length,
      reRenderedBytes: again.length,
    };
    differences.push(diff);
    lines.push(
      `${file}: first difference at byte ${at} (on disk ${disk.length} bytes, re-rendered ` +
        `${again.length})\n  on disk:     ${diff.onDisk}\n  re-rendered: ${diff.reRendered}`,
    );
  }
  if (differences.length > 0) {
    const now = gitInfo(options.projectDir ?? Deno.cwd());
    if (now.commit !== m.git.commit || now.dirty === true || m.git.dirty === true) {
      lines.push(
        `note: the report was made at commit ${m.git.commit}${m.git.dirty ? " (dirty)" : ""}, ` +
          `the checkout is at ${now.commit}${now.dirty ? " (dirty)" : ""}: code changes ` +
          "(committed or not) may explain the differences",
      );
    }
    if (m.deno !== Deno.version.deno) {
      lines.push(
        `note: the report was made with Deno ${m.deno}, this is Deno ${Deno.version.deno}`,
      );
    }
  }
  return {
    check: { name: "re-render", status: differences.length === 0 ? "ok" : "failed", lines },
    differences,
    files,
  };
}

/** The trials a report references: (id, hash) pairs from tables with both reference columns. */
export function ledgerReferences(report: ReportJson): { id: number; hash: string }[] {
  const out: { id: number; hash: string }[] = [];
  for (const s of report.sections) {
    for (const b of s.blocks) {
      if (b.type !== "table") continue;
      const i = b.columns.findIndex((c) => c.key === LEDGER_REFERENCE_COLUMNS.id);
      const h = b.columns.findIndex((c) => c.key === LEDGER_REFERENCE_COLUMNS.hash);
      if (i < 0 || h < 0) continue;
      for (const row of b.rows) out.push({ id: Number(row[i]), hash: String(row[h]) });
    }
  }
  return out;
}

function ledgerCheck(report: ReportJson, store: StoreAccess, absent: string): ReportCheck {
  const refs = ledgerReferences(report);
  if (refs.length === 0) {
    return {
      name: "ledger",
      status: "skipped",
      lines: ["the report references no ledger trials (no table with trial_id and trial_hash)"],
    };
  }
  if (store.db === null) return { name: "ledger", status: "skipped", lines: [absent] };
  const lines: string[] = [];
  let ok = true;
  let hashes: Map<number, string>;
  try {
    const chain = verifyLedger(store.db);
    if (chain.ok) {
      lines.push(`hash chain: ${chain.rows} rows verified, head ${chain.head}`);
    } else {
      ok = false;
      const b = chain.firstBroken!;
      lines.push(`hash chain broken at seq ${b.seq} (${b.table} row ${b.id}): ${b.problem}`);
    }
    hashes = new Map();
    for (const f of listTrialFamilies(store.db)) {
      for (const t of readTrials(store.db, `${f.name}#${f.generation}`)) {
        hashes.set(t.trialId, t.hash);
      }
    }
  } catch (e) {
    return {
      name: "ledger",
      status: "failed",
      lines: [`the store's trial ledger cannot be read: ${(e as Error).message}`],
    };
  }
  let found = 0;
  for (const r of refs) {
    const h = hashes.get(r.id);
    if (h === undefined) {
      ok = false;
      lines.push(`trial ${r.id}: not in the ledger`);
    } else if (h !== r.hash) {
      ok = false;
      lines.push(`trial ${r.id}: the ledger row hashes to ${h}, the report lists ${r.hash}`);
    } else found++;
  }
  lines.push(`${found} of ${refs.length} referenced trials found with their hashes`);
  return { name: "ledger", status: ok ? "ok" : "failed", lines };
}
