/**
 * The monitor API's request checks: a bad JSON body for a paper order names the fields the
 * endpoint takes (`action`, before: a `side` it does not read).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { openStore } from "@lib/store/db.ts";
import { writeBars } from "@lib/store/bars.ts";
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
