/**
 * `deno task demo [--run-id ID] [--seed N] [--assets N] [--days N] [--db PATH] [--out DIR]`
 *
 * The main job end to end on the simulated market: fill the store with simulated 1-minute
 * bars, build 1h and 1d bars, compute the report and write `<out>/<run-id>/report.json`,
 * `report.html` and `manifest.json`. Paths go to stdout, progress to stderr.
 *
 * @module
 */
import { join } from "node:path";
import {
  openTaskStore,
  parseFlags,
  progressDone,
  progressLine,
  runMain,
  UsageError,
} from "./_cli.ts";
import { DEMO_DEFAULTS, runDemo } from "@lib/report/demo_run.ts";
import { isRunId } from "@lib/report/model.ts";
import { writeReport } from "@lib/report/write.ts";

const USAGE = `Usage: deno task demo [options]

Simulate a market, store it, build hourly and daily bars, and write a report to
<out>/<run-id>/ (report.html, report.json, manifest.json).

Options:
  --run-id ID   report folder name (default: demo-<hash of dataset fingerprint and parameters>)
  --seed N      seed of the simulated market (default ${DEMO_DEFAULTS.seed})
  --assets N    number of assets, including BTCSIM and ETHSIM (default ${DEMO_DEFAULTS.assets})
  --days N      days of 1-minute bars (default ${DEMO_DEFAULTS.days})
  --db PATH     store (default: $CRYPTOLAB_DB or data/cryptolab.db)
  --out DIR     folder for reports (default reports)
  -h, --help    show this text`;

function int(name: string, v: string | undefined, dflt: number, min: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!/^\d+$/.test(v) || !Number.isSafeInteger(n) || n < min) {
    throw new UsageError(`--${name} must be an integer >= ${min}, got "${v}"\n\n${USAGE}`);
  }
  return n;
}

runMain((args) => {
  const { values } = parseFlags(args, {
    "run-id": { type: "string" },
    seed: { type: "string" },
    assets: { type: "string" },
    days: { type: "string" },
    out: { type: "string" },
  }, USAGE);
  const runId = values["run-id"];
  if (runId !== undefined && !isRunId(runId)) {
    throw new UsageError(
      `--run-id "${runId}" is not a valid folder name: use 1-128 of A-Z a-z 0-9 . _ - ` +
        `starting with a letter or digit\n\n${USAGE}`,
    );
  }
  const seed = int("seed", values.seed, DEMO_DEFAULTS.seed, 0);
  const assets = int("assets", values.assets, DEMO_DEFAULTS.assets, 2);
  const days = int("days", values.days, DEMO_DEFAULTS.days, 2);
  const out = values.out ?? "reports";
  const t0 = performance.now();
  const store = openTaskStore(values.db);
  try {
    progressLine(`store ${store.path}`);
    const result = runDemo(store.db, {
      seed,
      assets,
      days,
      runId,
      onProgress: (line) => progressLine(line),
    });
    const dir = join(out, result.model.runId);
    progressLine(`writing ${dir}`);
    const written = writeReport(dir, result.model);
    progressDone();
    const t = result.timings;
    console.error(
      `done in ${((performance.now() - t0) / 1000).toFixed(1)} s (simulate ${
        (t.simulate / 1000).toFixed(1)
      } s, write ${(t.write / 1000).toFixed(1)} s, materialize ${
        (t.materialize / 1000).toFixed(1)
      } s, report ${(t.report / 1000).toFixed(1)} s); dataset ${
        result.model.manifest.datasetFingerprint.slice(0, 12)
      }`,
    );
    console.log(written.paths.html);
    console.log(written.paths.json);
    console.log(written.paths.manifest);
  } finally {
    store.close();
  }
});
