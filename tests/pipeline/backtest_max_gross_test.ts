/**
 * `--max-gross X` (and `maxGross` in `--config`) of `deno task backtest` / `walkforward`, run
 * as users run them (deno.json's permissions through tasks/_launch.ts): a bad value exits 2
 * naming the flag or key before the store is read; a 15x book is refused under the default
 * bound of 10x and runs under `--max-gross 20`, whose value the manifest records (before,
 * the bound could only be set from the library). Oracle for the exposure: the crossover's
 * weight parameter is the whole book, so its gross exposure is exactly `weight` whenever it is
 * in the market (a sine-shaped price crosses its averages many times).
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { openStore } from "@lib/store/db.ts";
import { writeBars } from "@lib/store/bars.ts";
import { allocBars } from "@lib/core/types.ts";
import { runDeno } from "../_shared/run_task.ts";

const H = 3_600_000;

/** A store with one hourly BTCUSDT series of `n` bars whose price swings like a sine. */
function tinyStore(path: string, n: number): void {
  const store = openStore(path);
  try {
    const b = allocBars({ venue: "binance", symbol: "BTCUSDT", freq: "1h" }, n);
    for (let i = 0; i < n; i++) {
      b.ts[i] = Date.UTC(2021, 0, 1) + i * H;
      b.open[i] =
        b.high[i] =
        b.low[i] =
        b.close[i] =
          100 * Math.exp(0.05 * Math.sin(i / 30));
      b.volume[i] = 10;
    }
    writeBars(store.db, b, { source: "test" });
  } finally {
    store.close();
  }
}

Deno.test("--max-gross: bad values exit 2 naming the flag before the store is read", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "cryptolab-max-gross-flags-" });
  try {
    const common = ["--db", join(tmp, "absent", "none.db"), "--out", join(tmp, "out")];
    const ma = ["--strategy", "ma-crossover", "--assets", "BTCUSDT"];
    const cfg = join(tmp, "c.json");
    await Deno.writeTextFile(cfg, JSON.stringify({ strategy: "ma-crossover", maxGross: 0 }));
    const cfgText = join(tmp, "t.json");
    await Deno.writeTextFile(cfgText, JSON.stringify({ strategy: "ma-crossover", maxGross: "x" }));
    const cases: [string, string[], RegExp][] = [
      ["backtest", [...ma, "--max-gross", "0"], /--max-gross must be a number > 0 .*got "0"/],
      ["backtest", [...ma, "--max-gross", "abc"], /--max-gross must be a number > 0 .*"abc"/],
      ["backtest", [...ma, "--max-gross", "Infinity"], /--max-gross must be a number > 0/],
      ["backtest", [...ma, "--max-gross="], /--max-gross must be a number > 0 .*got ""/],
      [
        "backtest",
        ["--config", cfg, "--assets", "BTCUSDT"],
        /--config: "maxGross" \(--max-gross\) must be a number > 0 .*got 0/,
      ],
      ["backtest", ["--config", cfgText, "--assets", "BTCUSDT"], /"maxGross" .* got "x"/],
      [
        "walkforward",
        [...ma, "--grid", "slow=50,100", "--max-gross", "-1"],
        /--max-gross -1: a value starting with a dash must be attached|--max-gross must be/,
      ],
      [
        "walkforward",
        [...ma, "--grid", "slow=50,100", "--max-gross=-1"],
        /--max-gross must be a number > 0 .*got "-1"/,
      ],
    ];
    for (const [task, args, want] of cases) {
      const run = await runDeno(["task", task, ...args, ...common]);
      const line = run.stderr.split("\n").find((l) => l.startsWith("error:")) ?? run.stderr;
      assert.equal(run.code, 2, `${task} ${args.join(" ")}: ${run.stderr}`);
      assert.match(line, want, `${task} ${args.join(" ")}`);
      assert.doesNotMatch(run.stderr, /Store .* does not exist/);
    }
    const help = await runDeno(["task", "backtest", "--help"]);
    assert.match(
      help.stdout + help.stderr,
      /--max-gross X +largest gross exposure.*\n.*\n.*\(default 10\)/,
    );
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});

Deno.test("--max-gross: a 15x book is refused at the default 10x and runs under 20x", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "cryptolab-max-gross-" });
  try {
    const db = join(tmp, "s.db");
    tinyStore(db, 24 * 20);
    const args = [
      "task",
      "backtest",
      "--strategy",
      "ma-crossover",
      "--assets",
      "BTCUSDT",
      "--param",
      "fast=5",
      "--param",
      "slow=20",
      "--param",
      "weight=15",
      "--fees",
      "none",
      "--db",
      db,
      "--out",
      join(tmp, "out"),
      "--no-ledger",
      "--null-runs",
      "0",
    ];
    const refused = await runDeno(args);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(
      refused.stderr,
      /gross exposure of 15\.0x .* above the maximum of 10x .*raise the bound with --max-gross/,
    );
    const ran = await runDeno([...args, "--max-gross", "20"]);
    assert.equal(ran.code, 0, ran.stderr);
    const manifestPath = ran.stdout.trim().split("\n")[2]!;
    const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
    assert.equal(manifest.params.maxGross, 20);
    // the same bound from --config; a 12x bound is still below the book
    const cfg = join(tmp, "c.json");
    await Deno.writeTextFile(cfg, JSON.stringify({ maxGross: 12 }));
    const low = await runDeno([...args, "--config", cfg]);
    assert.equal(low.code, 2, low.stderr);
    assert.match(low.stderr, /above the maximum of 12x/);
    // the flag overrides the file
    const over = await runDeno([...args, "--config", cfg, "--max-gross", "15"]);
    assert.equal(over.code, 0, over.stderr);
    const m2 = JSON.parse(readFileSync(over.stdout.trim().split("\n")[2]!, "utf8"));
    assert.equal(m2.params.maxGross, 15);
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
