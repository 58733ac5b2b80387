/**
 * The README's perpetual-futures example runs as written on the README's own data: the
 * `deno task import .../binance_usdm_2025_jilee1212` line, then the `deno task backtest ...
 * --funding` command that follows it (continuation lines joined), into a temporary store. The
 * file's funding ends at 2025-09-28 00:00 while its bars run to 09:00, so without the README's
 * `--to 2025-09-28T08:00` the backtest is (rightly) refused for the missing 08:00 rate.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { realDataTest, realPath } from "../_shared/real_data.ts";
import { REPO_ROOT, runDeno } from "../_shared/run_task.ts";

/** The shell commands of the README block holding `line`, continuation lines joined. */
function readmeCommands(startsWith: string): string[] {
  const text = readFileSync(join(REPO_ROOT, "README.md"), "utf8");
  const joined = text.replace(/\\\n\s*/g, "");
  return joined.split("\n").filter((l) => l.startsWith(startsWith)).map((l) =>
    l.replace(/\s+#.*$/, "").trim()
  );
}

/** Split a README command line into arguments (no quoting is used in these lines). */
const words = (line: string) => line.split(/\s+/).filter((w) => w !== "");

realDataTest(
  "README: the --funding backtest example runs on the imported jilee1212 files",
  async () => {
    const [imp] = readmeCommands(
      "deno task import ../shared/data/real/funding_and_futures/binance_usdm_2025_jilee1212",
    );
    const [bt] = readmeCommands("deno task backtest --venue binance_futures");
    assert.ok(imp !== undefined && bt !== undefined, "the README lost its funding example");
    assert.ok(bt.includes("--funding"), bt);
    const tmp = await Deno.makeTempDir({ prefix: "cryptolab-readme-funding-" });
    try {
      const db = join(tmp, "store", "f.db");
      await Deno.mkdir(join(tmp, "store"));
      const dir = realPath("funding_and_futures", "binance_usdm_2025_jilee1212");
      const i = await runDeno([
        ...words(imp).slice(1).map((w) => (w.startsWith("../shared/data/real/") ? dir : w)),
        "--db",
        db,
      ]);
      assert.equal(i.code, 0, i.stderr);
      const args = [...words(bt).slice(1), "--db", db, "--out", join(tmp, "out")];
      const b = await runDeno(args);
      assert.equal(b.code, 0, `${bt}\n${b.stderr}`);
      const m = JSON.parse(readFileSync(b.stdout.trim().split("\n")[1]!, "utf8"));
      const setup = m.sections.find((s: { id: string }) => s.id === "setup").blocks
        .map((x: { text?: string }) => x.text ?? "").join(" ");
      assert.match(setup, /funding: 91 stored funding events of binance_futures \(1 symbols?\)/);
      // the same command without the README's --to is refused, naming the missing funding time
      const at = args.indexOf("--to");
      const without = [...args.slice(0, at), ...args.slice(at + 2)];
      const r = await runDeno(without);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /--funding: .* first BTCUSDT at 2025-09-28T08:00:00\.000Z/);
    } finally {
      await Deno.remove(tmp, { recursive: true });
    }
  },
);
