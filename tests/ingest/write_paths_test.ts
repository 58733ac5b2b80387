/**
 * Issue 8 item 1: every path that writes bars, trades, quotes or perp rows (issue 12) into the store applies the one
 * set of row rules (lib/ingest/gates/rules.ts), or is a documented trusted path that only
 * writes rows our own code derived from rows that already passed them.
 *
 * The test reads lib/ and lists every call of a store writer outside lib/store. A new writer
 * call must be added to WRITE_PATHS with the gate it goes through (the test checks the file
 * really calls it) or with why it is trusted. Behaviour is tested per path elsewhere: import in
 * tests/ingest/row_rules_test.ts, backfill (the demo's too) in tests/backfill/row_rules_test.ts,
 * stream in tests/stream/, poll in tests/poll/.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { runBinanceDemo } from "@lib/pipeline/demo_binance.ts";
import { openStore } from "@lib/store/db.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const WRITERS =
  /\b(writeBars|writeTrades|writeSpotSnapshots|writeDexSnapshots|writeFunding|writePerpKlines|writeOpenInterest|writeLiquidations)\(/g;

/** How each writing file is guarded: the gate calls it must contain, or why it is trusted. */
const WRITE_PATHS: Record<string, { gates: readonly string[] } | { trusted: string }> = {
  "lib/ingest/import_path.ts": { gates: ["validateBars(", "validateTrades("] },
  "lib/ingest/backfill.ts": { gates: ["gateBars("] },
  "lib/ingest/stream.ts": { gates: ["gateTrades("] },
  "lib/ingest/poll.ts": { gates: ["gateQuotes(", "dexPairRule("] },
  // issue 12: every perp writer (backfill, import, liquidation stream) calls lib/ingest/perp_write.ts
  "lib/ingest/perp_write.ts": {
    gates: ["gateFunding(", "gatePerpKlines(", "gateOpenInterest(", "gateLiquidations("],
  },
  "lib/ingest/quarantine_release.ts": { gates: ["validateBars(", "validateTrades("] },
  "lib/sim/write.ts": { trusted: "the seeded simulated market: our own generator, not venue data" },
  "lib/materialize/run.ts": { trusted: "bars built from stored rows, which passed the rules" },
  "lib/materialize/live_bars.ts": {
    trusted: "bars built from the trades the stream just gated and wrote",
  },
};

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (p.endsWith(".ts")) out.push(p);
  }
  return out;
}

/** The file's code without comment lines (doc examples write bars too). */
function code(path: string): string {
  return readFileSync(path, "utf8").split("\n")
    .filter((l) => !/^\s*(\*|\/\/|\/\*)/.test(l)).join("\n");
}

Deno.test("every store write of bars, trades or quotes goes through the row rules or is a documented trusted path", () => {
  const found = new Set<string>();
  for (const file of walk(join(ROOT, "lib"))) {
    const rel = relative(ROOT, file).replaceAll("\\", "/");
    if (rel.startsWith("lib/store/")) continue;
    if (code(file).match(WRITERS) !== null) found.add(rel);
  }
  assert.deepEqual([...found].sort(), Object.keys(WRITE_PATHS).sort());
  for (const [file, how] of Object.entries(WRITE_PATHS)) {
    if ("gates" in how) {
      for (const g of how.gates) assert.ok(code(join(ROOT, file)).includes(g), `${file}: ${g}`);
    }
  }
});

Deno.test("the demo's backfill goes through backfill(), which gates every page", () => {
  const demo = code(join(ROOT, "lib/pipeline/demo_binance.ts"));
  assert.match(demo, /import \{[^}]*\bbackfill\b[^}]*\} from "\.\.\/ingest\/backfill\.ts"/);
  assert.match(demo, /await backfill\(/);
  assert.equal(demo.match(WRITERS), null, "no direct store writes in the demo");
});

Deno.test("the demo's backfill quarantines a bad kline and keeps the rest of the page", async () => {
  const H = 3_600_000, now = Date.UTC(2024, 0, 5);
  const info = {
    serverTime: now,
    symbols: ["BTCUSDT", "ETHUSDT"].map((symbol) => ({
      symbol,
      status: "TRADING",
      baseAsset: symbol.slice(0, 3),
      quoteAsset: "USDT",
    })),
  };
  const tick = (symbol: string) => ({
    symbol,
    lastPrice: "1",
    volume: "1",
    quoteVolume: "9",
    closeTime: 0,
  });
  let bad = 0;
  const fetch = (url: string) => {
    const u = new URL(url);
    if (u.pathname.endsWith("exchangeInfo")) return Promise.resolve(Response.json(info));
    if (u.pathname.endsWith("ticker/24hr")) {
      return Promise.resolve(Response.json([tick("BTCUSDT"), tick("ETHUSDT")]));
    }
    const start = Number(u.searchParams.get("startTime"));
    const end = Number(u.searchParams.get("endTime"));
    const btc = u.searchParams.get("symbol") === "BTCUSDT";
    const rows = [];
    for (let t = start; t <= end && rows.length < 1000; t += H) {
      const c = String((btc ? 100 : 10) * (1 + 0.01 * Math.sin(t / H)));
      rows.push([t, c, c, c, c, "1", t + H - 1, "1", 1, "0", "0", "0"]);
    }
    if (btc) {
      // hour 10: high below low
      rows[10]![2] = "1";
      rows[10]![3] = "1000";
      bad = rows[10]![0] as number;
    }
    return Promise.resolve(Response.json(rows));
  };
  const { db, close } = openStore(":memory:");
  try {
    const r = await runBinanceDemo(db, {
      fetch,
      baseUrl: "http://127.0.0.1:1",
      serverTime: now,
      assets: 2,
      days: 3,
      betaWindow: 24,
      git: { commit: "unknown", dirty: null },
    });
    assert.equal(r.inserted, 2 * 72 - 1);
    const q = db.prepare("SELECT reason FROM quarantine").all().map((x) => String(x.reason));
    assert.deepEqual(q, ["high < low: high 1 < low 1000"]);
    const stored = db.prepare(
      "SELECT count(*) AS n FROM bars WHERE symbol = 'BTCUSDT' AND freq = '1h' AND ts = ?",
    ).get(bad);
    assert.equal(stored?.n, 0);
  } finally {
    close();
  }
});
