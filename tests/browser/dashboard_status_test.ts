/**
 * The dashboard's venue banner and control errors in Chromium, on an in-process server over a
 * seeded store (no stream; the test publishes the events):
 * - /api/health saying the venue is reconnecting shows the banner at load (what the polling
 *   fallback reads too); a `status` event hides it once connected and shows it again when lost;
 * - the pair's panel shows the window OLS (intercept, R², residual sd, slope standard error);
 * - an invalid window stays said after bar events refresh the charts (before: cleared within a
 *   second), and a frequency change while it is invalid still redraws at the new frequency
 *   (before: silently ignored).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { openStore } from "@lib/store/db.ts";
import { writeBars } from "@lib/store/bars.ts";
import { type Freq, freqMs } from "@lib/core/freq.ts";
import { AnalyticsService } from "@lib/pipeline/monitor/analytics_service.ts";
import { EventHub } from "@lib/pipeline/monitor/events.ts";
import { startMonitorServer } from "@lib/pipeline/monitor/server.ts";
import { type DomNode, findChromium, launchBrowser, screenshot, watchPage } from "./_browser.ts";

const chromium = findChromium();
if (chromium.path === null) console.log(`skipping browser tests: ${chromium.reason}`);

const T0 = Date.UTC(2024, 0, 1);

function seed(db: ReturnType<typeof openStore>["db"], freq: Freq, n: number) {
  for (const [symbol, base] of [["BTCUSDT", 40_000], ["ETHUSDT", 2_000]] as const) {
    const ts = Float64Array.from({ length: n }, (_, i) => T0 + i * freqMs(freq));
    const close = ts.map((_, i) =>
      base * Math.exp(0.01 * Math.sin(i / (symbol === "BTCUSDT" ? 7 : 5)))
    );
    const v = close.map(() => 1);
    writeBars(db, {
      venue: "binance",
      symbol,
      freq,
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
  name: "dashboard: venue banner from health and status events; control errors stay, freq applies",
  ignore: chromium.path === null,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const { db, close } = openStore(":memory:");
    seed(db, "1m", 200);
    seed(db, "5m", 200);
    const dir = Deno.makeTempDirSync({ prefix: "cryptolab-dashboard-status-" });
    const hub = new EventHub();
    const lost = Date.UTC(2026, 0, 2, 3, 4, 5);
    let venue: Record<string, unknown> = {
      state: "reconnecting",
      since: lost,
      forMs: 1_000,
      connected: false,
      everConnected: true,
      lastProblem: "no message for 10000 ms",
      lastProblemAt: lost,
      url: null,
    };
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
      health: () => ({ venueConnection: venue }),
      uploadDir: join(dir, "uploads"),
    }, { port: 0 });
    const browser = await launchBrowser(chromium.path!);
    try {
      const page = await browser.newPage();
      await page.setViewport({ width: 1200, height: 900 });
      const log = await watchPage(page);
      await page.goto(`${server.url}/`, { waitUntil: "load" });
      const banner = () =>
        page.$eval("#venue-banner", (n) => {
          const e = n as unknown as DomNode & { hidden: boolean };
          return { hidden: e.hidden, text: e.textContent ?? "" };
        });
      // at load, from /api/health
      await page.waitForFunction(`!document.querySelector("#venue-banner").hidden`, {
        timeout: 10_000,
      });
      let b = await banner();
      assert.match(
        b.text,
        /^Venue binance is disconnected, reconnecting since 2026-01-02T03:04:05Z; last error: no message for 10000 ms\./,
      );
      await screenshot(page, "dashboard-venue-banner");
      // the window OLS beside the hedge ratio
      await page.waitForFunction(
        `/^a -?\\d+\\.\\d{4}, R\u00b2 0\\.\\d{3}, sd \\d+\\.\\d{5}, se \\d+\\.\\d{4}$/.test(document.querySelector("#reg-BTCUSDT-ETHUSDT").textContent)`,
        { timeout: 10_000 },
      );
      // SSE: connected hides it, lost shows it again
      await page.waitForFunction(`document.querySelector("#conn").textContent === "live (SSE)"`, {
        timeout: 10_000,
      });
      venue = { ...venue, state: "connected", connected: true, since: lost + 60_000 };
      hub.publish("status", { venue: "binance", state: "connected", connected: true, since: 1 });
      await page.waitForFunction(`document.querySelector("#venue-banner").hidden`, {
        timeout: 5_000,
      });
      hub.publish("status", {
        venue: "binance",
        state: "reconnecting",
        connected: false,
        since: lost + 120_000,
        message: "connection refused",
      });
      await page.waitForFunction(`!document.querySelector("#venue-banner").hidden`, {
        timeout: 5_000,
      });
      b = await banner();
      assert.match(b.text, /since 2026-01-02T03:06:05Z; last error: connection refused/);
      // an invalid window: said, and still said after bar events refresh the charts
      await page.$eval("#ctl-window", (n) => {
        const e = n as unknown as { value: string; dispatchEvent(e: unknown): void };
        e.value = "5";
        e.dispatchEvent(
          new (globalThis as unknown as { Event: new (t: string) => unknown }).Event("change"),
        );
      });
      const err = () => page.$eval("#error", (n) => (n as unknown as DomNode).textContent ?? "");
      assert.match(
        await err(),
        /window must be an integer from 20 to 5000 \(the charts keep window 30\)/,
      );
      const before = log.requests.filter((u) => u.includes("/api/analytics")).length;
      for (let i = 0; i < 3; i++) {
        hub.publish("bar", { symbol: "BTCUSDT", freq: "1m", ts: T0 + (200 + i) * 60_000 });
        await new Promise((r) => setTimeout(r, 400));
      }
      assert.ok(
        log.requests.filter((u) => u.includes("/api/analytics")).length > before,
        "the bar events refreshed the charts",
      );
      assert.match(await err(), /window must be an integer/);
      // a frequency change while the window is invalid still redraws, at the new frequency
      await page.select("#ctl-freq", "5m");
      const until = Date.now() + 5_000;
      while (
        !log.requests.some((u) => u.includes("/api/analytics") && u.includes("freq=5m")) &&
        Date.now() < until
      ) await new Promise((r) => setTimeout(r, 100));
      const fiveMin = log.requests.filter((u) =>
        u.includes("/api/analytics") && u.includes("freq=5m")
      );
      assert.ok(fiveMin.length > 0, "no 5m analytics request after the frequency change");
      assert.ok(fiveMin.every((u) => u.includes("window=30")), fiveMin.join("\n"));
      // corrected: the error goes away
      await page.$eval("#ctl-window", (n) => {
        const e = n as unknown as { value: string; dispatchEvent(e: unknown): void };
        e.value = "40";
        e.dispatchEvent(
          new (globalThis as unknown as { Event: new (t: string) => unknown }).Event("change"),
        );
      });
      await page.waitForFunction(`document.querySelector("#error").hidden`, { timeout: 5_000 });
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
