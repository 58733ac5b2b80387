/**
 * Progress for long steps: a bar updated in place in a notebook, a throttled line on stderr
 * elsewhere.
 *
 * @module
 */
import {
  DISPLAY,
  type Displayable,
  type DisplayTarget,
  jupyterTarget,
  type MimeBundle,
} from "./jupyter.ts";
import { escapeHtml } from "../core/escape_html.ts";
import { forTerminal } from "../core/for_terminal.ts";

/** Options for {@link progress}. */
export interface ProgressOptions {
  /** What is progressing, e.g. `simulating market`. Default `progress`. */
  readonly label?: string;
  /**
   * Least milliseconds between two shown updates (the first and the final state are always
   * shown). Default 1000 for stderr lines, 200 in a notebook.
   */
  readonly intervalMs?: number;
  /** Where rich output goes. Default: the kernel when running in it, else text on stderr. */
  readonly target?: DisplayTarget;
  /** Where text lines go outside the kernel. Default: stderr (`\r` redraw on a terminal). */
  readonly write?: (line: string) => void;
  /** The clock, in ms. Default `performance.now`. */
  readonly now?: () => number;
}

/** A running progress indicator. */
export interface Progress extends Displayable {
  /** Record that `done` of `total` units are finished; shown when the interval has passed. */
  update(done: number): Promise<void>;
  /** Show the final state (`total` of `total`, or the last count) and finish. */
  done(): Promise<void>;
  /** Units finished so far. */
  readonly current: number;
  readonly total: number;
}

function formatSeconds(s: number): string {
  return s < 60 ? `${s.toFixed(1)}s` : `${Math.floor(s / 60)}m${Math.round(s % 60)}s`;
}

function stderrWriter(): (line: string) => void {
  const tty = Deno.stderr.isTerminal();
  const enc = new TextEncoder();
  return (text) => {
    // a label may hold a symbol a venue chose: show its control characters, do not obey them
    const line = forTerminal(text, { keepNewlines: false });
    Deno.stderr.writeSync(enc.encode(tty ? `\r\x1b[2K${line}` : `${line}\n`));
  };
}

let counter = 0;

/**
 * Start a progress indicator over `total` units. In the kernel it shows an HTML bar that each
 * update replaces in place (same `display_id`); elsewhere it writes
 * `label: 40/100 (40.0%) 1.2s` lines to stderr at most once per `intervalMs`.
 *
 * @example Outside a notebook, collecting the lines
 * ```ts
 * import { progress } from "@lib/display/progress.ts";
 * import assert from "node:assert/strict";
 * const lines: string[] = [];
 * let t = 0;
 * const p = progress(4, { label: "work", write: (l) => lines.push(l), now: () => t });
 * for (let i = 1; i <= 4; i++) { t += 10; await p.update(i); }
 * await p.done();
 * assert.deepEqual(lines, ["work: 0/4 (0.0%) 0.0s", "work: 4/4 (100.0%) 0.0s done"]);
 * ```
 */
export function progress(total: number, options: ProgressOptions = {}): Progress {
  if (!(Number.isFinite(total) && total >= 0)) {
    throw new RangeError(`Cannot start progress: total must be a finite number >= 0, got ${total}`);
  }
  const label = options.label ?? "progress";
  const target = options.target ?? (options.write === undefined ? jupyterTarget() : undefined);
  const write = options.write ?? stderrWriter();
  const now = options.now ?? (() => performance.now());
  const interval = options.intervalMs ?? (target !== undefined ? 200 : 1000);
  const displayId = `cryptolab-progress-${Date.now().toString(36)}-${++counter}`;
  const started = now();
  let current = 0;
  let lastShown = -Infinity;
  let finished = false;
  let shownOnce = false;
  let chain: Promise<void> = Promise.resolve();

  const bundle = (): MimeBundle => {
    const frac = total > 0 ? Math.min(1, current / total) : 1;
    const pct = (frac * 100).toFixed(1);
    const secs = formatSeconds((now() - started) / 1000);
    const text = `${label}: ${current}/${total} (${pct}%) ${secs}${finished ? " done" : ""}`;
    const html = `<div class="cryptolab-progress" data-state="${finished ? "done" : "running"}"` +
      ` style="font-family:monospace">` +
      `<progress value="${current}" max="${total}" style="width:300px"></progress> ` +
      `${escapeHtml(text)}</div>`;
    return { "text/html": html, "text/plain": text };
  };

  const show = (): Promise<void> => {
    lastShown = now();
    const b = bundle();
    if (target === undefined) {
      write(b["text/plain"]);
      return Promise.resolve();
    }
    const update = shownOnce;
    shownOnce = true;
    // chained so the first display always reaches the kernel before its updates
    chain = chain.then(() => target.send(b, { displayId, update }));
    return chain;
  };

  show();
  return {
    get current() {
      return current;
    },
    total,
    update(done: number): Promise<void> {
      if (finished) return chain;
      if (!Number.isFinite(done)) {
        throw new RangeError(`Cannot update progress: done must be a finite number, got ${done}`);
      }
      current = done;
      if (now() - lastShown >= interval) return show();
      return chain;
    },
    done(): Promise<void> {
      if (finished) return chain;
      if (current < total) current = total;
      finished = true;
      return show();
    },
    [DISPLAY]: bundle,
  };
}
