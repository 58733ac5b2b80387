/**
 * The monitor's HTTP API on a seeded store, in-process (no stream): 400s that say what was
 * wrong, 404/405, the Host and POST guards, the OpenAPI document covering every route, SSE
 * replay and the polling fallback, CSV and Parquet export read back, the OHLC upload giving the
 * same per-file summary as `importPaths` (what `deno task import` prints), and the dashboard's
 * strict CSP.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { parquetReadObjects } from "hyparquet";
import { openStore } from "@lib/store/db.ts";
import { writeBars } from "@lib/store/bars.ts";
import { formatFileReport, importPaths } from "@lib/ingest/import_path.ts";
import { cspScriptHash, INTERACTIVE_CLIENT_JS } from "@lib/report/interactive/mod.ts";
import { AnalyticsService } from "@lib/pipeline/monitor/analytics_service.ts";
import { DASHBOARD_JS } from "@lib/pipeline/monitor/dashboard_js.ts";
import { EventHub } from "@lib/pipeline/monitor/events.ts";
import { startMonitorServer } from "@lib/pipeline/monitor/server.ts";
import { realDataTest, realPath } from "../_shared/real_data.ts";
import { readEvents, type ReceivedEvent } from "./_monitor_task.ts";

const T0 = Date.UTC(2024, 0, 1);

function seed(db: ReturnType<typeof openStore>["db"]) {
  const n = 200;
  for (const [symbol, base] of [["BTCUSDT", 40_000], ["ETHUSDT", 2_000]] as const) {
    const ts = Float64Array.from({ length: n }, (_, i) => T0 + i * 60_000);
    const close = ts.map((_, i) =>
      base * Math.exp(0.01 * Math.sin(i / (symbol === "BTCUSDT" ? 7 : 5)))
    );
    const v = close.map(() => 1);
    writeBars(db, {
      venue: "binance",
      symbol,
      freq: "1m",
      ts,
      open: close,
      high: close,
      low: close,
      close,
      volume: v,
      quoteVolume: v,
      tradeCount: v,
      vwap: close,
      complete: new Uint8Array(n).fill(1),
    }, { source: "file:test" });
  }
}

async function withServer(
  fn: (url: string, hub: EventHub, db: ReturnType<typeof openStore>["db"]) => Promise<void>,
) {
  const { db, close } = openStore(":memory:");
  seed(db);
  const dir = Deno.makeTempDirSync({ prefix: "cryptolab-monitor-api-" });
  const hub = new EventHub();
  const server = await startMonitorServer({
    db,
    venue: "binance",
    pairs: [{ y: "BTCUSDT", x: "ETHUSDT" }],
    freq: "1m",
    freqs: ["1m", "5m"],
    window: 30,
    z: 2,
    hedge: "rolling-ols",
    hub,
    analytics: new AnalyticsService(db, "binance"),
    health: () => ({}),
    uploadDir: join(dir, "uploads"),
  }, { port: 0 });
  try {
    await fn(server.url, hub, db);
  } finally {
    await server.shutdown();
    close();
    Deno.removeSync(dir, { recursive: true });
  }
}

async function status(res: Response): Promise<[number, string]> {
  const body = await res.json();
  return [res.status, body.error ?? ""];
}

Deno.test("monitor API: bad parameters are 400s that say what was wrong", async () => {
  await withServer(async (url) => {
    const cases: [string, RegExp][] = [
      ["/api/analytics?window=10", /"window" must be an integer from 20 to 5000, got "10"/],
      ["/api/analytics?window=abc", /"window" must be an integer/],
      ["/api/analytics?z=-1", /"z" must be a number above 0/],
      ["/api/analytics?hedge=tls", /"hedge" must be one of rolling-ols, kalman, got "tls"/],
      ["/api/analytics?pair=BTCUSDT:SOLUSDT", /"pair" must be one of BTCUSDT:ETHUSDT/],
      ["/api/analytics?freq=1h", /this monitor materializes 1m, 5m bars, not 1h/],
      ["/api/analytics?freq=2m", /"freq" must be a bar frequency/],
      ["/api/analytics?windw=60", /unknown parameter "windw"/],
      ["/api/analytics?format=xlsx", /"format" must be one of json, csv, parquet/],
      ["/api/bars", /"symbol" is required/],
      ["/api/bars?symbol=DOGEUSDT", /"symbol" must be one of BTCUSDT, ETHUSDT/],
      ["/api/trades?symbol=BTCUSDT&limit=0", /"limit" must be an integer from 1 to 10000/],
      ["/api/poll?since=-1", /"since" must be an integer from 0/],
    ];
    for (const [path, re] of cases) {
      const [code, error] = await status(await fetch(url + path));
      assert.equal(code, 400, path);
      assert.match(error, re, path);
    }
    assert.deepEqual((await status(await fetch(`${url}/api/nope`)))[0], 404);
    const [code, error] = await status(
      await fetch(`${url}/api/health`, { method: "POST", headers: { "x-cryptolab-request": "1" } }),
    );
    assert.equal(code, 405);
    assert.match(error, /use GET \/api\/health/);
  });
});

Deno.test("monitor API: Host must be the server's own; a POST needs the header and its origin", async () => {
  await withServer(async (url) => {
    const port = new URL(url).port;
    // a DNS-rebinding page reaches 127.0.0.1 under its own name
    const conn = await Deno.connect({ hostname: "127.0.0.1", port: Number(port) });
    await conn.write(new TextEncoder().encode(
      `GET /api/health HTTP/1.1\r\nHost: evil.example:${port}\r\nConnection: close\r\n\r\n`,
    ));
    const buf = new Uint8Array(4096);
    const n = await conn.read(buf);
    conn.close();
    assert.match(new TextDecoder().decode(buf.subarray(0, n ?? 0)), /^HTTP\/1\.1 421/);
    const local = await fetch(`http://localhost:${port}/api/health`).catch(() => undefined);
    if (local) {
      assert.equal(local.status, 200); // localhost is this machine
      await local.body?.cancel();
    }
    const noHeader = await fetch(`${url}/api/upload/ohlc?filename=a.csv`, {
      method: "POST",
      body: "x",
    });
    assert.deepEqual(await status(noHeader), [
      403,
      "a POST must carry the header X-Cryptolab-Request: 1",
    ]);
    const foreign = await fetch(`${url}/api/upload/ohlc?filename=a.csv`, {
      method: "POST",
      body: "x",
      headers: { "x-cryptolab-request": "1", origin: "https://evil.example" },
    });
    assert.match((await status(foreign))[1], /origin https:\/\/evil\.example is not allowed/);
  });
});

Deno.test("monitor API: the OpenAPI document describes every route the server answers", async () => {
  await withServer(async (url) => {
    const doc = await (await fetch(`${url}/api/openapi.json`)).json();
    assert.equal(doc.openapi, "3.1.0");
    const src = Deno.readTextFileSync(
      new URL("../../lib/pipeline/monitor/server.ts", import.meta.url),
    );
    const routes = [...src.matchAll(/"(GET|POST) (\/api\/[a-z/.]+)"/g)].map((m) =>
      [m[1]!, m[2]!] as const
    );
    assert.ok(routes.length >= 10);
    for (const [method, path] of routes) {
      if (path === "/api/openapi.json") continue;
      assert.ok(doc.paths[path]?.[method.toLowerCase()], `${method} ${path} is in the document`);
    }
    // every documented query parameter is one the route accepts (no 400 for "unknown")
    const a = await fetch(
      `${url}/api/analytics?pair=BTCUSDT:ETHUSDT&freq=5m&window=20&z=1.5&hedge=kalman&limit=5&format=json`,
    );
    assert.equal(a.status, 200, await a.clone().text());
    await a.body?.cancel();
  });
});

Deno.test("monitor API: SSE delivers events, replays after Last-Event-ID; /api/poll is the fallback", async () => {
  await withServer(async (url, hub) => {
    hub.publish("bar", { symbol: "BTCUSDT", freq: "1m", ts: 1 });
    const got: ReceivedEvent[] = [];
    const stop = new AbortController();
    const reader = readEvents(`${url}/api/events?since=0`, (e) => got.push(e), stop.signal);
    await new Promise((r) => setTimeout(r, 100));
    hub.publish("alert", { message: "z crossed" });
    for (let i = 0; i < 50 && got.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(got.map((e) => [e.id, e.type]), [[1, "bar"], [2, "alert"]]);
    stop.abort();
    await reader;
    // a reconnecting EventSource sends the last id it saw
    hub.publish("bar", { symbol: "ETHUSDT", freq: "1m", ts: 2 });
    const again: ReceivedEvent[] = [];
    const stop2 = new AbortController();
    const r2 = readEvents(`${url}/api/events`, (e) => again.push(e), stop2.signal, {
      "last-event-id": "2",
    });
    for (let i = 0; i < 50 && again.length < 1; i++) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(again.map((e) => e.id), [3]);
    stop2.abort();
    await r2;
    const poll = await (await fetch(`${url}/api/poll?since=1`)).json();
    assert.deepEqual(poll.events.map((e: { seq: number }) => e.seq), [2, 3]);
    assert.equal(poll.lastSeq, 3);
    assert.equal(poll.missed, 0);
  });
});

Deno.test("monitor API: CSV and Parquet exports hold the JSON's numbers", async () => {
  await withServer(async (url) => {
    const q = "pair=BTCUSDT:ETHUSDT&limit=50";
    const a = await (await fetch(`${url}/api/analytics?${q}`)).json();
    const csv = await (await fetch(`${url}/api/analytics?${q}&format=csv`)).text();
    const lines = csv.trim().split("\n");
    assert.equal(
      lines[0],
      "ts,y_close,x_close,hedge_ratio,spread,spread_mean,spread_std,z_score,correlation,p_value," +
        "ols_intercept,ols_r_squared,ols_residual_std,ols_slope_std_error,position",
    );
    assert.equal(lines.length, 51);
    const last = lines.at(-1)!.split(",");
    assert.equal(last[0], new Date(a.series.ts.at(-1)).toISOString());
    assert.equal(Number(last[7]), a.series.zScore.at(-1));
    const pq = new Uint8Array(
      await (await fetch(`${url}/api/analytics?${q}&format=parquet`)).arrayBuffer(),
    );
    const rows = await parquetReadObjects({ file: pq.buffer as ArrayBuffer });
    assert.equal(rows.length, 50);
    assert.equal(rows.at(-1)!.z_score, a.series.zScore.at(-1));
    assert.equal(rows.at(-1)!.hedge_ratio, a.series.hedgeRatio.at(-1));
    assert.equal(rows.at(-1)!.ols_slope_std_error, a.series.slopeStdError.at(-1));
    const bars = await (await fetch(`${url}/api/bars?symbol=ETHUSDT&limit=3&format=csv`)).text();
    assert.match(bars, /^ts,open,high,low,close,volume,trade_count,complete\n/);
    assert.equal(bars.trim().split("\n").length, 4);
  });
});

realDataTest(
  "monitor API: an upload is imported as deno task import does, with its summary line",
  async () => {
    await withServer(async (url) => {
      const file = realPath("ohlcv", "binance_spot_2017-2022_djienne", "BTC_USDT-1d.json");
      const bytes = Deno.readFileSync(file);
      const form = new FormData();
      form.append("file", new File([bytes], "BTC_USDT-1d.json"));
      form.append("venue", "binance");
      const res = await fetch(`${url}/api/upload/ohlc`, {
        method: "POST",
        body: form,
        headers: { "x-cryptolab-request": "1" },
      });
      assert.equal(res.status, 200);
      const r = await res.json();
      // the same file through importPaths into an empty store: the same summary line
      const { db, close } = openStore(":memory:");
      try {
        const direct = await importPaths(db, [file], { venue: "binance" });
        const line = formatFileReport({ ...direct.files[0]!, path: "BTC_USDT-1d.json" });
        assert.equal(r.files[0].summary, line);
        assert.ok(r.files[0].report.inserted > 1_000);
      } finally {
        close();
      }
      // again: nothing new, as a second import
      const form2 = new FormData();
      form2.append("file", new File([bytes], "BTC_USDT-1d.json"));
      form2.append("venue", "binance");
      const r2 = await (await fetch(`${url}/api/upload/ohlc`, {
        method: "POST",
        body: form2,
        headers: { "x-cryptolab-request": "1" },
      })).json();
      assert.equal(r2.files[0].report.inserted, 0);
      const bad = await fetch(`${url}/api/upload/ohlc`, {
        method: "POST",
        body: "x",
        headers: { "x-cryptolab-request": "1" },
      });
      assert.match((await status(bad))[1], /\?filename=NAME/);
    });
  },
);

Deno.test("monitor dashboard: strict CSP allows exactly its inline scripts and style; no external URL", async () => {
  await withServer(async (url) => {
    const res = await fetch(`${url}/`);
    const csp = res.headers.get("content-security-policy")!;
    const html = await res.text();
    assert.ok(!/unsafe-inline|unsafe-eval|\*/.test(csp), csp);
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /connect-src 'self'/);
    const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!);
    assert.deepEqual(scripts, [INTERACTIVE_CLIENT_JS, DASHBOARD_JS]);
    for (const s of scripts) assert.ok(csp.includes(cspScriptHash(s)));
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!;
    assert.ok(csp.includes(cspScriptHash(style)));
    assert.ok(!/(src|href)="(https?:)?\/\//.test(html), "no external URL");
    assert.ok(!/\son[a-z]+=/.test(html), "no inline event handler");
    assert.ok(!/\sstyle=/.test(html), "no style attribute");
    // the dashboard script is a raw template literal: nothing that would end or interpolate it
    assert.ok(!DASHBOARD_JS.includes("`") && !DASHBOARD_JS.includes("${"));
    assert.ok(!DASHBOARD_JS.includes("</script"));
    assert.ok(!/innerHTML|eval\(|new Function/.test(DASHBOARD_JS));
    new Function(DASHBOARD_JS); // parses
  });
});
