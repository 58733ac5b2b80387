/**
 * Issue 12 item 2: Binance USDT-M perp data through the registry and the chain, against the
 * local exchange replaying the REAL freqtrade funding and mark files (funding_and_futures/).
 * Index, premium, open interest and forceOrder frames are synthetic in the fake exchange
 * (tests/fake_exchange/perp.ts says how); here they test plumbing and shapes, not numbers.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { providerFor, venuesOffering } from "@lib/providers/registry.ts";
import { chainFromConfig, DEFAULT_CHAIN_CONFIG } from "@lib/providers/chain_config.ts";
import { openInterestRows, perpKlines } from "@lib/providers/binance_futures.ts";
import { parseForceOrder } from "@lib/providers/binance_futures_ws.ts";
import { realDataTest, realPath } from "../_shared/real_data.ts";
import { startFakeExchange } from "../fake_exchange/mod.ts";

const NOW = Date.UTC(2026, 0, 1);

Deno.test("registry: binance_futures offers perp klines, open interest and the liquidation stream", () => {
  assert.deepEqual(venuesOffering("perp_klines"), ["binance_futures"]);
  assert.deepEqual(venuesOffering("open_interest"), ["binance_futures"]);
  assert.deepEqual(venuesOffering("liquidation_stream"), ["binance_futures"]);
  assert.throws(
    () => providerFor("binance", "open_interest"),
    /venues offering open_interest: binance_futures/,
  );
});

realDataTest(
  "the docs' payload shapes parse (openInterestHist with string timestamps, a mark kline)",
  () => {
    const dir = realPath("api_payloads", "binance_rest_ws_nautilus", "_docs_examples_NOT_REAL");
    const oi = openInterestRows.parse(
      JSON.parse(readFileSync(`${dir}/http_futures_market_open_interest_historical.json`, "utf8")),
    );
    assert.deepEqual(oi[0], {
      symbol: "BTCUSDT",
      sumOpenInterest: 20403.637,
      sumOpenInterestValue: 150570784.07809979,
      timestamp: 1583127900000,
    });
    const k = perpKlines.parse(
      JSON.parse(readFileSync(`${dir}/http_futures_market_mark_price_klines.json`, "utf8")),
    );
    assert.equal(k[0]![4], 9653.07367333);
    // a payload of the wrong shape is refused at the boundary
    assert.equal(perpKlines.safeParse([[1, "x", "1", "1", "1", "0", 2]]).success, false);
  },
);

realDataTest(
  "funding history through the chain equals the real freqtrade file, with Binance's ms stamps",
  async () => {
    const ex = await startFakeExchange();
    try {
      const chain = chainFromConfig("funding", DEFAULT_CHAIN_CONFIG, {
        ctx: { baseUrl: ex.url, now: () => NOW },
        now: Date.now,
        sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 5))),
      });
      ex.faults.add({ kind: "http_500", path: "/fapi/v1/fundingRate", times: 1 });
      const r = await chain.call((p) =>
        p.fetchFunding({
          symbol: "XRPUSDT",
          startTime: Date.UTC(2021, 10, 18),
          endTime: Date.UTC(2021, 11, 19),
          limit: 1000,
        })
      );
      const file = JSON.parse(
        readFileSync(
          realPath(
            "funding_and_futures",
            "freqtrade_testdata_XRP_2021-11",
            "XRP_USDT-8h-funding_rate.json",
          ),
          "utf8",
        ),
      ) as number[][];
      assert.equal(r.value.length, file.length);
      assert.deepEqual(r.value.map((f) => [f.ts, f.rate]), file.map((x) => [x[0], x[1]]));
      assert.equal(r.value[0]!.ts, 1637193600017);
      // markPrice: the open of the real 8h mark candle at that hour
      assert.equal(r.value[0]!.markPrice, 1.0959);
      // the first attempt failed with 500 and was retried
      assert.equal(ex.requests.filter((q) => q.path === "/fapi/v1/fundingRate").length, 2);
    } finally {
      await ex.close();
    }
  },
);

realDataTest("mark, index and premium klines and open interest through their chains", async () => {
  const ex = await startFakeExchange();
  try {
    const opts = {
      ctx: { baseUrl: ex.url, now: () => NOW },
      now: Date.now,
      sleep: () => Promise.resolve(),
    };
    const klines = chainFromConfig("perp_klines", DEFAULT_CHAIN_CONFIG, opts);
    const ask = (kind: "mark" | "index" | "premium") =>
      klines.call((p) =>
        p.fetchPerpKlines({ symbol: "XRPUSDT", kind, interval: "8h", startTime: 0, limit: 1500 })
      );
    const mark = (await ask("mark")).value;
    const file = JSON.parse(
      readFileSync(
        realPath("funding_and_futures", "freqtrade_testdata_XRP_2021-11", "XRP_USDT-8h-mark.json"),
        "utf8",
      ),
    ) as number[][];
    const xrp2021 = [...mark.ts].filter((t) => t < Date.UTC(2022, 0, 1)).length;
    assert.equal(xrp2021, file.length);
    assert.equal(mark.close[0], file[0]![4]);
    const premium = (await ask("premium")).value;
    const index = (await ask("index")).value;
    assert.ok(premium.ts.length > 0 && index.ts.length === premium.ts.length);
    assert.ok(
      ex.requests.some((q) =>
        q.path === "/fapi/v1/indexPriceKlines" && q.query.includes("pair=XRPUSDT")
      ),
    );

    const oiChain = chainFromConfig("open_interest", DEFAULT_CHAIN_CONFIG, opts);
    const oi = (await oiChain.call((p) =>
      p.fetchOpenInterest({ symbol: "BTCUSDT", period: "1h", limit: 500 })
    )).value;
    assert.equal(oi.length, 500);
    assert.ok(oi.every((o, i) =>
      o.openInterest > 0 && (i === 0 || o.ts - oi[i - 1]!.ts === 3_600_000)
    ));
  } finally {
    await ex.close();
  }
});

realDataTest(
  "the liquidation stream parses forceOrder frames from the local exchange",
  async () => {
    const ex = await startFakeExchange();
    try {
      // the stream's base comes from CRYPTOLAB_BINANCE_FUTURES_WS_URL, as tasks/stream.ts sets it
      Deno.env.set("CRYPTOLAB_BINANCE_FUTURES_WS_URL", ex.wsFuturesUrl);
      const venue = providerFor("binance_futures", "liquidation_stream", { baseUrl: ex.url });
      const live = venue.openLiquidationStream({ symbols: ["BTCUSDT"] });
      assert.equal(live.url, `${ex.wsFuturesUrl}/stream?streams=btcusdt@forceOrder`);
      const got: { side: string; qty: number }[] = [];
      for await (const batch of live) {
        got.push(...batch);
        if (got.length >= 3) break;
      }
      await live.stop();
      assert.ok(got.length >= 3);
      assert.ok(got.every((e) => e.side === "buy" || e.side === "sell"));
      assert.equal(got[2]!.qty, 0, "the fake exchange's third liquidation is the bad one");
      assert.equal(parseForceOrder("not json"), undefined);
    } finally {
      await ex.close();
    }
  },
);
