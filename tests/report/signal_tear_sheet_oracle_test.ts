/**
 * The signal tear sheet's own aggregations (monthly mean IC, demeaned quantile returns with
 * standard errors) against pandas 1.5.3 written from alphalens' definitions
 * (tests/oracles/signal_tear_sheet.py, Debian /usr/bin/python3), on the real 126-pair NFI hourly
 * universe with 24-bar log momentum as the signal. The inputs are written to a temporary file.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fromColumns } from "@lib/panel/from_columns.ts";
import { signalTearSheet } from "@lib/report/tears/signal_tear_sheet.ts";
import type { FigureBlock } from "@lib/report/model.ts";
import { realDataTest } from "../_shared/real_data.ts";
import { loadNfiSignals } from "../research/_nfi_signals.ts";

const nul = (c: ArrayLike<number>) => Array.from(c, (v) => (Number.isFinite(v) ? v : null));

realDataTest(
  "signal tear sheet: monthly IC and demeaned quantile returns = pandas (alphalens definitions)",
  async () => {
    const s = loadNfiSignals();
    const index = Float64Array.from({ length: s.length }, (_, t) => s.firstTs + t * 3_600_000);
    const panel = fromColumns({
      venue: "binance",
      freq: "1h",
      assets: s.assets,
      index,
      close: s.close,
    });
    const sheet = signalTearSheet(panel, s.mom24, { horizons: [1], decayHorizons: [1, 4] });
    const fig = (id: string) =>
      sheet.sections.flatMap((x) => x.blocks).find((b) =>
        b.type === "figure" && b.id === id
      ) as FigureBlock;

    const dir = await Deno.makeTempDir();
    try {
      const input = join(dir, "in.json"), output = join(dir, "out.json");
      await Deno.writeTextFile(
        input,
        JSON.stringify({
          index: [...index],
          close: s.close.map(nul),
          signal: s.mom24.map(nul),
          quantiles: 5,
        }),
      );
      const py = await new Deno.Command("/usr/bin/python3", {
        args: [new URL("../oracles/signal_tear_sheet.py", import.meta.url).pathname, input, output],
        stderr: "piped",
      }).output();
      assert.equal(py.code, 0, new TextDecoder().decode(py.stderr));
      const o = JSON.parse(await Deno.readTextFile(output));

      // monthly mean IC: figure rows [year, Jan..Dec, year mean]
      const rows = fig("signal-sheet-ic-monthly").data.rows;
      let checked = 0;
      for (const [y, m, v] of o.ic_monthly as [number, number, number | null][]) {
        const row = rows.find((r) => r[0] === y)!;
        const got = row[m] as number;
        if (v === null) assert.ok(!Number.isFinite(got));
        else {
          assert.ok(Math.abs(got - v) < 1e-12, `${y}-${m}: ${got} vs pandas ${v}`);
          checked++;
        }
      }
      assert.ok(checked >= 7, `${checked} months`);

      // demeaned quantile returns: figure rows [quantile, mean, stdError, n]
      assert.equal(o.tied, sheet.quantileReturns.nTiedEdges, "bars with tied bucket edges");
      // 24-bar momentum of 126 pairs never ties at a bucket edge, so pd.qcut never raises here
      assert.equal(o.tied, 0);
      {
        const q = fig("signal-sheet-quantile-returns").data.rows;
        (o.demeaned as { mean: number; stdError: number; n: number }[]).forEach((e, k) => {
          assert.equal(q[k]![3], e.n, `Q${k + 1} bars`);
          assert.ok(
            Math.abs((q[k]![1] as number) - e.mean) < 1e-12,
            `Q${k + 1} mean ${q[k]![1]} vs ${e.mean}`,
          );
          assert.ok(Math.abs((q[k]![2] as number) - e.stdError) < 1e-12, `Q${k + 1} se`);
        });
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);
