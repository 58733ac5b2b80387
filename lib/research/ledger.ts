/**
 * Recording research trials without remembering to: the {@link TrialLedger} that the backtest
 * engine (`backtestWeights`) and the signal validation (`icDecay`) append to when they are
 * given one, and {@link openLedger}, which makes one over a store (`lib/store/trials.ts` holds
 * the tables, the hash chain and all SQL).
 *
 * Notebooks and tasks open a ledger on their store and pass it; tests pass none. A trial is
 * named by a {@link TrialSpec}: its family (the hypothesis), its parameters, and optionally the
 * strategy or signal function (its source text is hashed with SHA-256, so an edit to the code
 * shows as a new code hash even at the same git commit), the dataset fingerprint and the
 * frequency.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { freqFromMs } from "../core/freq.ts";
import { appendTrial, type StoredTrial, type TrialKind } from "../store/trials.ts";

/** What names a trial; given by the caller of a recording function. */
export interface TrialSpec {
  /** The hypothesis the trial belongs to, e.g. `momentum-xs`. */
  readonly family: string;
  /** Its parameters (plain JSON values); the recording function adds its own settings. */
  readonly params?: Readonly<Record<string, unknown>>;
  /**
   * The strategy or signal code: a function (hashed through `Function.prototype.toString`) or
   * its source text. Default: none (only the git commit identifies the code).
   */
  // deno-lint-ignore ban-types
  readonly source?: Function | string;
  /**
   * The dataset fingerprint (`dataset.fingerprint.sha256` of lib/panel). Default: the recording
   * function's own identity of its input (`input:` + SHA-256 of the input values).
   */
  readonly dataset?: string;
  /** Bar frequency of the series. Default: inferred from the input's time index, else `bar`. */
  readonly freq?: string;
}

/** One evaluation handed to a ledger by a recording function. */
export interface TrialEntry {
  readonly spec: TrialSpec;
  readonly kind: TrialKind;
  /** The recording function, e.g. `backtestWeights`. */
  readonly origin: string;
  /** The spec's params merged with the recording function's settings. */
  readonly params: Readonly<Record<string, unknown>>;
  /** Used when the spec names no dataset. */
  readonly dataset: string;
  /** Used when the spec names no frequency. */
  readonly freq: string;
  readonly series: ArrayLike<number>;
}

/** Where recording functions append their trials. */
export interface TrialLedger {
  record(entry: TrialEntry): StoredTrial;
}

/** Options of {@link openLedger}. */
export interface OpenLedgerOptions {
  /** The code version recorded with each trial. Default: HEAD of the git checkout at `dir`. */
  readonly gitCommit?: string;
  /** Folder inside the checkout. Default: the current directory. */
  readonly dir?: string;
  /** The clock (epoch ms). Default `Date.now`. */
  readonly now?: () => number;
}

/** SHA-256 (hex) of a function's source text (`Function.prototype.toString`) or of a string. */
// deno-lint-ignore ban-types
export function sourceSha256(source: Function | string): string {
  const text = typeof source === "string" ? source : Function.prototype.toString.call(source);
  return createHash("sha256").update(text).digest("hex");
}

/**
 * The commit HEAD points at in the git checkout holding `dir`, read from the `.git` files
 * (HEAD, the ref file or packed-refs; a worktree's `.git` file is followed), so no `git`
 * process and no permission beyond reading the checkout is needed. `"unknown"` when there is
 * no checkout or it cannot be read.
 */
export function gitHeadCommit(dir: string = Deno.cwd()): string {
  try {
    let d = resolve(dir);
    while (!existsSync(join(d, ".git"))) {
      if (dirname(d) === d) return "unknown";
      d = dirname(d);
    }
    let gitDir = join(d, ".git");
    if (statSync(gitDir).isFile()) {
      const m = /^gitdir:\s*(.+)$/m.exec(readFileSync(gitDir, "utf8"));
      if (m === null) return "unknown";
      gitDir = resolve(d, m[1]!.trim());
    }
    const head = readFileSync(join(gitDir, "HEAD"), "utf8").trim();
    if (/^[0-9a-f]{40,64}$/.test(head)) return head;
    const ref = /^ref:\s*(.+)$/.exec(head)?.[1]?.trim();
    if (ref === undefined) return "unknown";
    // a linked worktree keeps shared refs in the common dir
    const common = existsSync(join(gitDir, "commondir"))
      ? resolve(gitDir, readFileSync(join(gitDir, "commondir"), "utf8").trim())
      : gitDir;
    for (const base of [gitDir, common]) {
      const f = join(base, ref);
      if (existsSync(f)) return readFileSync(f, "utf8").trim();
    }
    const packed = join(common, "packed-refs");
    if (existsSync(packed)) {
      for (const line of readFileSync(packed, "utf8").split("\n")) {
        const [sha, name] = line.split(" ");
        if (name === ref && sha !== undefined) return sha;
      }
    }
    return "unknown";
  } catch {
    return "unknown";
  }
}

/**
 * A ledger over the trial tables of `db`: each recorded trial is appended with the git commit
 * (read once, when the ledger is opened), the source hash of the spec's function and the time.
 *
 * @example A backtest recorded in a fresh store
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { readTrials } from "@lib/store/trials.ts";
 * import { openLedger } from "@lib/research/ledger.ts";
 * import { backtestWeights } from "@lib/backtest/backtest_weights.ts";
 * import assert from "node:assert/strict";
 * const { db } = openStore(":memory:");
 * const ledger = openLedger(db, { gitCommit: "unknown" });
 * const close = [Float64Array.of(100, 101, 99, 102)];
 * const r = backtestWeights({ close }, [Float64Array.of(1, 1, 1, 1)], {
 *   ledger, trial: { family: "long-only", params: { w: 1 } },
 * });
 * const [t] = readTrials(db, "long-only");
 * assert.deepEqual([...t!.series], [...r.net]);
 * ```
 */
export function openLedger(db: DatabaseSync, options: OpenLedgerOptions = {}): TrialLedger {
  const gitCommit = options.gitCommit ?? gitHeadCommit(options.dir);
  const now = options.now ?? Date.now;
  return {
    record(entry: TrialEntry): StoredTrial {
      const { spec } = entry;
      return appendTrial(db, {
        family: spec.family,
        kind: entry.kind,
        origin: entry.origin,
        params: entry.params,
        gitCommit,
        sourceSha256: spec.source === undefined ? undefined : sourceSha256(spec.source),
        dataset: spec.dataset ?? entry.dataset,
        freq: spec.freq ?? entry.freq,
        series: entry.series,
        recordedAt: now(),
      });
    },
  };
}

/**
 * `input:` + SHA-256 of the float64 columns given (little-endian, column after column, each
 * preceded by its length): the identity of an input that came without a dataset fingerprint.
 */
export function inputIdentity(columns: readonly ArrayLike<number>[]): string {
  const h = createHash("sha256");
  for (const c of columns) {
    const buf = new ArrayBuffer(8 + c.length * 8);
    const view = new DataView(buf);
    view.setFloat64(0, c.length, true);
    for (let i = 0; i < c.length; i++) view.setFloat64(8 + i * 8, c[i]!, true);
    h.update(new Uint8Array(buf));
  }
  return `input:${h.digest("hex")}`;
}

/** The frequency of a time index in ms (its smallest step, `1h`, ...), or `bar` when unknown. */
export function indexFreq(index: ArrayLike<number> | undefined): string {
  if (index === undefined) return "bar";
  let step = Infinity;
  for (let i = 1; i < index.length; i++) {
    const d = index[i]! - index[i - 1]!;
    if (d > 0 && d < step) step = d;
  }
  return Number.isFinite(step) ? freqFromMs(step) ?? "bar" : "bar";
}
