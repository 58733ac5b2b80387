"""How the bench peers time the Python side: the median of repeated wall-clock runs."""
import statistics
import time


def timed(fn, repeat):
    """(median milliseconds over `repeat` calls of fn(), the last call's result)."""
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples), out
