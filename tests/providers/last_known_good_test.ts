import assert from "node:assert/strict";
import { createLastKnownGood } from "@lib/providers/last_known_good.ts";
import { fakeClock } from "./_fake_clock.ts";

Deno.test("a value is fresh up to freshMs, stale up to maxAgeMs, and gone after it", () => {
  const clock = fakeClock(0);
  const lkg = createLastKnownGood<number>({ maxAgeMs: 60_000, freshMs: 5_000, now: clock.now });
  assert.equal(lkg.get("BTCUSDT"), undefined);
  lkg.put("BTCUSDT", 64000, "binance");
  assert.deepEqual(lkg.get("BTCUSDT"), {
    value: 64000,
    stale: false,
    ageMs: 0,
    provider: "binance",
  });
  clock.advance(5_000);
  assert.equal(lkg.get("BTCUSDT")?.stale, false);
  clock.advance(1);
  assert.equal(lkg.get("BTCUSDT")?.stale, true);
  clock.advance(60_000 - 5_001); // exactly maxAgeMs: still served
  assert.deepEqual(lkg.get("BTCUSDT"), {
    value: 64000,
    stale: true,
    ageMs: 60_000,
    provider: "binance",
  });
  clock.advance(1);
  assert.equal(lkg.get("BTCUSDT"), undefined);
  assert.equal(lkg.size, 0, "an expired value is dropped");
});

Deno.test("a newer put replaces the value and restarts its age; a tighter read limit applies", () => {
  const clock = fakeClock(0);
  const lkg = createLastKnownGood<string>({ maxAgeMs: 1000, now: clock.now });
  lkg.put("k", "a");
  clock.advance(900);
  lkg.put("k", "b", "kraken");
  clock.advance(500);
  assert.deepEqual(lkg.get("k"), { value: "b", stale: true, ageMs: 500, provider: "kraken" });
  assert.equal(lkg.get("k", 400), undefined);
  assert.equal(lkg.size, 1, "a read under a tighter limit does not drop a value still in age");
  assert.equal(lkg.get("k", 5000)?.value, "b", "a looser limit cannot exceed maxAgeMs");
  clock.advance(501);
  assert.equal(lkg.get("k", 5000), undefined);
});

Deno.test("beyond maxEntries the key written longest ago is evicted", () => {
  const clock = fakeClock(0);
  const lkg = createLastKnownGood<number>({ maxAgeMs: 1000, maxEntries: 3, now: clock.now });
  lkg.put("a", 1);
  lkg.put("b", 2);
  lkg.put("c", 3);
  lkg.put("a", 10); // rewriting a makes b the oldest
  lkg.put("d", 4);
  assert.equal(lkg.size, 3);
  assert.equal(lkg.get("b"), undefined);
  assert.equal(lkg.get("a")?.value, 10);
  assert.equal(lkg.get("d")?.value, 4);
});

Deno.test("bad options are refused with a message", () => {
  assert.throws(
    () => createLastKnownGood({ maxAgeMs: 0, now: () => 0 }),
    /maxAgeMs must be > 0, got 0/,
  );
  assert.throws(
    () => createLastKnownGood({ maxAgeMs: 10, freshMs: 20, now: () => 0 }),
    /freshMs must be in \[0, maxAgeMs\], got 20/,
  );
});
