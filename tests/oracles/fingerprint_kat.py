"""Known-answer test for the canonical row encoding (lib/core/canonical.ts, version 1).

Independently re-implements the documented byte layout with hashlib + struct and hashes a tiny
fixed dataset (defined below, mirrored in tests/fingerprint/fingerprint_test.ts):

    stream = header row*
    header = text("cryptolab-canonical/1") u32(ncols) (text(name) u8(type))*
             type: 1 TEXT, 2 INTEGER, 3 REAL, 4 DYNAMIC
    field  = 0x00 (NULL) | 0x01 payload
             TEXT u32 BE length + UTF-8; INTEGER i64 BE; REAL f64 BE, -0 -> +0, NaN -> 0x7FF8000000000000
             DYNAMIC u8 tag (1 TEXT, 2 INTEGER, 3 REAL = SQLite typeof) + that type's payload
    rows in key order; text keys compared as UTF-8 bytes; in a DYNAMIC key (trade_id) every
    INTEGER sorts before every TEXT (SQLite's ORDER BY)

Writes tests/oracles/fingerprint_kat.json (the expected hashes).
Run: /usr/bin/python3 tests/oracles/fingerprint_kat.py
"""
import hashlib
import json
import math
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))

BAR_COLS = [("venue", 1), ("symbol", 1), ("freq", 1), ("ts", 2), ("open", 3), ("high", 3),
            ("low", 3), ("close", 3), ("volume", 3), ("quote_volume", 3), ("trade_count", 2),
            ("vwap", 3), ("complete", 2)]
TRADE_COLS = [("venue", 1), ("symbol", 1), ("trade_id", 4), ("ts", 3), ("price", 3), ("qty", 3),
              ("side", 2)]

# The dataset (None = SQL NULL). Deliberately out of key order.
BARS = [
    ("sim", "\u00c4\u00d6\u20ac", "1d", 0, 1.0, 2.5, 0.5, 2.0, -0.0, 0.0, 0, None, 0),
    ("kraken", "XBTUSDC", "1h", 1672531200000, 16535.97, 16536.9, 16505.54, 16524.56, 0.29319453,
     None, 31, None, 1),
    ("sim", "AAA", "1m", -60000, 3.0, 3.0, 3.0, 3.0, 1e-08, 3e-08, 1, 3.0, 1),
    ("sim", "AAA", "15m", 900000, 0.1, 0.30000000000000004, 0.1, 0.2, 12345678.12345678, None,
     None, None, 0),
]
TRADES = [
    ("binance_futures", "BTCUSDT", 42377945, 1582329602116.5, 9682.0, 0.412, -1),
    ("binance_futures", "BTCUSDT", 42377944, 1582329602111.0, 9682.0, 0.132, 1),
    # BitMEX UUID ids (TEXT), a synthesized Kraken id (TEXT), and one series holding both kinds
    ("bitmex", "XBTUSD", "ccc3c1fa-212c-e8b0-1706-9b0aa53b0c38", 1569888001337.0, 8289.5, 1.0, -1),
    ("bitmex", "XBTUSD", "0d9b4fe5-4b7e-a9b5-1a08-8b1b9a4b2d38", 1569888001337.0, 8289.0, 30.0,
     -1),
    ("kraken", "BCHEUR", "1672531436:0", 1672531436000.0, 90.54, 1.1, 0),
    ("sim", "MIX", "10-b", 1000.0, 1.0, 1.0, 1),
    ("sim", "MIX", 9, 2000.0, 1.0, 1.0, -1),
    ("sim", "MIX", "9a", 3000.0, 1.0, 1.0, 0),
]


def text(s):
    b = s.encode("utf-8")
    return struct.pack(">I", len(b)) + b


def header(cols):
    out = text("cryptolab-canonical/1") + struct.pack(">I", len(cols))
    for name, t in cols:
        out += text(name) + struct.pack(">B", t)
    return out


def field(v, t):
    if v is None:
        return b"\x00"
    if t == 1:
        return b"\x01" + text(v)
    if t == 4:
        if isinstance(v, str):
            return b"\x01\x01" + text(v)
        if isinstance(v, int):
            return b"\x01\x02" + struct.pack(">q", v)
        return b"\x01\x03" + field(v, 3)[1:]
    if t == 2:
        return b"\x01" + struct.pack(">q", v)
    if math.isnan(v):
        return b"\x01" + bytes.fromhex("7ff8000000000000")
    if v == 0:
        v = 0.0
    return b"\x01" + struct.pack(">d", v)


def stream(cols, rows, nkeys):
    # (class, value) pairs: SQLite orders INTEGER/REAL (class 0) before TEXT (class 1)
    rows = sorted(rows, key=lambda r: tuple(
        (1, x.encode("utf-8")) if isinstance(x, str) else (0, x) for x in r[:nkeys]))
    out = header(cols)
    for r in rows:
        for v, (_, t) in zip(r, cols):
            out += field(v, t)
    return out


bars = stream(BAR_COLS, BARS, 4)
trades = stream(TRADE_COLS, TRADES, 3)
res = {
    "oracle": "Python hashlib.sha256 + struct over the documented canonical layout v1",
    "bars_sha256": hashlib.sha256(bars).hexdigest(),
    "bars_rows": len(BARS),
    "trades_sha256": hashlib.sha256(trades).hexdigest(),
    "trades_rows": len(TRADES),
    "store_sha256": hashlib.sha256(bars + trades).hexdigest(),
    "empty_bars_sha256": hashlib.sha256(header(BAR_COLS)).hexdigest(),
}
with open(os.path.join(HERE, "fingerprint_kat.json"), "w") as f:
    json.dump(res, f, indent=1)
print(json.dumps(res, indent=1))
