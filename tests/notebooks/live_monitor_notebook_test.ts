/**
 * Executes notebooks/08_live_monitor.ipynb with the Deno kernel through `deno task notebooks`
 * and checks what it showed: the real `deno task monitor` started against the local exchange,
 * its health and a pair's latest analytics from the JSON API, the z-score chart, a CSV export,
 * the same bars read from its store with `loadPanel`, the Engle-Granger p-value of the last
 * window equal from the API and from a direct library call on the stored bars, and a clean stop.
 *
 * Ignored, with the reason printed, when Jupyter is not installed (CI installs it). Without the
 * real capture the notebook must say that the local exchange cycles a made-up path.
 */
import assert from "node:assert/strict";
import { executedOutputs, joined, jupyterInstalled, runNotebooksTask } from "./_jupyter.ts";
import { HAS_REAL_DATA } from "../_shared/real_data.ts";

const HAS_JUPYTER = jupyterInstalled("live monitor notebook test");
const NOTEBOOK = "08_live_monitor.ipynb";

Deno.test({
  name: "deno task notebooks executes 08 live monitor: API, export and store agree, clean stop",
  ignore: !HAS_JUPYTER,
  fn: async () => {
    const { code, stdout, stderr } = await runNotebooksTask([NOTEBOOK]);
    assert.equal(code, 0, `task failed:\n${stdout}\n${stderr}`);
    assert.match(stdout, /^ok 08_live_monitor\.ipynb/m);
    const outputs = await executedOutputs(NOTEBOOK);
    const text = outputs.map((o) => joined(o.data?.["text/plain"])).join("\n");
    if (HAS_REAL_DATA) {
      assert.match(
        text,
        /local exchange: the real 2024-08-08 capture, \d+ BTCUSDT and \d+ ETHUSDT/,
      );
    } else {
      assert.match(text, /NOTE: the real capture is not here/);
    }
    assert.match(
      text,
      /deno task monitor --pairs BTCUSDT:ETHUSDT --freq 1s --window 20 --z 2 --port 0 --db \S+/,
    );
    assert.match(text, /dashboard and API at http:\/\/127\.0\.0\.1:\d+\//);
    const health = /^health: (\{.*\})$/m.exec(text);
    assert.ok(health, "the health line");
    const h = JSON.parse(health[1]!);
    assert.equal(h.status, "ok");
    assert.equal(h.venueConnection.connected, true);
    assert.ok(h.tradesStored > 0);
    // the latest analytics: a finite z-score and p-value
    const latest = /latest analytics of BTCUSDT:ETHUSDT \(1s bars, window 20\)\n(.*)\n.*\n(.*)/
      .exec(text);
    assert.ok(latest, "the latest analytics table");
    const cols = latest[1]!.trim().split(/\s+/), vals = latest[2]!.trim().split(/\s+/);
    const z = Number(vals[cols.indexOf("zScore")]);
    assert.ok(Number.isFinite(z), `z-score ${vals.join(" ")}`);
    // the chart
    const svgs = outputs.map((o) => joined(o.data?.["image/svg+xml"])).filter((s) => s !== "");
    assert.equal(svgs.length, 1);
    assert.match(svgs[0]!, /aria-label="line"/);
    // the CSV export: a header and 5 one-second bars
    assert.match(text, /^ts,open,high,low,close,volume,trade_count,complete$/m);
    assert.equal(text.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z,[\d.]+,/gm)?.length, 5);
    // the store: bars of both legs
    assert.match(text, /: \d+ 1s bars of BTCUSDT, ETHUSDT from /);
    // the same p-value from the API and from engleGranger on the stored bars
    const p = [
      ...text.matchAll(
        /^(API \/api\/analytics \(latest bar\)|engleGranger on the store's bars)\s+([\d.]+)$/gm,
      ),
    ];
    assert.equal(p.length, 2, text);
    assert.ok(Number(p[0]![2]) > 0 && Number(p[0]![2]) <= 1);
    assert.equal(p[0]![2], p[1]![2]);
    assert.match(text, /no alert so far|alerts/);
    assert.match(text, /^monitor stopped: exit 0$/m);
  },
});
