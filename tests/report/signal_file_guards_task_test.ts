/**
 * `deno task report --signal-file` and `deno task backtest --strategy long-short --signal-file`
 * as users run them (deno task: deno.json's and tasks/_launch.ts's permissions), on real
 * Binance hourly bars of 8 NFI pairs, with the files a researcher gets wrong:
 *   - asset names or times that match nothing: exit 2 naming what did not match, and no trial
 *     recorded in the ledger;
 *   - inf / Infinity / 1e999 cells: exit 2 naming the row and column;
 *   - a constant signal: no book at any bar, no trade (it used to lose 63% by trading in
 *     column order), said on stderr and first in the report;
 *   - the next bar's return as the signal: "looks like it uses future data" on stderr and first
 *     in the report (the tear sheet's and the backtest's);
 * and an optimized beta-neutral book whose optimizer falls back says on how many bars and why,
 * on stderr and in the headline.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { openStore } from "@lib/store/db.ts";
import { readTrials } from "@lib/store/trials.ts";
import type { ReportModel } from "@lib/report/model.ts";
import { realDataTest } from "../_shared/real_data.ts";
import { nfiStore } from "../_shared/nfi_store.ts";
import { runDeno } from "../_shared/run_task.ts";

const BASES = ["BTC", "ETH", "ADA", "DOT", "LINK", "LTC", "EOS", "ETC"];
const FROM = "2021-01-01", TO = "2021-01-15";

const model = (stdout: string): ReportModel =>
  JSON.parse(readFileSync(stdout.trim().split("\n")[1]!, "utf8"));
const texts = (m: ReportModel, id: string) =>
  m.sections.find((s) => s.id === id)!.blocks.flatMap((b) =>
    b.type === "note" || b.type === "paragraph" ? [b.text] : []
  );

realDataTest(
  "signal files a researcher gets wrong, through deno task report and backtest",
  async () => {
    const tmp = await Deno.makeTempDir({ prefix: "cryptolab-signal-guards-" });
    try {
      const { db, dataset: { panel } } = await nfiStore(tmp, BASES, { from: FROM, to: TO });
      await Deno.mkdir(join(tmp, "signals"));
      const write = async (
        name: string,
        cell: (a: number, t: number) => string,
        asset = (s: string) => s,
        shift = 0,
      ) => {
        const lines = ["ts,asset,value"];
        panel.assets.forEach((a, k) => {
          for (let t = 0; t < panel.index.length; t++) {
            lines.push(
              `${new Date(panel.index[t]! + shift).toISOString()},${asset(a)},${cell(k, t)}`,
            );
          }
        });
        const path = join(tmp, "signals", name);
        await Deno.writeTextFile(path, lines.join("\n") + "\n");
        return path;
      };
      const report = (path: string) =>
        runDeno([
          "task",
          "report",
          "--db",
          db,
          "--out",
          join(tmp, "out"),
          "--from",
          FROM,
          "--to",
          TO,
          "--signal-file",
          path,
          "--null-runs",
          "0",
        ]);
      const backtest = (path: string, ...more: string[]) =>
        runDeno([
          "task",
          "backtest",
          "--db",
          db,
          "--out",
          join(tmp, "out"),
          "--from",
          FROM,
          "--to",
          TO,
          "--strategy",
          "long-short",
          "--signal-file",
          path,
          ...more,
        ]);

      // nothing lands: wrong names, then times half an hour off the grid
      const names = await write("names.csv", () => "1", (a) => a.replace("USDT", ""));
      const off = await write("off.csv", (k) => String(k), (a) => a, 1_800_000);
      for (
        const [path, why] of [
          [
            names,
            /--signal-file: Cannot use names\.csv: no row of its 2688 fell on a bar of the panel: 8 asset names are not in the panel: ADA \(336 rows\), BTC \(336 rows\)/,
          ],
          [
            off,
            /--signal-file: Cannot use off\.csv: no row of its 2688 fell on a bar of the panel: 2688 rows' times are not a bar open time of the panel, e\.g\. 2021-01-01T00:30Z/,
          ],
        ] as const
      ) {
        for (const run of [report, backtest]) {
          const out = await run(path);
          assert.equal(out.code, 2, out.stderr);
          assert.match(out.stderr, why);
        }
      }
      // infinite cells are named by row and column
      const inf = await write(
        "inf.csv",
        (
          k,
          t,
        ) => (k === 2 && t === 3
          ? "inf"
          : k === 5 && t === 7
          ? "1e999"
          : k === 6 && t === 0
          ? "-Infinity"
          : String(k)),
      );
      for (const run of [report, backtest]) {
        const out = await run(inf);
        assert.equal(out.code, 2, out.stderr);
        assert.match(
          out.stderr,
          /--signal-file: Cannot read inf\.csv: 3 values in column value are not finite numbers: row 676 \(DOTUSDT\): "inf" is infinite; row 1688 \(ETHUSDT\): "1e999" is infinite; row 2017 \(LINKUSDT\): "-Infinity" is infinite/,
        );
      }
      // none of the refused runs recorded a trial
      const ledger = openStore(db, { mustExist: true });
      try {
        // (the ledger has not even created their families)
        for (const family of ["signal-file:binance-1h", "backtest:long-short"]) {
          assert.throws(
            () => readTrials(ledger.db, family),
            /The ledger has no family .* \(it is empty\)/,
          );
        }
      } finally {
        ledger.close();
      }

      // a constant signal: no book, no trade, said on stderr and first
      const constant = await write("const.csv", () => "1");
      const r = await report(constant);
      assert.equal(r.code, 0, r.stderr);
      assert.match(
        r.stderr,
        /warning: At every one of the 336 bars with at least 5 values, all values were equal/,
      );
      const rm = model(r.stdout);
      const first = rm.sections.find((s) => s.id === "signal-sheet-input")!.blocks[0]!;
      assert.ok(first.type === "note" && /all values were equal/.test(first.text));
      const metrics = rm.sections.flatMap((s) => s.blocks).find((b) =>
        b.type === "table" && b.id === "signal-sheet-long-short-metrics-returns"
      );
      assert.ok(
        metrics !== undefined && metrics.type === "table",
        rm.sections.flatMap((s) => s.blocks.map((b) => "id" in b ? b.id : "")).join(","),
      );
      assert.deepEqual(metrics.rows[0]!.slice(0, 2), ["Total return", 0]);
      const b = await backtest(constant);
      assert.equal(b.code, 0, b.stderr);
      assert.match(
        b.stderr,
        /warning: At every one of the 336 bars with signal values the values were all equal/,
      );
      assert.match(b.stderr, /; 0 closed trades;/);
      const bm = model(b.stdout);
      assert.ok(
        texts(bm, "setup").some((t) =>
          /at 336 of them every value was equal \(no usable spread/.test(t)
        ),
      );
      const rules = bm.sections.find((s) => s.id === "setup")!.blocks.find((x) =>
        x.type === "table" && x.id === "long-short-rules"
      );
      assert.ok(
        rules !== undefined && rules.type === "table" &&
          rules.rows.some((x) => /share the slots/.test(String(x[1]))),
      );

      // the next bar's log return dated at this bar
      const next = await write("next.csv", (k, t) => {
        const c = panel.close[k]!;
        const v = Math.log(c[t + 1]! / c[t]!);
        return Number.isFinite(v) ? String(v) : "";
      });
      const n = await report(next);
      assert.equal(n.code, 0, n.stderr);
      assert.match(
        n.stderr,
        /warning: This signal looks like it uses future data: its IC is impossible for a causal signal at h=1: mean IC 1\.000/,
      );
      const nm = model(n.stdout);
      assert.match(texts(nm, "signal-sheet-input")[0]!, /looks like it uses future data/);
      // and a file's lookahead note says what a command-line user can do
      assert.ok(
        texts(nm, "signal-sheet-long-short-checks").some((t) =>
          /cannot be truncation-checked .*signalTearSheet\(panel, fn\)/.test(t)
        ),
      );
      const nb = await backtest(next);
      // the backtest of file values warns about the impossible IC too, on stderr and first
      assert.equal(nb.code, 0, nb.stderr);
      assert.match(
        nb.stderr,
        /warning: This signal looks like it uses future data: .*h=1: mean IC 1\.000/,
      );
      const nbHead = model(nb.stdout).sections.find((x) => x.id === "strategy-summary")!.blocks[0]!;
      assert.ok(nbHead.type === "note" && /looks like it uses future data/.test(nbHead.text));
      assert.ok(
        texts(model(nb.stdout), "setup").some((t) =>
          /^Lookahead: not checked\. Values read from a signal file cannot be recomputed .*checkLookahead\(fn, panel\)/
            .test(t)
        ),
      );

      // the next bar's return on 3 of the 8 assets: no IC can be computed (5 assets a bar), so
      // the check cannot judge it and says so, on stderr and in the headline, instead of silence
      const few = await write(
        "few.csv",
        (k, t) => (k < 3 ? String(panel.logReturns[k]![t + 1] ?? "") : ""),
      );
      const fb = await backtest(few);
      assert.equal(fb.code, 0, fb.stderr);
      assert.doesNotMatch(fb.stderr, /looks like it uses future data/);
      assert.match(fb.stderr, /warning: The impossible-IC check .* could not run: .*5 assets/);
      const fbHead = model(fb.stdout).sections.find((x) => x.id === "strategy-summary")!.blocks[0]!;
      assert.ok(fbHead.type === "note" && /could not run/.test(fbHead.text), fbHead.type);

      // an optimized beta-neutral book: the fallback bars, counted and explained, in the headline
      const o = await runDeno([
        "task",
        "backtest",
        "--db",
        db,
        "--out",
        join(tmp, "out"),
        "--from",
        "2021-01-01",
        "--to",
        "2021-01-05",
        "--strategy",
        "long-short",
        "--signal",
        "momentum_24",
        "--param",
        "quantile=0.5",
        "--weighting",
        "optimize",
        "--optimize-window",
        "96",
        "--beta-neutral",
        "BTC,ETH",
        "--max-weight",
        "0.2",
        "--no-ledger",
      ]);
      assert.equal(o.code, 0, o.stderr);
      const said =
        /(\d+) of (\d+) bars with a book kept equal weights instead of the optimized \(minimum-variance, beta-neutral\) book, so those bars are NOT beta-neutral: (\d+) had too little complete history in the 96-bar window \(the first (\d+) bars with a book are warm-up/;
      const w = said.exec(o.stderr);
      assert.ok(w !== null, o.stderr);
      // momentum_24 has a book from bar 24; the window needs 48 complete rows (bars 1..t): bars 24..47 fall back
      assert.equal(Number(w[4]), 24);
      const head = model(o.stdout).sections.find((s) => s.id === "strategy-summary")!.blocks[0]!;
      assert.ok(head.type === "note" && said.test(head.text), JSON.stringify(head));
    } finally {
      await Deno.remove(tmp, { recursive: true });
    }
  },
);
