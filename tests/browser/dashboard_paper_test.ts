/**
 * The dashboard's paper trading section in Chromium, on an in-process server over a seeded
 * store with two pairs whose spreads oscillate (so the z-score rule trades both): every pair
 * gets its own chart of the rule book's equity against the backtest of the same rule (before:
 * only the first pair's), a list of its round trips (book, entry, exit, side, units, prices,
 * costs, net P&L; before: only a count), and the page states the cost model of the fills.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { openStore } from "@lib/store/db.ts";
import { writeBars } from "@lib/store/bars.ts";
import { AnalyticsService } from "@lib/pipeline/monitor/analytics_service.ts";
import { EventHub } from "@lib/pipeline/monitor/events.ts";
import { PaperLoop } from "@lib/pipeline/monitor/paper_loop.ts";
import { startMonitorServer } from "@lib/pipeline/monitor/server.ts";
import { type DomNode, findChromium, launchBrowser, screenshot, watchPage } from "./_browser.ts";

const chromium = findChromium();
if (chromium.path === null) console.log(`skipping browser tests: ${chromium.reason}`);

const T0 = Date.UTC(2024, 0, 1);
const MIN = 60_000;
const LEGS = [["BTCUSDT", 40_000, 7], ["ETHUSDT", 2_000, 5], ["SOLUSDT", 100, 6]] as const;

/** Bars [from, to) of every leg: prices on sines of different periods (spreads oscillate). */
function seed(db: ReturnType<typeof openStore>["db"], from: number, to: number) {
  for (const [symbol, base, period] of LEGS) {
    const n = to - from;
    const ts = Float64Array.from({ length: n }, (_, i) => T0 + (from + i) * MIN);
    const close = ts.map((_, i) => base * Math.exp(0.01 * Math.sin((from + i) / period)));
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

Deno.test({
  name:
    "dashboard: paper trading shows each pair's equity vs backtest, its trade list and the costs",
  ignore: chromium.path === null,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const { db, close } = openStore(":memory:");
    const pairs = [{ y: "BTCUSDT", x: "ETHUSDT" }, { y: "SOLUSDT", x: "ETHUSDT" }];
    seed(db, 0, 60);
    const loop = new PaperLoop(db, {
      venue: "binance",
      pairs,
      freq: "1m",
      window: 30,
      z: 1.5,
      hedge: "rolling-ols",
    }, T0 + 60 * MIN);
    for (const p of pairs) loop.onPairBar(p, T0 + 60 * MIN);
    seed(db, 60, 400);
    for (const p of pairs) loop.onPairBar(p, T0 + 400 * MIN);
    const summary = loop.summary() as {
      pairs: { pair: string; rule: { tradeCount: number } }[];
    };
    for (const p of summary.pairs) assert.ok(p.rule.tradeCount >= 2, `${p.pair} trades`);
    const dir = Deno.makeTempDirSync({ prefix: "cryptolab-dashboard-paper-" });
    const server = await startMonitorServer({
      db,
      venue: "binance",
      pairs,
      freq: "1m",
      freqs: ["1m"],
      window: 30,
      z: 1.5,
      hedge: "rolling-ols",
      hub: new EventHub(),
      analytics: new AnalyticsService(db, "binance"),
      health: () => ({}),
      paper: () => loop.summary(),
      uploadDir: join(dir, "uploads"),
    }, { port: 0 });
    const browser = await launchBrowser(chromium.path!);
    try {
      const page = await browser.newPage();
      await page.setViewport({ width: 1200, height: 900 });
      const log = await watchPage(page);
      await page.goto(`${server.url}/`, { waitUntil: "load" });
      for (const id of ["BTCUSDT-ETHUSDT", "SOLUSDT-ETHUSDT"]) {
        // the second pair too: its own chart, two series (paper, backtest)
        await page.waitForSelector(`#c-paper-${id} svg`, { timeout: 10_000 });
        const legend = await page.$eval(
          `#c-paper-${id}`,
          (n) => (n as unknown as DomNode).textContent ?? "",
        );
        assert.match(legend, /paper equity/);
        assert.match(legend, /backtest, same bars/);
        await page.waitForSelector(`#paper-trades-${id} tr:nth-child(2)`, { timeout: 10_000 });
        const rows = await page.$$eval(
          `#paper-trades-${id} tr`,
          (l) => l.map((n) => (n as unknown as DomNode).textContent ?? ""),
        );
        const want = summary.pairs.find((p) => p.pair === id.replace("-", ":"))!.rule.tradeCount;
        assert.ok(rows.length - 1 >= Math.min(want, 50), `${id}: ${rows.length - 1} rows`);
        assert.match(rows[0]!, /entry.*exit.*side.*costs.*net P&L/);
        assert.match(rows[1]!, /z-score rule20\d\d-\d\d-\d\dT.*(long|short)/);
      }
      const costs = await page.$eval("#paper-costs", (n) => (n as unknown as DomNode).textContent);
      assert.match(
        costs ?? "",
        /Costs of every fill, paper and backtest alike: binance taker fees/,
      );
      await page.evaluate(`document.querySelector("#paper").scrollIntoView()`);
      await screenshot(page, "dashboard-paper");
      assert.deepEqual(log.pageErrors, []);
      assert.deepEqual(log.consoleErrors, []);
      assert.deepEqual(log.outside, []);
    } finally {
      await browser.close();
      await server.shutdown();
      close();
      Deno.removeSync(dir, { recursive: true });
    }
  },
});
