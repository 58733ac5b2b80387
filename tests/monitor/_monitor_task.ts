/**
 * Helpers for the monitor's task tests: `deno task monitor` as a user runs it (deno.json's
 * launcher, a store under data/), its stderr lines, the dashboard URL it prints, the local
 * exchange's live tape of real 2024-08-08 BTCUSDT/ETHUSDT trades, and an SSE reader.
 *
 * @module
 */
import { LiveTape, startFakeExchange, type TapeRow } from "../fake_exchange/mod.ts";
import type { FakeExchange } from "../fake_exchange/mod.ts";
import { loadCapture } from "../stream/_helpers.ts";
import { planLaunch } from "../../tasks/_launch.ts";

export const ROOT = decodeURIComponent(new URL("../../", import.meta.url).pathname);

/** The monitor running as a subprocess. */
export interface MonitorProcess {
  readonly child: Deno.ChildProcess;
  readonly lines: string[];
  /** The first stderr line matching `re` (rejects after `timeoutMs` or when the task exits). */
  waitForLine(re: RegExp, timeoutMs: number): Promise<RegExpExecArray>;
  /** The dashboard's base URL, once printed. */
  url(timeoutMs?: number): Promise<string>;
  readonly done: Promise<{ code: number; signal: Deno.Signal | null; stderr: string }>;
}

/** `deno task monitor ARGS` from the repository root with `env`. */
export function spawnMonitor(args: readonly string[], env: Record<string, string>): MonitorProcess {
  return spawn(["task", "--quiet", "monitor", ...args], env);
}

/**
 * The task itself with exactly the permissions the launcher would give it (`planLaunch`), as one
 * process: SIGKILL then kills the monitor, not a launcher above it.
 */
export function spawnMonitorDirect(
  args: readonly string[],
  env: Record<string, string>,
): MonitorProcess {
  const plan = planLaunch("monitor", args, { env: (k) => env[k] ?? Deno.env.get(k), cwd: ROOT });
  return spawn(plan.args, env);
}

function spawn(denoArgs: readonly string[], env: Record<string, string>): MonitorProcess {
  const child = new Deno.Command(Deno.execPath(), {
    args: [...denoArgs],
    cwd: ROOT,
    env: { NO_COLOR: "1", ...env },
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const lines: string[] = [];
  const waiters: { re: RegExp; resolve: (m: RegExpExecArray) => void }[] = [];
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
        for (let i = waiters.length - 1; i >= 0; i--) {
          const m = waiters[i]!.re.exec(line);
          if (m) {
            waiters[i]!.resolve(m);
            waiters.splice(i, 1);
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
  const waitForLine = (re: RegExp, timeoutMs: number) => {
    for (const l of lines) {
      const m = re.exec(l);
      if (m) return Promise.resolve(m);
    }
    return new Promise<RegExpExecArray>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no line matching ${re} in ${timeoutMs} ms:\n${lines.join("\n")}`)),
        timeoutMs,
      );
      waiters.push({
        re,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m);
        },
      });
      done.then(() => {
        clearTimeout(timer);
        reject(new Error(`the task exited before a line matching ${re}:\n${lines.join("\n")}`));
      });
    });
  };
  return {
    child,
    lines,
    waitForLine,
    url: async (timeoutMs = 30_000) =>
      (await waitForLine(/monitor: dashboard at (http:\/\/[^/ ]+)\//, timeoutMs))[1]!,
    done,
  };
}

/** Real trade rows of the 2024-08-08 capture per symbol, for a live tape. */
export function tapeRows(): Record<string, TapeRow[]> {
  const cap = loadCapture(["btcusdt@trade", "ethusdt@trade"]);
  const rows: Record<string, TapeRow[]> = {};
  for (const f of cap.frames) {
    const d = JSON.parse(f).data as { s: string; p: string; q: string; m: boolean };
    (rows[d.s] ??= []).push({ p: d.p, q: d.q, m: d.m });
  }
  return rows;
}

/** A local exchange trading BTCUSDT and ETHUSDT live at `rate` trades/s each. */
export async function liveExchange(rate = 100): Promise<{
  ex: FakeExchange;
  tape: LiveTape;
  env: Record<string, string>;
}> {
  const tape = new LiveTape({ rows: tapeRows(), rate });
  const ex = await startFakeExchange({ live: tape });
  return {
    ex,
    tape,
    env: { CRYPTOLAB_BINANCE_WS_URL: ex.wsUrl, CRYPTOLAB_BINANCE_URL: ex.url },
  };
}

/** A fresh folder under data/ (where deno.json's launcher lets a task write) and its cleanup. */
export function dataDir(prefix: string): { dir: string; rel: string; cleanup: () => void } {
  Deno.mkdirSync(`${ROOT}data`, { recursive: true });
  const dir = Deno.makeTempDirSync({ dir: `${ROOT}data`, prefix });
  return {
    dir,
    rel: dir.slice(ROOT.length),
    cleanup: () => Deno.removeSync(dir, { recursive: true }),
  };
}

/** One parsed SSE event with the time it arrived (`performance.timeOrigin + now()`, UTC ms). */
export interface ReceivedEvent {
  readonly id: number;
  readonly type: string;
  readonly data: { seq: number; type: string; at: number; data: Record<string, unknown> };
  readonly receivedAt: number;
}

/** Read `/api/events` until `stop` aborts; every event goes to `onEvent`. */
export async function readEvents(
  url: string,
  onEvent: (e: ReceivedEvent) => void,
  stop: AbortSignal,
  headers: Record<string, string> = {},
): Promise<void> {
  let res: Response;
  try {
    res = await fetch(url, { signal: stop, headers });
  } catch (e) {
    if (stop.aborted) return;
    throw e;
  }
  if (!res.ok || res.body === null) throw new Error(`SSE: HTTP ${res.status}`);
  const dec = new TextDecoder();
  let buf = "";
  try {
    for await (const chunk of res.body) {
      buf += dec.decode(chunk, { stream: true });
      let k: number;
      while ((k = buf.indexOf("\n\n")) >= 0) {
        const block = buf.slice(0, k);
        buf = buf.slice(k + 2);
        let id = 0, type = "message", data = "";
        for (const line of block.split("\n")) {
          if (line.startsWith("id: ")) id = Number(line.slice(4));
          else if (line.startsWith("event: ")) type = line.slice(7);
          else if (line.startsWith("data: ")) data += line.slice(6);
        }
        if (data !== "") {
          onEvent({ id, type, data: JSON.parse(data), receivedAt: Date.now() });
        }
      }
    }
  } catch (e) {
    if (!stop.aborted) throw e;
  }
}
