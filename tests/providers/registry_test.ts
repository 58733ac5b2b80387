/**
 * The venue registry: every entry builds a provider implementing each kind it lists, the
 * errors name the venues offering a kind, and registry-built providers work against the local
 * exchange (real payloads) with the base URL from the context or from `CRYPTOLAB_<NAME>_URL`.
 */
import assert from "node:assert/strict";
import {
  type DataKind,
  KIND_METHODS,
  providerFor,
  PROVIDERS,
  venuesOffering,
} from "@lib/providers/registry.ts";
import { realDataTest } from "../_shared/real_data.ts";
import { startFakeExchange } from "../fake_exchange/mod.ts";

const ALL_KINDS = Object.keys(KIND_METHODS) as DataKind[];

Deno.test("registry: every listed kind is implemented, every unlisted kind is refused", () => {
  for (const [venue, entry] of Object.entries(PROVIDERS)) {
    for (const kind of ALL_KINDS) {
      if ((entry.kinds as readonly DataKind[]).includes(kind)) {
        const p = providerFor(venue, kind, { baseUrl: "http://127.0.0.1:9" });
        assert.equal(
          typeof (p as unknown as Record<string, unknown>)[KIND_METHODS[kind]],
          "function",
        );
        assert.equal(p.id, venue, `${venue} provider id is the venue id`);
      } else {
        assert.throws(
          () => providerFor(venue, kind),
          (e: Error) =>
            e instanceof RangeError &&
            e.message.includes(`"${venue}" offers no ${kind}`) &&
            e.message.includes(`venues offering ${kind}: ${venuesOffering(kind).join(", ")}`),
        );
      }
    }
  }
});

Deno.test("registry: venues per kind and the unknown-venue error", () => {
  assert.deepEqual(venuesOffering("trade_stream"), ["binance", "binance_futures"]);
  assert.deepEqual(venuesOffering("trades"), ["binance", "binance_futures", "kraken"]);
  assert.deepEqual(venuesOffering("quotes"), ["binance", "binance_futures", "kraken", "coinbase"]);
  assert.deepEqual(venuesOffering("dex"), ["dexscreener"]);
  assert.throws(
    () => providerFor("bitmex", "candles"),
    /Unknown venue "bitmex": use one of binance, binance_futures, kraken, coinbase, dexscreener \(venues offering candles: binance, binance_futures, kraken, coinbase\)/,
  );
  assert.deepEqual(
    Object.values(PROVIDERS).map((p) => p.envName),
    ["BINANCE", "BINANCE_FUTURES", "KRAKEN", "COINBASE", "DEXSCREENER"],
  );
});

realDataTest(
  "registry: providers built by the registry read real payloads from the local exchange",
  async () => {
    const ex = await startFakeExchange();
    try {
      const ctx = { baseUrl: ex.url };
      const bars = await providerFor("binance", "candles", ctx).fetchCandles({
        symbol: "BTCUSDT",
        freq: "1h",
        startTime: Date.UTC(2021, 0, 1),
        limit: 3,
      });
      assert.equal(bars.bars.ts.length, 3);
      assert.equal(bars.bars.ts[0], Date.UTC(2021, 0, 1));
      const [q] = await providerFor("binance", "quotes", ctx).fetchQuotes(["BTCUSDT"]);
      assert.ok(q !== undefined && q.price > 0);
      const [k] = await providerFor("kraken", "quotes", ctx).fetchQuotes(["XBTUSDT"]);
      assert.ok(k !== undefined && k.price > 0);
      const pairs = await providerFor("dexscreener", "dex", ctx).search("USD1/USDC");
      assert.ok(pairs.length > 0);
      assert.ok(
        ex.requests.some((r) => r.path === "/api/v3/klines") &&
          ex.requests.some((r) => r.path === "/0/public/Ticker") &&
          ex.requests.some((r) => r.path === "/latest/dex/search"),
      );
    } finally {
      await ex.close();
    }
  },
);

realDataTest("registry: the trade stream honours CRYPTOLAB_BINANCE_WS_URL", async () => {
  const ex = await startFakeExchange();
  const before = Deno.env.get("CRYPTOLAB_BINANCE_WS_URL");
  Deno.env.set("CRYPTOLAB_BINANCE_WS_URL", ex.wsUrl);
  try {
    const venue = providerFor("binance", "trade_stream", { baseUrl: ex.url });
    const stream = venue.openTradeStream({ symbols: ["BTCUSDT"] });
    const ids: number[] = [];
    for await (const b of stream) {
      ids.push(...(b.tradeId as number[]));
      if (ids.length >= 100) break;
    }
    await stream.stop();
    // the first real spot BTCUSDT trades of the 2024-08-08 capture, contiguous
    assert.equal(ids[0], 3735683259);
    ids.forEach((id, i) => assert.equal(id, 3735683259 + i));
    assert.equal(ex.requests.filter((r) => r.method === "WS").length, 1);
  } finally {
    if (before === undefined) Deno.env.delete("CRYPTOLAB_BINANCE_WS_URL");
    else Deno.env.set("CRYPTOLAB_BINANCE_WS_URL", before);
    await ex.close();
  }
});
