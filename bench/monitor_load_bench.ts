/**
 * The live monitor under load: 50 SSE clients, 200 API requests per second and 5,000 trades per
 * second streaming in from the local exchange, with latency percentiles printed.
 *
 *   deno run -A bench/monitor_load_bench.ts [--seconds 30] [--clients 50] [--rps 200] [--rate 5000]
 *     [--move-every 10] [--move-pct 0.4]
 *   deno bench -A bench/monitor_load_bench.ts   # only the per-close analytics cost
 *
 * Three processes, as a user would have them: the local exchange (tests/fake_exchange with a
 * live tape of the REAL 2024-08-08 BTCUSDT/ETHUSDT trades, `--rate` trades/s over both symbols),
 * the monitor task (run with exactly the permissions `deno task monitor` gives it: `--freq 1s
 * --window 20`, so a bar closes every second and the analytics, alerts and paper books run on
 * every one) and this process with the clients. Printed, as one JSON line:
 *
 * - `sseBarLagMs`: per SSE client and 1-second bar event, the time it arrived minus the end of
 *   the bar's interval (p50/p90/p99/max): "bars keep up";
 * - `api`: latency of each route requested (GET /api/analytics, /api/bars, /api/trades,
 *   /api/health, /api/pairs, in turn) at the target rate, and the rate achieved;
 * - `alertLagMs`: per SSE client and z-score alert, the time it arrived minus the close of the bar
 *   that fired it (p50/p90/p99/max): "alerts keep up". During the load the local exchange plants
 *   a move on BTCUSDT every `--move-every` seconds (`LiveTape.plantMove`, alternately `+move-pct`%
 *   and back), so the spread's |z| jumps past `--z 2` and falls back (re-arming the rule);
 *   `alerts` counts the moves planted and the z-score alerts they fired, with the time from each
 *   plant to the first client's copy of its alert;
 * - `newestTradeAgeMs`: the age of the newest stored trade each time /api/health answered
 *   (small: the store keeps up with the tape); `ingest`: trades stored and their rate.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { mkdirSync, rmSync } from "node:fs";
import { pairAnalytics } from "@lib/pipeline/monitor/pair_analytics.ts";
import { planLaunch } from "../tasks/_launch.ts";

const ROOT = decodeURIComponent(new URL("../", import.meta.url).pathname);

function percentiles(xs: number[]): Record<string, number> {
  const s = xs.slice().sort((a, b) => a - b);
  const q = (p: number) =>
    s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.floor(p * s.length))]!;
  const r = (v: number) => Math.round(v * 10) / 10;
  return { n: s.length, p50: r(q(0.5)), p90: r(q(0.9)), p99: r(q(0.99)), max: r(s.at(-1) ?? NaN) };
}

/**
 * Child mode: the local exchange with a live tape; prints its URLs; a stdin line `move SYMBOL
 * FACTOR` plants a move from now (`LiveTape.plantMove`); exits on stdin EOF.
 */
async function exchangeMain(rate: number): Promise<void> {
  const { LiveTape, startFakeExchange } = await import("../tests/fake_exchange/mod.ts");
  const { tapeRows } = await import("../tests/monitor/_monitor_task.ts");
  const tape = new LiveTape({ rows: tapeRows(), rate: rate / 2 });
  const ex = await startFakeExchange({ live: tape });
  console.log(JSON.stringify({ url: ex.url, wsUrl: ex.wsUrl, t0: tape.t0 }));
  const lines = lineReader(Deno.stdin.readable.pipeThrough(new TextDecoderStream()).getReader());
  for (let l = await lines.next(); l !== undefined; l = await lines.next()) {
    const m = /^move (\w+) ([\d.]+)$/.exec(l.trim());
    if (m) tape.plantMove(m[1]!, Number(m[2]));
  }
  await ex.close();
  Deno.exit(0);
}

/** Lines of a text stream, one at a time (what follows a line in the same chunk is kept). */
function lineReader(r: ReadableStreamDefaultReader<string>) {
  let buf = "";
  return {
    async next(): Promise<string | undefined> {
      while (!buf.includes("\n")) {
        const { value, done } = await r.read();
        if (done) return undefined;
        buf += value;
      }
      const line = buf.slice(0, buf.indexOf("\n"));
      buf = buf.slice(line.length + 1);
      return line;
    },
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: Deno.args,
    options: {
      seconds: { type: "string" },
      clients: { type: "string" },
      rps: { type: "string" },
      rate: { type: "string" },
      exchange: { type: "string" },
      "move-every": { type: "string" },
      "move-pct": { type: "string" },
    },
    strict: true,
  });
  if (values.exchange !== undefined) return exchangeMain(Number(values.exchange));
  const seconds = Number(values.seconds ?? 30);
  const clients = Number(values.clients ?? 50);
  const rps = Number(values.rps ?? 200);
  const rate = Number(values.rate ?? 5_000);
  const moveEveryMs = Number(values["move-every"] ?? 10) * 1000;
  const moveFactor = 1 + Number(values["move-pct"] ?? 0.4) / 100;

  const exchange = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL(import.meta.url).pathname, "--exchange", String(rate)],
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const exIn = exchange.stdin.getWriter();
  const exOut = exchange.stdout.pipeThrough(new TextDecoderStream()).getReader();
  const exLine = await lineReader(exOut).next();
  if (exLine === undefined) throw new Error("the local exchange exited before printing its URLs");
  const ex = JSON.parse(exLine) as { url: string; wsUrl: string; t0: number };

  const out = `${ROOT}bench/.out`;
  mkdirSync(out, { recursive: true });
  const dir = Deno.makeTempDirSync({ dir: out, prefix: "monitor-" });
  const env = { CRYPTOLAB_BINANCE_WS_URL: ex.wsUrl, CRYPTOLAB_BINANCE_URL: ex.url };
  const args = [
    ...["--pairs", "BTCUSDT:ETHUSDT", "--freq", "1s", "--window", "20", "--port", "0"],
    ...["--status-ms", "1000", "--db", `${dir}/m.db`],
  ];
  const plan = planLaunch("monitor", args, { env: (k) => (env as Record<string, string>)[k] });
  const started = Date.now();
  const monitor = new Deno.Command(Deno.execPath(), {
    args: [...plan.args],
    cwd: ROOT,
    env: { NO_COLOR: "1", ...env },
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const monErr = lineReader(monitor.stderr.pipeThrough(new TextDecoderStream()).getReader());
  const statusLines: string[] = [];
  let url = "";
  while (url === "") {
    const line = await monErr.next();
    if (line === undefined) throw new Error(`the monitor exited:\n${statusLines.join("\n")}`);
    statusLines.push(line);
    const m = /monitor: dashboard at (http:\/\/[^/ ]+)\//.exec(line);
    if (m) url = m[1]!;
  }
  const pump = (async () => {
    for (let l = await monErr.next(); l !== undefined; l = await monErr.next()) statusLines.push(l);
  })();

  const say = (m: string) => console.error(`bench: ${m}`);
  say(`monitor at ${url}`);
  // 50 SSE clients: the lag of every 1-second bar event after its interval's end
  const stop = new AbortController();
  const lags: number[] = [];
  const alertLags: number[] = [];
  /** Wall time each z-score alert id first reached a client. */
  const alertFirst = new Map<string, number>();
  const sse = Array.from({ length: clients }, async () => {
    const res = await fetch(`${url}/api/events`, { signal: stop.signal });
    const dec = new TextDecoder();
    let buf = "";
    try {
      for await (const chunk of res.body!) {
        buf += dec.decode(chunk, { stream: true });
        let k;
        while ((k = buf.indexOf("\n\n")) >= 0) {
          const block = buf.slice(0, k);
          buf = buf.slice(k + 2);
          if (block.includes("event: alert")) {
            const a = JSON.parse(block.slice(block.indexOf("data: ") + 6)).data;
            if (a.kind !== "z-score") continue;
            const now = Date.now();
            alertLags.push(now - (a.ts + 1_000)); // the 1s bar that fired it closed at ts + 1 s
            if (!alertFirst.has(a.id)) alertFirst.set(a.id, now);
            continue;
          }
          if (!block.includes("event: bar")) continue;
          const data = JSON.parse(block.slice(block.indexOf("data: ") + 6));
          if (data.data.freq === "1s") lags.push(Date.now() - (data.data.ts + 1_000));
        }
      }
    } catch { /* aborted */ }
  });

  // the API at the target rate, routes in turn
  const routes = [
    "/api/analytics?limit=300",
    "/api/bars?symbol=BTCUSDT&limit=500",
    "/api/trades?symbol=ETHUSDT&limit=100",
    "/api/health",
    "/api/pairs",
  ];
  const latency: Record<string, number[]> = Object.fromEntries(routes.map((r) => [r, []]));
  let errors = 0, sent = 0;
  const tradeAge: number[] = [];
  const inflight = new Set<Promise<void>>();
  const warmup = 3_000;
  await new Promise((r) => setTimeout(r, warmup));
  // the z-score needs 2 windows of bars (history the local exchange may not serve): wait for it,
  // so the planted moves can fire alerts
  for (let i = 0; i < 120; i++) {
    const j = await (await fetch(`${url}/api/analytics?limit=1`)).json();
    if (typeof j.latest?.zScore === "number") break;
    await new Promise((r) => setTimeout(r, 1_000));
  }
  say(`${lags.length} bar events so far; load starts`);
  const lagStart = lags.length, alertStart = alertLags.length;
  const firedBefore = new Set(alertFirst.keys());
  const plants: number[] = [];
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    // a planted move every moveEveryMs, from half a period in: up, back, up, ...
    if ((performance.now() - t0) >= moveEveryMs * (plants.length + 0.5)) {
      const factor = plants.length % 2 === 0 ? moveFactor : 1 / moveFactor;
      plants.push(Date.now());
      await exIn.write(new TextEncoder().encode(`move BTCUSDT ${factor}\n`));
    }
    const due = Math.floor(((performance.now() - t0) / 1000) * rps);
    while (sent < due) {
      const route = routes[sent % routes.length]!;
      sent++;
      const s = performance.now();
      const p = fetch(url + route).then(async (r) => {
        const body = await r.arrayBuffer();
        if (!r.ok) errors++;
        latency[route]!.push(performance.now() - s);
        if (route === "/api/health" && r.ok) {
          const h = JSON.parse(new TextDecoder().decode(body));
          for (const v of Object.values(h.symbols) as { ageMs: number | null }[]) {
            if (v.ageMs !== null) tradeAge.push(v.ageMs);
          }
        }
      }).catch(() => {
        errors++;
      }).finally(() => inflight.delete(p));
      inflight.add(p);
    }
    await new Promise((r) => setTimeout(r, 2));
  }
  const elapsed = (performance.now() - t0) / 1000;
  say(`load done (${sent} requests); waiting for ${inflight.size} in flight`);
  await Promise.all(inflight);
  say("requests answered");
  const health = await (await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(10_000) }))
    .json();
  say("health read");
  stop.abort();
  await Promise.race([Promise.all(sse), new Promise((r) => setTimeout(r, 5_000))]);
  say("SSE clients closed; stopping the monitor");
  monitor.kill("SIGTERM");
  await monitor.status;
  say("monitor stopped");
  await pump;
  await exIn.close();
  await exOut.cancel();
  await exchange.status;
  const db = new (await import("node:sqlite")).DatabaseSync(`${dir}/m.db`, { readOnly: true });
  const stored = Number(db.prepare("SELECT count(*) AS n FROM trades").get()!.n);
  const bars = Number(db.prepare("SELECT count(*) AS n FROM bars WHERE freq = '1s'").get()!.n);
  db.close();
  const api: Record<string, unknown> = {};
  for (const r of routes) api[r] = percentiles(latency[r]!);
  console.log(JSON.stringify({
    case: `monitor: ${clients} SSE clients, ${rps} API req/s, ${rate} trades/s, ${seconds} s`,
    loadAverage: Deno.loadavg()[0],
    sseBarLagMs: percentiles(lags.slice(lagStart)),
    alertLagMs: percentiles(alertLags.slice(alertStart)),
    alerts: {
      movesPlanted: plants.length,
      // the monitor's own ALERT lines on stderr (every kind), to cross-check the SSE count
      printed: statusLines.filter((l) => l.includes("ALERT")),
      zScoreAlerts: [...alertFirst.keys()].filter((id) => !firedBefore.has(id)).length,
      // from each plant to the first client's copy of the first alert after it (before the next)
      plantToAlertMs: percentiles(plants.flatMap((p, i) => {
        const next = plants[i + 1] ?? Infinity;
        const first = [...alertFirst.values()].filter((t) => t >= p && t < next);
        return first.length === 0 ? [] : [Math.min(...first) - p];
      })),
    },
    api,
    apiAchievedRps: Math.round(Object.values(latency).reduce((a, l) => a + l.length, 0) / elapsed),
    apiErrors: errors,
    // age of the newest stored trade when /api/health answered: small = the store keeps up
    newestTradeAgeMs: percentiles(tradeAge),
    ingest: {
      storedTrades: stored,
      tradesPerSecondOverRun: Math.round(stored / ((Date.now() - started) / 1000)),
      storedBars1s: bars,
      endAgeMs: health.symbols,
    },
    lastStatus: statusLines.filter((l) => l.startsWith("monitor: ") && / trades /.test(l)).at(-1),
  }));
  rmSync(dir, { recursive: true, force: true });
}

if (import.meta.main) {
  await main();
} else {
  const n = 340;
  const ts = Float64Array.from({ length: n }, (_, i) => i * 1000);
  const x = Float64Array.from({ length: n }, (_, i) => 2600 * Math.exp(0.001 * Math.sin(i / 7)));
  const y = x.map((p, i) => 23 * p * Math.exp(0.0004 * Math.sin(i / 2.3)));
  Deno.bench({
    name: "pair analytics of one bar close (300 bars returned, window 20, p-values of 300 windows)",
    group: "monitor",
    fn() {
      pairAnalytics(ts, y, x, { window: 20, pValueBars: 300 });
    },
  });
  Deno.bench({
    name: "pair analytics of one bar close, p-value of the last window only",
    group: "monitor",
    fn() {
      pairAnalytics(ts, y, x, { window: 20, pValueBars: 1 });
    },
  });
}
