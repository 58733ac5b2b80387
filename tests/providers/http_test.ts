/**
 * Issue 8 item 2 at the HTTP edge, against the local exchange (tests/fake_exchange): a body
 * over the cap stops being read at the cap with an error naming the URL; a venue asking (with
 * Retry-After) for longer than the task waits is an error giving the seconds, from backfill and
 * from `deno task backfill` as users run it.
 */
import assert from "node:assert/strict";
import { z } from "zod";
import { backfill, candlesFromChain } from "@lib/ingest/backfill.ts";
import { chainFromConfig, DEFAULT_CHAIN_CONFIG } from "@lib/providers/chain_config.ts";
import { getJson, HTTP_DEFAULTS } from "@lib/providers/http.ts";
import { ProviderError } from "@lib/providers/types.ts";
import { realDataTest } from "../_shared/real_data.ts";
import { runTask } from "../_shared/run_task.ts";
import { tempStore } from "../_shared/tmp_store.ts";
import { binanceBackfillArgs } from "../backfill/_task.ts";
import { startFakeExchange } from "../fake_exchange/mod.ts";
import { fakeClock } from "./_fake_clock.ts";

const MiB = 2 ** 20;
const anything = z.unknown();

realDataTest("a body over the cap is refused at the cap, naming the URL; not retried", async () => {
  const ex = await startFakeExchange();
  try {
    const url = `${ex.url}/api/v3/klines?symbol=BTCUSDT&interval=1h&limit=1000`;
    // streamed (no Content-Length): reading stops once 1 MiB is passed
    ex.faults.add({ kind: "oversize", path: "/klines", times: 1, bytes: 512 * MiB });
    let err: unknown;
    try {
      await getJson("binance", url, anything, { maxBodyBytes: MiB });
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof ProviderError, String(err));
    assert.equal(err.kind, "too_large");
    assert.equal(err.retryable, false);
    assert.equal(
      err.message,
      `binance: the response body goes past the cap of ${MiB} bytes (maxBodyBytes); check ` +
        `the URL, or raise the cap if the venue really sends that much (${url})`,
    );
    // the server produced a few MiB (socket buffers) of the 512, not the whole body
    const sent = ex.requests.at(-1)!.bodyBytesSent!;
    assert.ok(sent < 64 * MiB, `${sent} bytes sent`);

    // declared with Content-Length: refused before reading
    ex.faults.add({
      kind: "oversize",
      path: "/klines",
      times: 1,
      bytes: 8 * MiB,
      declareLength: true,
    });
    await assert.rejects(
      getJson("binance", url, anything, { maxBodyBytes: MiB }),
      /the response body declares 8388608 bytes, over the cap of 1048576 bytes/,
    );
    // the cap is stated once, and a normal page is far below it
    assert.equal(HTTP_DEFAULTS.maxBodyBytes, 64 * MiB);
    const ok = await getJson("binance", url, anything);
    assert.ok(Array.isArray(ok.data) && ok.data.length === 1000);
  } finally {
    await ex.close();
  }
});

realDataTest(
  "backfill: a Retry-After longer than the task waits fails the symbol at once, with seconds",
  async () => {
    const ex = await startFakeExchange();
    const s = tempStore();
    try {
      const clock = fakeClock(Date.UTC(2026, 0, 5));
      ex.faults.add({ kind: "rate_limit", path: "/klines", times: 1, retryAfterSeconds: 900 });
      const chain = chainFromConfig("candles", DEFAULT_CHAIN_CONFIG, {
        ctx: { baseUrl: ex.url },
        now: clock.now,
        sleep: clock.sleep,
      });
      const r = await backfill(s.db, {
        ...candlesFromChain(chain, "binance"),
        symbols: ["BTCUSDT"],
        freq: "1h",
        since: Date.UTC(2020, 0, 1),
        until: Date.UTC(2020, 0, 2),
        now: clock.now,
        sleep: clock.sleep,
      });
      assert.equal(r.status, "failed");
      assert.match(
        r.symbols[0]!.error!,
        /^binance: HTTP 429 with Retry-After 900 s, longer than this task will wait \(300 s, retry\.maxRetryAfterMs\); try again in 900 s or raise retry\.maxRetryAfterMs in the providers config \(http:\/\/127\.0\.0\.1:\d+\/api\/v3\/klines\?/,
      );
      assert.deepEqual(clock.sleeps, []); // it did not wait
      assert.equal(r.retries, 0);
    } finally {
      s.cleanup();
      await ex.close();
    }
  },
);

realDataTest("deno task backfill prints how long the venue asked to wait", async () => {
  const ex = await startFakeExchange();
  const dir = Deno.makeTempDirSync({ prefix: "cryptolab-retry-after-" });
  try {
    ex.faults.add({ kind: "rate_limit", path: "/klines", times: 1, retryAfterSeconds: 3600 });
    const r = await runTask(
      "backfill",
      binanceBackfillArgs("BTCUSDT", "2020-01-01", "2020-01-02", `${dir}/t.db`),
      { env: { CRYPTOLAB_BINANCE_URL: ex.url, CRYPTOLAB_PROVIDERS: "" } },
    );
    assert.equal(r.code, 1, r.stderr);
    assert.match(
      r.stderr,
      /BTCUSDT: binance: HTTP 429 with Retry-After 3600 s, longer than this task will wait \(300 s, retry\.maxRetryAfterMs\); try again in 3600 s/,
    );
  } finally {
    Deno.removeSync(dir, { recursive: true });
    await ex.close();
  }
});
