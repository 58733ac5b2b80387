"""Oracle for tests/ingest: reads real files with pandas and writes derived numbers only.

Run: /usr/bin/python3 tests/oracles/ingest_oracle.py  (pandas 1.5.3 from Debian)
Writes tests/oracles/ingest_oracle.json: per file row count, first/last bar time (UTC ms),
sum of close and of volume over the rows a careful reader keeps (positive OHLC, high >= low,
open/close inside [low, high]; of several rows with one timestamp, one row when they are all
identical and none when any two differ), and for trade
files rows, trades kept (one per id, the first), and over those the sum of quantity, the
number of sell-aggressor trades and the first time.
"""
import gzip
import json
import os
import sys

import numpy as np
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
REAL = os.environ.get("CRYPTOLAB_REAL_DATA") or os.path.join(HERE, "..", "..", "..", "shared", "data", "real")


def drop_conflicting_duplicates(df, cols):
    """Drop every row whose timestamp is shared by rows with different values in cols."""
    variants = df.drop_duplicates(subset=["ts"] + cols).groupby("ts").size()
    return df[~df.ts.isin(variants[variants > 1].index)]


def clean_bars(df):
    """df has columns ts (ms), open, high, low, close, volume, in file order."""
    ok = (df[["open", "high", "low", "close"]] > 0).all(axis=1)
    ok &= df.high >= df.low
    ok &= (df.open >= df.low) & (df.open <= df.high) & (df.close >= df.low) & (df.close <= df.high)
    ok &= df.volume >= 0
    good = df[ok]
    kept = drop_conflicting_duplicates(good, ["open", "high", "low", "close", "volume"])
    kept = kept.drop_duplicates(subset="ts", keep="first").sort_values("ts", kind="stable")
    return {
        "rows": int(len(df)),
        "kept": int(len(kept)),
        "first_ts": int(kept.ts.iloc[0]),
        "last_ts": int(kept.ts.iloc[-1]),
        "sum_close": float(kept.close.sum()),
        "sum_volume": float(kept.volume.sum()),
    }


def freqtrade(path):
    df = pd.read_json(os.path.join(REAL, path))
    df.columns = ["ts", "open", "high", "low", "close", "volume"]
    df["ts"] = df.ts.astype("int64")
    return clean_bars(df)


def kraken_ohlcvt(path):
    df = pd.read_csv(os.path.join(REAL, path), header=None,
                     names=["ts", "open", "high", "low", "close", "volume", "trades"])
    df["ts"] = df.ts.astype("int64") * 1000
    return clean_bars(df)


def iso(path, col):
    df = pd.read_csv(os.path.join(REAL, path))
    t = pd.to_datetime(df[col], utc=True)
    df["ts"] = (t - pd.Timestamp("1970-01-01", tz="UTC")) // pd.Timedelta("1ms")
    return clean_bars(df)


def gemini(path):
    df = pd.read_csv(os.path.join(REAL, path), skiprows=1)
    u = df["Unix Timestamp"].astype("float64")
    df["ts"] = np.where(u < 1e11, u * 1000, u).astype("int64")
    df = df.rename(columns={"Open": "open", "High": "high", "Low": "low", "Close": "close",
                            "Volume": "volume"})
    return clean_bars(df)


def trades_tardis(path):
    df = pd.read_csv(os.path.join(REAL, path))
    rows = len(df)
    df = df.drop_duplicates(subset="id", keep="first")
    return {"rows": int(rows), "kept": int(len(df)), "sum_qty": float(df.amount.sum()),
            "sells": int((df.side == "sell").sum()), "first_ts": float(df.timestamp.min() / 1000)}


def trades_hist(path):
    df = pd.read_csv(os.path.join(REAL, path))
    t = pd.to_datetime(df.time, utc=True)
    df["ms"] = (t - pd.Timestamp("1970-01-01", tz="UTC")) // pd.Timedelta("1ms")
    rows = len(df)
    df = df.drop_duplicates(subset="id", keep="first")  # the REST pages overlap
    return {"rows": int(rows), "kept": int(len(df)), "sum_qty": float(df.qty.sum()),
            "sells": int(df.isBuyerMaker.sum()), "first_ts": float(df.ms.min())}


def trades_freqtrade(path):
    with gzip.open(os.path.join(REAL, path), "rt") as f:
        df = pd.DataFrame(json.load(f), columns=["ts", "id", "type", "side", "price", "amount", "cost"])
    rows = len(df)
    df = df.drop_duplicates(subset="id", keep="first")
    return {"rows": int(rows), "kept": int(len(df)), "sum_qty": float(df.amount.sum()),
            "sells": int((df.side == "sell").sum()), "first_ts": float(df.ts.min())}


def cdd_checks(path):
    """Rows whose unix and date columns disagree, and (after dropping those) the rows of every
    timestamp group whose values differ (all of them are refused), in a CryptoDataDownload
    file."""
    df = pd.read_csv(os.path.join(REAL, path), skiprows=1, keep_default_na=False, dtype=str)
    u = df.unix.astype("float64")
    unix_ms = np.where(u < 1e11, u * 1000, u)
    d = df.date.astype(str)
    old = d.str.match(r"^\d{4}-\d{2}-\d{2} \d{2}-(AM|PM)$")
    parsed_new = pd.to_datetime(d.where(~old), format="%Y-%m-%d %H:%M:%S", utc=True, errors="coerce")
    parsed_old = pd.to_datetime(d.where(old), format="%Y-%m-%d %I-%p", utc=True, errors="coerce")
    parsed = parsed_new.fillna(parsed_old)
    date_ms = (parsed - pd.Timestamp("1970-01-01", tz="UTC")) // pd.Timedelta("1ms")
    disagree = date_ms.notna() & (date_ms != unix_ms)
    ok = df[~disagree.values].copy()
    ok["ts"] = unix_ms[~disagree.values]
    cols = ["open", "high", "low", "close", df.columns[7], df.columns[8], "tradecount"]
    clean = drop_conflicting_duplicates(ok, cols)
    identical_dropped = clean.duplicated(subset="ts", keep="first").sum()
    rounded, near, conflicting = rounding_duplicates(ok, cols)
    return {
        "rows": int(len(df)),
        "unix_date_disagree": int(disagree.sum()),
        "duplicates_different_rows": int(len(ok) - len(clean)),
        "duplicates_identical": int(identical_dropped),
        "duplicates_rounded_dropped": rounded,
        "duplicates_near_dropped": near,
        "duplicates_conflicting_rows": conflicting,
    }


def rounding_duplicates(ok, cols):
    """Of the rows sharing a timestamp: how many are a rounded copy of a more precise row of
    the group (the prices of a row are rounded to the most decimals any of them shows, every
    other column on its own; a missing value is less precise than any; an exact half is not a
    rounding), how many are a near copy of the group's most precise row (every pair of rows
    within the near-duplicate tolerances, not only by rounding: quarantined as near-duplicate),
    and how many rows are in groups that disagree beyond that (all refused).
    Exact decimal arithmetic on the file's text (Python's decimal module)."""
    from decimal import Decimal

    def dec(s):
        s = str(s).strip()
        return None if s in ("", "NULL", "nan") else Decimal(s)

    def places(x):
        return max(0, -x.normalize().as_tuple().exponent)

    prices = cols[:4]

    def row_places(row, c):
        if c in prices:
            vals = [dec(row[k]) for k in prices if dec(row[k]) is not None]
            return max(places(v) for v in vals)
        return places(dec(row[c]))

    def compare(a, b):
        winner = "same"
        for c in cols:
            x, y = dec(a[c]), dec(b[c])
            if x is None and y is None or (x is not None and y is not None and x == y):
                continue
            if y is None:
                r = "a"
            elif x is None:
                r = "b"
            else:
                da, db = row_places(a, c), row_places(b, c)
                if da == db:
                    return "different"
                precise, rounded, d = (x, y, db) if da > db else (y, x, da)
                if not abs(precise - rounded) < Decimal(5) * Decimal(10) ** (-d - 1):
                    return "different"
                r = "a" if da > db else "b"
            if winner == "same":
                winner = r
            elif winner != r:
                return "different"
        return winner

    def near_same(a, b):
        # lib/ingest/gates/near_duplicate.ts NEAR_DUPLICATE_DEFAULTS: prices within 0.05%
        # relative or one tick of the coarser row's prices (when it shows fewer decimals than
        # the other row, at least one), other columns within 0.5% relative
        da, db = row_places(a, prices[0]), row_places(b, prices[0])
        tick = Decimal(10) ** -min(da, db) if da != db and min(da, db) >= 1 else Decimal(0)
        for c in cols:
            x, y = dec(a[c]), dec(b[c])
            if x is None or y is None or x == y:
                continue
            scale = max(abs(x), abs(y))
            limit = max(Decimal("0.0005") * scale, tick) if c in prices else Decimal("0.005") * scale
            if abs(x - y) > limit:
                return False
        return True

    def precision(row):
        return sum(places(dec(row[c])) for c in cols if dec(row[c]) is not None)

    rounded = near = conflicting = 0
    for _, g in ok.groupby("ts", sort=False):
        if len(g) < 2:
            continue
        rows = g.to_dict("records")
        best, drops, bad = rows[0], 0, False
        for r in rows[1:]:
            rel = compare(best, r)
            if rel == "different":
                bad = True
                break
            if rel == "b":
                best = r
            if rel in ("a", "b"):
                drops += 1
        if not bad:
            rounded += drops
        elif all(near_same(a, b) for i, a in enumerate(rows) for b in rows[i + 1:]):
            # one bar written twice: the most precise row is kept
            kept = max(rows, key=precision)
            # (a tie in precision would go to the open nearest the previous close, and a tie in
            # both refuses the group: the two files have no tie)
            assert sum(precision(r) == precision(kept) for r in rows) == 1
            for r in rows:
                if r is not kept:
                    rel = compare(kept, r)
                    if rel == "a":
                        rounded += 1
                    elif rel == "different":
                        near += 1
        else:
            conflicting += len(rows)
    return rounded, near, conflicting


def gaps(path, step_ms):
    """Runs of missing bars between the first and last kept bar, and the bars they miss
    (pandas Series.diff on the kept open times)."""
    df = pd.read_json(os.path.join(REAL, path))
    ts = df[0].astype("int64").drop_duplicates().sort_values()
    d = ts.diff().dropna()
    d = d[d > step_ms]
    return {"gaps": int(len(d)), "missing": int(((d + step_ms - 1) // step_ms - 1).sum()),
            "first_gap_start": int(ts[ts.diff().shift(-1) > step_ms].iloc[0] + step_ms)
            if len(d) else None}


def main():
    if not os.path.exists(os.path.join(REAL, "PROVENANCE.md")):
        sys.exit(f"real data not found at {REAL}")
    out = {
        "pandas": pd.__version__,
        "bars": {
            "ohlcv/binance_spot_2017-2022_djienne/BTC_USDT-1h.json":
                freqtrade("ohlcv/binance_spot_2017-2022_djienne/BTC_USDT-1h.json"),
            "ohlcv/binanceus_kraken_btc_2023Q1_iaqf/kraken_ohlcvt/XBTUSDC_60.csv":
                kraken_ohlcvt("ohlcv/binanceus_kraken_btc_2023Q1_iaqf/kraken_ohlcvt/XBTUSDC_60.csv"),
            "ohlcv/binanceus_kraken_btc_2023Q1_iaqf/binanceus_1m/BTCUSD_1m_20230301_20230321.csv":
                iso("ohlcv/binanceus_kraken_btc_2023Q1_iaqf/binanceus_1m/BTCUSD_1m_20230301_20230321.csv",
                    "open_time"),
            "ohlcv/ftx_btc-perp_1m_2022-01_nautilus/ftx-btc-perp-20211231-20220201_1m.csv":
                iso("ohlcv/ftx_btc-perp_1m_2022-01_nautilus/ftx-btc-perp-20211231-20220201_1m.csv",
                    "timestamp"),
            "ohlcv/cryptodatadownload_2017-2020_ingiorn/gemini_BTCUSD_1hr.csv":
                gemini("ohlcv/cryptodatadownload_2017-2020_ingiorn/gemini_BTCUSD_1hr.csv"),
        },
        "gaps": {
            "ohlcv/binance_spot_2020-12_2021-07_nfi/1h/BTC_USDT-1h.json":
                gaps("ohlcv/binance_spot_2020-12_2021-07_nfi/1h/BTC_USDT-1h.json", 3_600_000),
            "ohlcv/binance_spot_2020-12_2021-07_nfi/1h/ETH_USDT-1h.json":
                gaps("ohlcv/binance_spot_2020-12_2021-07_nfi/1h/ETH_USDT-1h.json", 3_600_000),
        },
        "cdd": {
            "ohlcv/cryptodatadownload_2017-2020_ingiorn/Binance_BTCUSDT_1h.csv":
                cdd_checks("ohlcv/cryptodatadownload_2017-2020_ingiorn/Binance_BTCUSDT_1h.csv"),
            "ohlcv/cryptodatadownload_2017-2020_ingiorn/Binance_ETHUSDT_1h.csv":
                cdd_checks("ohlcv/cryptodatadownload_2017-2020_ingiorn/Binance_ETHUSDT_1h.csv"),
        },
        "trades": {
            "trades/binance_futures_BTCUSDT_2020-02-22_tardis_nautilus/trades.csv":
                trades_tardis("trades/binance_futures_BTCUSDT_2020-02-22_tardis_nautilus/trades.csv"),
            "trades/binance_spot_rest_historicalTrades_2025-02_saja/BTCUSDT_trades.csv":
                trades_hist("trades/binance_spot_rest_historicalTrades_2025-02_saja/BTCUSDT_trades.csv"),
            "trades/freqtrade_testdata/XRP_ETH-trades.json.gz":
                trades_freqtrade("trades/freqtrade_testdata/XRP_ETH-trades.json.gz"),
        },
    }
    with open(os.path.join(HERE, "ingest_oracle.json"), "w") as f:
        json.dump(out, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
