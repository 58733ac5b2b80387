/**
 * Helpers for the stream tests: the real capture as columns, and the `stream` task as a
 * subprocess whose stderr status lines are parsed.
 *
 * @module
 */
import { realPath } from "../_shared/real_data.ts";
import { WsFrameStore } from "../fake_exchange/mod.ts";

/** The real 2024-08-08 hftbacktest spot capture for two symbols, per symbol, in frame order. */
export interface Capture {
  readonly frames: string[];
  readonly ids: Map<string, number[]>;
}

/** Frames of `streams` (e.g. `btcusdt@trade`) from the real capture. */
export function loadCapture(streams: readonly string[]): Capture {
  const store = new WsFrameStore(
    realPath("ws_streams", "binance_ws_capture_2024-08-08_hftbacktest"),
  );
  const frames = store.frames("spot", streams);
  const ids = new Map<string, number[]>();
  for (const f of frames) {
    const d = JSON.parse(f).data as { s: string; t: number };
    const a = ids.get(d.s) ?? [];
    a.push(d.t);
    ids.set(d.s, a);
  }
  return { frames, ids };
}

/** One parsed status line of the task. */
export interface StatusLine {
  readonly at: number;
  readonly inserted: number;
  readonly lastIds: Record<string, number>;
  readonly rssMb: number;
  /** `holes=`, `missing=`, `repaired=`, `quarantined=` of the line (0 when absent). */
  readonly holes: number;
  readonly missing: number;
  readonly repaired: number;
  readonly quarantined: number;
}

const STATUS_RE = /^stream: (\d+) trades \(\d+\/s\) (.*?) reconnects=.* rss=([\d.]+)MB$/;

/** Parse `stream: N trades (R/s) SYM#id ... rss=XMB`, or undefined for other lines. */
export function parseStatus(line: string): StatusLine | undefined {
  const m = STATUS_RE.exec(line);
  if (!m) return undefined;
  const lastIds: Record<string, number> = {};
  for (const part of (m[2] as string).split(" ")) {
    const k = part.indexOf("#");
    if (k > 0) lastIds[part.slice(0, k)] = Number(part.slice(k + 1));
  }
  const field = (name: string) => Number(new RegExp(` ${name}=(\\d+)`).exec(line)?.[1] ?? 0);
  return {
    at: performance.now(),
    inserted: Number(m[1]),
    lastIds,
    rssMb: Number(m[3]),
    holes: field("holes"),
    missing: field("missing"),
    repaired: field("repaired"),
    quarantined: field("quarantined"),
  };
}

/** The task running as a subprocess. */
export interface TaskProcess {
  readonly child: Deno.ChildProcess;
  /** Every stderr line so far. */
  readonly lines: string[];
  /** Every status line so far. */
  readonly statuses: StatusLine[];
  /** Resolves with the first status line satisfying `pred` (rejects after `timeoutMs`). */
  waitFor(pred: (s: StatusLine) => boolean, timeoutMs: number): Promise<StatusLine>;
  /** Exit status and all stderr once the process ended. */
  readonly done: Promise<{ code: number; signal: Deno.Signal | null; stderr: string }>;
}

/** Start `tasks/stream.ts` with the narrowest permissions that work against 127.0.0.1. */
export function spawnStreamTask(
  args: readonly string[],
  env: Record<string, string>,
  dir: string,
  denoFlags: readonly string[] = [],
): TaskProcess {
  const root = new URL("../../", import.meta.url).pathname;
  return spawnDeno([
    "run",
    `--allow-read=${root},${dir}`,
    `--allow-write=${dir}`,
    "--allow-env",
    "--allow-net=127.0.0.1",
    ...denoFlags,
    "tasks/stream.ts",
    ...args,
  ], env);
}

/**
 * Start `deno task stream ARGS` exactly as a user does, from the repository root (deno.json's
 * launcher grants write on the store's folder and net on the hosts of the CRYPTOLAB_*_URL
 * overrides: the local exchange); SIGINT and SIGTERM are forwarded to the task.
 */
export function spawnStreamTaskAsUser(
  args: readonly string[],
  env: Record<string, string>,
): TaskProcess {
  return spawnDeno(["task", "--quiet", "stream", ...args], env);
}

function spawnDeno(denoArgs: readonly string[], env: Record<string, string>): TaskProcess {
  const root = new URL("../../", import.meta.url).pathname;
  const child = new Deno.Command(Deno.execPath(), {
    args: [...denoArgs],
    cwd: root,
    env: { NO_COLOR: "1", ...env },
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const lines: string[] = [];
  const statuses: StatusLine[] = [];
  const waiters: { pred: (s: StatusLine) => boolean; resolve: (s: StatusLine) => void }[] = [];
  const pump = (async () => {
    const dec = new TextDecoder();
    let buf = "";
    for await (const chunk of child.stderr) {
      buf += dec.decode(chunk, { stream: true });
      let nl: number;
      while ((nl = buf.indexOf("\n")) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        lines.push(line);
        const s = parseStatus(line);
        if (!s) continue;
        statuses.push(s);
        for (let i = waiters.length - 1; i >= 0; i--) {
          const w = waiters[i]!;
          if (w.pred(s)) {
            waiters.splice(i, 1);
            w.resolve(s);
          }
        }
      }
    }
    if (buf !== "") lines.push(buf);
  })();
  const done = (async () => {
    const st = await child.status;
    await pump;
    return { code: st.code, signal: st.signal, stderr: lines.join("\n") };
  })();
  return {
    child,
    lines,
    statuses,
    done,
    waitFor(pred, timeoutMs) {
      const hit = statuses.find(pred);
      if (hit) return Promise.resolve(hit);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          reject(
            new Error(`no matching status line in ${timeoutMs} ms; stderr:\n${lines.join("\n")}`),
          );
        }, timeoutMs);
        waiters.push({
          pred,
          resolve: (s) => {
            clearTimeout(timer);
            resolve(s);
          },
        });
        done.then(() => {
          clearTimeout(timer);
          reject(new Error(`the task exited before a matching status line:\n${lines.join("\n")}`));
        });
      });
    },
  };
}
