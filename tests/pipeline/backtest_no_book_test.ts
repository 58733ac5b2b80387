/**
 * A `long-short` run whose universe is large enough (3 assets, minAssets 2) but where no bar
 * has two signal values (momentum_168 on 48 hourly bars: its warm-up is longer than the data)
 * traded nothing; `deno task backtest` says so on stderr and first in the headline, with the
 * likely reason, and the report says how many bars had enough names (before, the run wrote
 * all-zero returns with no note). Oracle for the count: momentum_4 is close[t] / close[t-4] - 1,
 * defined from bar 4 on, so 48 - 4 = 44 bars hold a book.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { openStore } from "@lib/store/db.ts";
import { writeBars } from "@lib/store/bars.ts";
import { allocBars } from "@lib/core/types.ts";
import type { ReportModel } from "@lib/report/model.ts";
import { runDeno } from "../_shared/run_task.ts";

const H = 3_600_000, BARS = 48;

function tinyStore(path: string): void {
  const store = openStore(path);
  try {
    for (const [k, symbol] of ["BTCUSDT", "ETHUSDT", "ADAUSDT"].entries()) {
      const b = allocBars({ venue: "binance", symbol, freq: "1h" }, BARS);
      for (let i = 0; i < BARS; i++) {
        b.ts[i] = Date.UTC(2021, 0, 1) + i * H;
        b.open[i] =
          b.high[i] =
          b.low[i] =
          b.close[i] =
            100 *
            Math.exp(0.05 * Math.sin(i / (5 + k)));
        b.volume[i] = 10;
      }
      writeBars(store.db, b, { source: "test" });
    }
  } finally {
    store.close();
  }
}

function model(stdout: string): ReportModel {
  return JSON.parse(readFileSync(stdout.trim().split("\n")[1]!, "utf8"));
}

function setupText(m: ReportModel): string[] {
  return m.sections.find((s) => s.id === "setup")!.blocks.flatMap((b) =>
    b.type === "paragraph" ? [b.text] : []
  );
}

Deno.test("deno task backtest: a long-short run that never had enough names says so", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "cryptolab-no-book-" });
  try {
    const db = join(tmp, "s.db");
    tinyStore(db);
    const args = (signal: string) => [
      "task",
      "backtest",
      "--strategy",
      "long-short",
      "--signal",
      signal,
      "--db",
      db,
      "--out",
      join(tmp, "out"),
      "--no-ledger",
      "--null-runs",
      "0",
    ];
    const none = await runDeno(args("momentum_168"));
    assert.equal(none.code, 0, none.stderr);
    assert.match(
      none.stderr,
      /warning: No bar had at least 2 assets with a signal value \(minAssets 2; the universe holds 3\): the run traded nothing .*warm-up .* longer than the data \(48 bars\), or too many of its values are missing/,
    );
    const m = model(none.stdout);
    const head = m.sections.find((s) => s.id === "strategy-summary")!.blocks[0]!;
    assert.ok(head.type === "note" && head.level === "warning");
    assert.match(head.text, /^No bar had at least 2 assets with a signal value/);
    assert.ok(setupText(m).some((t) => t.startsWith("0 of 48 bars had at least 2 assets")));

    const some = await runDeno(args("momentum_4"));
    assert.equal(some.code, 0, some.stderr);
    assert.doesNotMatch(some.stderr, /No bar had/);
    const m4 = model(some.stdout);
    const head4 = m4.sections.find((s) => s.id === "strategy-summary")!.blocks[0]!;
    assert.equal(head4.type, "paragraph");
    assert.ok(setupText(m4).some((t) => t.startsWith("44 of 48 bars had at least 2 assets")));
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
