/**
 * The monitor API's requests and outputs: a bad JSON body for a paper order names the fields
 * the endpoint takes (`action`, before: a `side` it does not read); the analytics' regression
 * output (intercept, R², residual std, slope standard error) equals lib/stats `ols` (itself
 * checked against statsmodels) on the same causal window; `/api/bars` from/to, validated; a
 * parameter given twice is a 400 (before: the first was taken silently).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { openStore } from "@lib/store/db.ts";
import { readBars, writeBars } from "@lib/store/bars.ts";
import { ols } from "@lib/stats/ols.ts";
import { AnalyticsService } from "@lib/pipeline/monitor/analytics_service.ts";
import { EventHub } from "@lib/pipeline/monitor/events.ts";
import { startMonitorServer } from "@lib/pipeline/monitor/server.ts";

const T0 = Date.UTC(2024, 0, 1);
const N = 200;

function seed(db: ReturnType<typeof openStore>["db"]) {
  for (const [symbol, base] of [["BTCUSDT", 40_000], ["ETHUSDT", 2_000]] as const) {
    const ts = Float64Array.from({ length: N }, (_, i) => T0 + i * 60_000);
    const close = ts.map((_, i) =>
      base * Math.exp(0.01 * Math.sin(i / (symbol === "BTCUSDT" ? 7 : 5)) + 0.002 * Math.cos(i))
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
      complete: new Uint8Array(N).fill(1),
    }, { source: "file:test" });
  }
}

export async function withServer(
  fn: (url: string, db: ReturnType<typeof openStore>["db"]) => Promise<void>,
) {
  const { db, close } = openStore(":memory:");
  seed(db);
  const dir = Deno.makeTempDirSync({ prefix: "cryptolab-monitor-params-" });
  const server = await startMonitorServer({
    db,
    venue: "binance",
    pairs: [{ y: "BTCUSDT", x: "ETHUSDT" }],
    freq: "1m",
    freqs: ["1m", "5m"],
    window: 30,
    z: 2,
    hedge: "rolling-ols",
    hub: new EventHub(),
    analytics: new AnalyticsService(db, "binance"),
    health: () => ({}),
    uploadDir: join(dir, "uploads"),
    paperOrder: (body) => ({ order: body }),
  }, { port: 0 });
  try {
    await fn(server.url, db);
  } finally {
    await server.shutdown();
    close();
    Deno.removeSync(dir, { recursive: true });
  }
}

Deno.test("monitor API: a paper order that is not JSON is told the fields the endpoint takes", async () => {
  await withServer(async (url) => {
    const res = await fetch(`${url}/api/paper/orders`, {
      method: "POST",
      body: "{pair:",
      headers: { "x-cryptolab-request": "1", "content-type": "application/json" },
    });
    assert.equal(res.status, 400);
    const e = (await res.json()).error as string;
    assert.match(e, /"action":"open-long"/);
    assert.match(e, /action: open-long, open-short or close/);
    assert.ok(!e.includes('"side"'), e);
  });
});

Deno.test("monitor API: regression output equals lib/stats ols on the same causal window", async () => {
  await withServer(async (url, db) => {
    const W = 30;
    const a = await (await fetch(`${url}/api/analytics?window=${W}&limit=40`)).json();
    const bars = (s: string) => readBars(db, { venue: "binance", symbol: s, freq: "1m" });
    const y = bars("BTCUSDT"), x = bars("ETHUSDT");
    const ly = y.close.map(Math.log), lx = x.close.map(Math.log);
    const s = a.series;
    assert.equal(s.ts.length, 40);
    let checked = 0;
    for (let k = 0; k < s.ts.length; k++) {
      const t = y.ts.indexOf(s.ts[k]);
      // the window of bars t - W .. t - 1 (known before bar t)
      const f = ols(ly.subarray(t - W, t), [lx.subarray(t - W, t)]);
      const close = (got: number, want: number, what: string) =>
        assert.ok(
          Math.abs(got - want) <= 1e-12 * Math.max(1, Math.abs(want)),
          `${what}: ${got} vs ${want}`,
        );
      close(s.intercept[k], f.coef[0]!, "intercept");
      close(s.rSquared[k], f.rSquared, "R2");
      close(s.residualStd[k], Math.sqrt(f.sigma2), "residual std");
      close(s.slopeStdError[k], f.standardErrors[1]!, "slope std error");
      // the slope is the rolling-OLS hedge ratio (the same fit, updated incrementally)
      assert.ok(
        Math.abs(s.hedgeRatio[k] - f.coef[1]!) < 1e-8,
        `hedge ${s.hedgeRatio[k]} vs ${f.coef[1]}`,
      );
      checked++;
    }
    assert.equal(checked, 40);
    const L = a.latest.regression;
    assert.equal(L.intercept, s.intercept[39]);
    assert.equal(L.slopeStdError, s.slopeStdError[39]);
    assert.ok(L.rSquared > 0 && L.rSquared < 1 && L.residualStd > 0);
    // the CSV export carries the same columns
    const csv = await (await fetch(`${url}/api/analytics?window=${W}&limit=3&format=csv`)).text();
    assert.match(
      csv.split("\n")[0]!,
      /ols_intercept,ols_r_squared,ols_residual_std,ols_slope_std_error/,
    );
  });
});

Deno.test("monitor API: /api/bars from/to (ms or ISO), validated; a repeated parameter is a 400", async () => {
  await withServer(async (url) => {
    const M = 60_000;
    const get = async (q: string) => {
      const r = await fetch(`${url}/api/bars?symbol=BTCUSDT&${q}`);
      return { status: r.status, body: await r.json() };
    };
    const ts = (b: { bars: { ts: number }[] }) => b.bars.map((r) => r.ts);
    const range = (a: number, z: number) =>
      Array.from({ length: z - a }, (_, i) => T0 + (a + i) * M);
    let r = await get(`from=${T0 + 10 * M}&to=${T0 + 20 * M}`);
    assert.equal(r.status, 200);
    assert.deepEqual(ts(r.body), range(10, 20));
    r = await get(`from=2024-01-01T00:10:00Z&to=2024-01-01T00:20:00Z`);
    assert.deepEqual(ts(r.body), range(10, 20));
    r = await get(`from=${T0 + 10 * M}&limit=3`);
    assert.deepEqual(ts(r.body), range(10, 13));
    r = await get(`to=${T0 + 20 * M}&limit=3`);
    assert.deepEqual(ts(r.body), range(17, 20));
    r = await get(`to=2030-01-01&limit=2`);
    assert.deepEqual(ts(r.body), range(N - 2, N));
    r = await get(`from=2024-01-01`);
    assert.deepEqual(ts(r.body), range(0, N));
    r = await get(`limit=2`);
    assert.deepEqual(ts(r.body), range(N - 2, N));
    const csv = await (await fetch(
      `${url}/api/bars?symbol=BTCUSDT&from=${T0}&to=${T0 + 2 * M}&format=csv`,
    )).text();
    assert.equal(csv.trim().split("\n").length, 3);
    // bad values: 400 naming the parameter
    r = await get(`from=yesterday`);
    assert.equal(r.status, 400);
    assert.match(
      r.body.error,
      /parameter "from" must be UTC epoch milliseconds or an ISO 8601 date/,
    );
    r = await get(`to=2024-13-45T00:00:00Z`);
    assert.equal(r.status, 400);
    assert.match(r.body.error, /parameter "to"/);
    r = await get(`from=${T0 + 20 * M}&to=${T0 + 10 * M}`);
    assert.equal(r.status, 400);
    assert.match(r.body.error, /"from" \(2024-01-01T00:20:00.000Z\) must be before "to"/);
    // repeated parameters: refused, not the first one taken
    const w = await fetch(`${url}/api/analytics?window=20&window=30`);
    assert.equal(w.status, 400);
    assert.match(
      (await w.json()).error,
      /parameter "window" is given more than once \("20", "30"\)/,
    );
    r = await get(`limit=2&limit=2`);
    assert.equal(r.status, 400);
    // the OpenAPI document has them
    const doc = await (await fetch(`${url}/api/openapi.json`)).json();
    const names = doc.paths["/api/bars"].get.parameters.map((p: { name: string }) => p.name);
    assert.ok(names.includes("from") && names.includes("to"), names.join());
    const series = doc.paths["/api/analytics"].get.responses["200"].content["application/json"]
      .schema.properties.series.properties;
    for (const k of ["intercept", "rSquared", "residualStd", "slopeStdError"]) {
      assert.ok(k in series, k);
    }
  });
});
