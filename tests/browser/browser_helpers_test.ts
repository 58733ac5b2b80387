/**
 * The browser tests' own helpers: which requests count as local, and the skip reason when
 * Chromium is missing (so a machine without it skips with a reason instead of failing).
 */
import assert from "node:assert/strict";
import { findChromium, isLocalUrl } from "./_browser.ts";

Deno.test("isLocalUrl: file, data and 127.0.0.1 only", () => {
  for (const u of ["file:///tmp/r.html", "data:,", "about:blank", "http://127.0.0.1:8787/api/x"]) {
    assert.ok(isLocalUrl(u), u);
  }
  for (
    const u of [
      "https://cdn.example.com/plot.js",
      "http://localhost:8787/",
      "http://127.0.0.1.example.com/",
      "https://fonts.googleapis.com/css",
      "not a url",
    ]
  ) {
    assert.ok(!isLocalUrl(u), u);
  }
});

Deno.test("findChromium: a missing CRYPTOLAB_CHROMIUM gives a reason that says what to do", () => {
  const before = Deno.env.get("CRYPTOLAB_CHROMIUM");
  Deno.env.set("CRYPTOLAB_CHROMIUM", "/nonexistent/chromium");
  try {
    const r = findChromium();
    assert.equal(r.path, null);
    assert.ok(r.path === null && /\/nonexistent\/chromium/.test(r.reason), JSON.stringify(r));
    assert.match((r as { reason: string }).reason, /install Debian's chromium/);
  } finally {
    if (before === undefined) Deno.env.delete("CRYPTOLAB_CHROMIUM");
    else Deno.env.set("CRYPTOLAB_CHROMIUM", before);
  }
});
