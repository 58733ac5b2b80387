/**
 * The import keeps `bar_gaps` current for every series it writes (in the file's transaction),
 * and `deno task import --dry-run` creates no store file.
 *
 * Oracle for the real-data case: tests/oracles/ingest_oracle.py `gaps()` (pandas 1.5.3
 * Series.diff on the NFI open times: runs with a step > 1h and ceil(step / 1h) - 1 missing bars
 * each) -> tests/oracles/ingest_oracle.json "gaps". Counts and times are integers: exact.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { importPaths } from "@lib/ingest/mod.ts";
import { listGaps } from "@lib/store/gaps.ts";
import { summarizeDataset } from "@lib/store/dataset_summary.ts";
import { realDataTest, realPath } from "../_shared/real_data.ts";
import { tempStore } from "../_shared/tmp_store.ts";

const H = 3_600_000;
/** 2024-01-01T00:00Z: hour i of the test files is T0 + i hours. */
const T0 = Date.UTC(2024, 0, 1);
const candle = (i: number) => `[${T0 + i * H},1,2,0.5,1.5,10]`;

Deno.test("import records the gaps of each series it writes, and refreshes them", async () => {
  const s = tempStore();
  try {
    const dir = `${s.dir}/binance`;
    Deno.mkdirSync(dir, { recursive: true });
    const a = `${dir}/BTC_USDT-1h.json`;
    // hours 0, 1, 4, 5, 9: gaps [2h, 4h) and [6h, 9h)
    Deno.writeTextFileSync(a, `[${[0, 1, 4, 5, 9].map(candle)}]`);
    await importPaths(s.db, [a]);
    const key = { venue: "binance", symbol: "BTCUSDT", freq: "1h" } as const;
    assert.deepEqual(
      listGaps(s.db, key).map((g) => [(g.startTs - T0) / H, (g.endTs - T0) / H, g.missing]),
      [[2, 4, 2], [6, 9, 3]],
    );
    // another file fills the first gap: the recorded gaps follow
    const b = `${s.dir}/more/binance/BTC_USDT-1h.json`;
    Deno.mkdirSync(`${s.dir}/more/binance`, { recursive: true });
    Deno.writeTextFileSync(b, `[${[2, 3].map(candle)}]`);
    await importPaths(s.db, [b]);
    assert.deepEqual(listGaps(s.db, key).map((g) => [(g.startTs - T0) / H, g.missing]), [[6, 3]]);
    // a file that fails to parse leaves bars and gaps as they were
    const bad = `${s.dir}/bad/binance/BTC_USDT-1h.json`;
    Deno.mkdirSync(`${s.dir}/bad/binance`, { recursive: true });
    Deno.writeTextFileSync(bad, `[${candle(7)},\n[${T0 + 8 * H},1,2`);
    const r = await importPaths(s.db, [bad]);
    assert.equal(r.failed, 1);
    assert.deepEqual(listGaps(s.db, key).map((g) => [(g.startTs - T0) / H, g.missing]), [[6, 3]]);
  } finally {
    s.cleanup();
  }
});

const ORACLE = JSON.parse(
  readFileSync(new URL("../oracles/ingest_oracle.json", import.meta.url), "utf8"),
) as { gaps: Record<string, { gaps: number; missing: number; first_gap_start: number }> };

realDataTest("NFI: after the import, bar_gaps holds the gaps pandas finds", async () => {
  const s = tempStore();
  try {
    const files = Object.keys(ORACLE.gaps);
    const r = await importPaths(s.db, files.map((f) => realPath(f)));
    assert.equal(r.failed, 0);
    const summary = summarizeDataset(s.db);
    for (const f of files) {
      const want = ORACLE.gaps[f]!;
      const symbol = f.split("/").pop()!.replace(/-1h\.json$/, "").replace("_", "");
      const key = { venue: "binance", symbol, freq: "1h" } as const;
      const gaps = listGaps(s.db, key);
      assert.equal(gaps.length, want.gaps, f);
      assert.equal(gaps.reduce((a, g) => a + g.missing, 0), want.missing, f);
      assert.equal(gaps[0]!.startTs, want.first_gap_start, f);
      // the summary (computed from the bars) agrees with the recorded gaps
      const x = summary.series.find((q) => q.symbol === symbol)!;
      assert.deepEqual([x.gaps, x.missing], [want.gaps, want.missing], f);
    }
  } finally {
    s.cleanup();
  }
});

Deno.test("import --dry-run creates no store file, even in a missing folder", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "cryptolab-dry-" });
  try {
    const data = `${dir}/binance`;
    Deno.mkdirSync(data);
    Deno.writeTextFileSync(`${data}/BTC_USDT-1h.json`, `[${[0, 1].map(candle)}]`);
    const db = `${dir}/sub/store.db`;
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", "tasks/import.ts", data, "--dry-run", "--db", db],
      cwd: new URL("../../", import.meta.url).pathname,
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, stderr);
    assert.match(new TextDecoder().decode(out.stdout), /BTCUSDT 1h rows=2/);
    assert.match(stderr, /dry run, nothing written/);
    assert.equal(existsSync(`${dir}/sub`), false);
    assert.equal(existsSync(db), false);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
