"""Oracle for trades -> 1-minute bars (tests/materialize/trades_to_bars_test.ts).

Reads the real Tardis trade file (Binance USDT-M BTCUSDT, 2020-02-22) from ../shared/data/real
and builds 1-minute bars with pandas resample:
    g = df.resample("1min")
    price.ohlc(), amount.sum(), price.count(), (price*amount).sum(), vwap = quote / volume
Only minutes with at least one trade are kept. It also computes the EXACT decimal sums of the
quantities and of price*qty with Python's decimal module from the file's text, rounded once to
the nearest double, which is what lib/materialize must reproduce bit for bit.

Writes tests/oracles/materialize_trades.json with derived numbers only.
Run: /usr/bin/python3 tests/oracles/materialize_trades.py
"""
import json
import os
from decimal import Decimal

import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
REAL = os.environ.get("CRYPTOLAB_REAL_DATA") or os.path.join(HERE, "..", "..", "..", "shared", "data", "real")
SRC = os.path.join(REAL, "trades", "binance_futures_BTCUSDT_2020-02-22_tardis_nautilus", "trades.csv")

raw = pd.read_csv(SRC, dtype={"price": str, "amount": str})
df = pd.DataFrame({
    "ts": pd.to_datetime(raw["timestamp"], unit="us", utc=True),
    "id": raw["id"].astype("int64"),
    "price": raw["price"].astype(float),
    "amount": raw["amount"].astype(float),
    "price_s": raw["price"],
    "amount_s": raw["amount"],
})
df = df.sort_values(["ts", "id"], kind="mergesort").set_index("ts")
df["quote"] = df["price"] * df["amount"]
g = df.resample("1min")
ohlc = g["price"].ohlc()
out = pd.DataFrame({
    "open": ohlc["open"],
    "high": ohlc["high"],
    "low": ohlc["low"],
    "close": ohlc["close"],
    "volume": g["amount"].sum(),
    "quote_volume": g["quote"].sum(),
    "trade_count": g["price"].count(),
})
out["vwap"] = out["quote_volume"] / out["volume"]
out = out[out["trade_count"] > 0]

exact_v, exact_q = [], []
for minute, grp in df.groupby(df.index.floor("1min")):
    exact_v.append(float(sum(Decimal(a) for a in grp["amount_s"])))
    exact_q.append(float(sum(Decimal(p) * Decimal(a) for p, a in zip(grp["price_s"], grp["amount_s"]))))

res = {
    "oracle": "pandas %s resample('1min'): price.ohlc(), amount.sum(), price.count(), (price*amount).sum(); decimal exact sums" % pd.__version__,
    "pandas_version": pd.__version__,
    "trades": int(len(df)),
    "ts": [int(t.value // 1_000_000) for t in out.index],
    "open": out["open"].tolist(),
    "high": out["high"].tolist(),
    "low": out["low"].tolist(),
    "close": out["close"].tolist(),
    "volume": out["volume"].tolist(),
    "quote_volume": out["quote_volume"].tolist(),
    "trade_count": [int(x) for x in out["trade_count"]],
    "vwap": out["vwap"].tolist(),
    "exact_volume": exact_v,
    "exact_quote_volume": exact_q,
}
with open(os.path.join(HERE, "materialize_trades.json"), "w") as f:
    json.dump(res, f, indent=0)
print("wrote", len(res["ts"]), "bars from", res["trades"], "trades")
