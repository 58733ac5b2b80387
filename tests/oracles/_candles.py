"""Shared by the oracles that read freqtrade JSON candles: one asset's closes as a Series."""
import json

import pandas as pd


def freqtrade_closes(path):
    """Closes of a freqtrade candle file [[ms, o, h, l, c, v], ...], indexed by open time ms.

    Asserts the times are unique and ascending, as the TypeScript side requires."""
    with open(path) as f:
        rows = json.load(f)
    s = pd.Series([r[4] for r in rows], index=[int(r[0]) for r in rows], dtype="float64")
    assert s.index.is_unique and s.index.is_monotonic_increasing
    return s
