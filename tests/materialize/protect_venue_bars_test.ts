import assert from "node:assert/strict";
import { allocBars } from "@lib/core/types.ts";
import { readBars, writeBars } from "@lib/store/bars.ts";
import { materializeBars } from "@lib/materialize/mod.ts";
import { tempStore } from "../_shared/tmp_store.ts";

const H = 3_600_000;

function hourly(n: number, start = 0) {
  const b = allocBars({ venue: "v", symbol: "AB", freq: "1h" }, n);
  for (let i = 0; i < n; i++) {
    b.ts[i] = start + i * H;
    b.open[i] = 10 + i;
    b.high[i] = 12 + i;
    b.low[i] = 9 + i;
    b.close[i] = 11 + i;
    b.volume[i] = 1;
  }
  return b;
}

Deno.test("materialize never overwrites a venue's own bars and deletes its own stale bars", () => {
  const s = tempStore();
  try {
    writeBars(s.db, hourly(72), { source: "file:AB-1h.json" });
    // the venue's daily bar for day 0 differs from what the hours add up to
    const venueDaily = allocBars({ venue: "v", symbol: "AB", freq: "1d" }, 1);
    venueDaily.ts[0] = 0;
    venueDaily.open[0] = 10;
    venueDaily.high[0] = 40;
    venueDaily.low[0] = 9;
    venueDaily.close[0] = 34;
    venueDaily.volume[0] = 24;
    writeBars(s.db, venueDaily, { source: "file:AB-1d.json" });

    const r = materializeBars(s.db, { toFreq: "1d", fromFreq: "1h" });
    const day = r.series.find((x) => x.to === "1d")!;
    assert.equal(day.keptVenueBars, 1);
    assert.equal(day.inserted, 2); // days 1 and 2 are new
    const daily = readBars(s.db, { venue: "v", symbol: "AB", freq: "1d" });
    assert.equal(daily.high[0], 40, "the venue's own daily bar is kept");
    assert.equal(daily.high[1], 12 + 47);

    // the hours of day 1 disappear: the daily bar built from them must go too
    s.db.prepare("DELETE FROM bars WHERE freq = '1h' AND ts >= ? AND ts < ?").run(24 * H, 48 * H);
    const again = materializeBars(s.db, { toFreq: "1d", fromFreq: "1h" });
    assert.equal(again.series.find((x) => x.to === "1d")!.deletedStale, 1);
    assert.deepEqual([...readBars(s.db, { venue: "v", symbol: "AB", freq: "1d" }).ts], [
      0,
      48 * H,
    ]);
  } finally {
    s.cleanup();
  }
});
