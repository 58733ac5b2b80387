/**
 * Per-timestamp cross-sectional transforms over the 126-asset NFI hourly panel (126 x 5,493):
 * winsorize, z-score, neutralize to two exposures, orthogonalize three signals, and 24-bar
 * forward returns. Inputs are built as in tests/oracles/cross_section.py (24h and 1-week
 * momentum, last-hour return, log 24h dollar volume, yesterday's momentum).
 *
 *   deno bench -A bench/cross_section_bench.ts
 *   /usr/bin/python3 bench/cross_section_peer.py   # side by side with pandas/numpy, ratios
 *
 * With CRYPTOLAB_BENCH_OUT set, also writes the results to that folder (raw little-endian
 * float64, asset-major) so the peer script can report the largest difference.
 *
 * @module
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  neutralizeCrossSection,
  orthogonalizeSignals,
  winsorizeCrossSection,
  zscoreCrossSection,
} from "@lib/research/cross_section.ts";
import { forwardReturns } from "@lib/research/forward_returns.ts";
import { loadNfiSignals } from "../tests/research/_nfi_signals.ts";

const s = loadNfiSignals();

const out = Deno.env.get("CRYPTOLAB_BENCH_OUT");
if (out) {
  mkdirSync(out, { recursive: true });
  const save = (name: string, panel: readonly Float64Array[]) => {
    const buf = new Float64Array(panel.length * s.length);
    panel.forEach((col, a) => buf.set(col, a * s.length));
    writeFileSync(join(out, `${name}.f64`), new Uint8Array(buf.buffer));
  };
  save("winsorize", winsorizeCrossSection(s.mom24));
  save("zscore", zscoreCrossSection(s.mom24, { clip: 3 }));
  save("neutralize", neutralizeCrossSection(s.mom24, [s.dv24, s.mom24l]));
  orthogonalizeSignals([s.mom168, s.mom24, s.rev1]).signals.forEach((p, j) =>
    save(`orthogonalize${j}`, p)
  );
  save("forward24", forwardReturns(s.rev1, 24));
}

Deno.bench({
  name: "winsorizeCrossSection 126 x 5,493 (1%, 99%)",
  group: "cross-section",
  warmup: 2,
  n: 10,
  fn() {
    winsorizeCrossSection(s.mom24);
  },
});

Deno.bench({
  name: "zscoreCrossSection 126 x 5,493 (clip 3)",
  group: "cross-section",
  warmup: 2,
  n: 10,
  fn() {
    zscoreCrossSection(s.mom24, { clip: 3 });
  },
});

Deno.bench({
  name: "neutralizeCrossSection 126 x 5,493, 2 exposures + constant",
  group: "cross-section",
  warmup: 2,
  n: 10,
  fn() {
    neutralizeCrossSection(s.mom24, [s.dv24, s.mom24l]);
  },
});

Deno.bench({
  name: "orthogonalizeSignals 3 signals 126 x 5,493, with before/after correlations",
  group: "cross-section",
  warmup: 2,
  n: 10,
  fn() {
    orthogonalizeSignals([s.mom168, s.mom24, s.rev1]);
  },
});

Deno.bench({
  name: "forwardReturns 126 x 5,493, h = 24",
  group: "cross-section",
  warmup: 2,
  n: 10,
  fn() {
    forwardReturns(s.rev1, 24);
  },
});
