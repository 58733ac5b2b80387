/**
 * `tasks/_launch.ts`: the permissions `deno task backfill|poll|stream` get follow `--db` and the
 * venue URL overrides, and a symlink cannot widen them.
 *
 * Before the launcher, deno.json granted `--allow-write=data/` and the venues' public hosts: a
 * store outside data/ or a mirror on another host failed with Deno's raw permission message,
 * and `data/link -> <folder elsewhere>` let backfill write outside data/.
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import {
  LaunchError,
  planLaunch,
  realPathOf,
  TASK_PROFILES,
  VENUE_DEFAULT_URLS,
} from "../../tasks/_launch.ts";
import { BINANCE_DEFAULT_URLS } from "@lib/providers/binance.ts";
import { BINANCE_WS_DEFAULT_URLS } from "@lib/providers/binance_ws.ts";
import { COINBASE_DEFAULT_URL } from "@lib/providers/coinbase.ts";
import { DEXSCREENER_DEFAULT_URL } from "@lib/providers/dexscreener.ts";
import { KRAKEN_DEFAULT_URL } from "@lib/providers/kraken.ts";
import { PROVIDERS } from "@lib/providers/registry.ts";
import { openStore } from "@lib/store/db.ts";
import { readSpotSnapshots } from "@lib/store/snapshots.ts";
import { REPO_ROOT, runDeno } from "../_shared/run_task.ts";
import { realDataTest } from "../_shared/real_data.ts";
import { startFakeExchange } from "../fake_exchange/mod.ts";

const noEnv = (_: string) => undefined;
const flag = (args: readonly string[], name: string) =>
  args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);

Deno.test("the launcher's venue URLs are the providers' defaults", () => {
  assert.deepEqual(VENUE_DEFAULT_URLS, {
    BINANCE: BINANCE_DEFAULT_URLS.spot,
    BINANCE_FUTURES: BINANCE_DEFAULT_URLS.futures,
    BINANCE_WS: BINANCE_WS_DEFAULT_URLS.spot,
    BINANCE_FUTURES_WS: BINANCE_WS_DEFAULT_URLS.futures,
    KRAKEN: KRAKEN_DEFAULT_URL,
    COINBASE: COINBASE_DEFAULT_URL,
    DEXSCREENER: DEXSCREENER_DEFAULT_URL,
  });
  for (const p of Object.values(PROVIDERS)) assert.ok(p.envName in VENUE_DEFAULT_URLS, p.envName);
});

Deno.test("planLaunch: the default store gets data/ and the public hosts, nothing else", () => {
  const root = Deno.makeTempDirSync({ prefix: "cryptolab-launch-" });
  try {
    const plan = planLaunch("backfill", ["--symbols", "BTCUSDT"], { env: noEnv, cwd: root, root });
    const realRoot = Deno.realPathSync(root);
    assert.equal(plan.dbPath, join(realRoot, "data", "cryptolab.db"));
    assert.equal(flag(plan.args, "allow-write"), join(realRoot, "data"));
    assert.equal(flag(plan.args, "allow-read"), `${realRoot},${join(realRoot, "data")}`);
    assert.equal(
      flag(plan.args, "allow-net"),
      "api.binance.com,fapi.binance.com,api.kraken.com,api.exchange.coinbase.com",
    );
    assert.ok(!plan.args.some((a) => /^--allow-(run|sys|ffi|all)|^-A$/.test(a)));
    assert.deepEqual(plan.args.slice(-3), ["BTCUSDT", "--db", plan.dbPath]);
    assert.equal(plan.note, undefined);
  } finally {
    Deno.removeSync(root, { recursive: true });
  }
});

Deno.test("planLaunch: --db, CRYPTOLAB_DB, URL overrides and --providers set the grants", () => {
  const env: Record<string, string> = {
    CRYPTOLAB_DB: "/srv/ignored.db",
    CRYPTOLAB_BINANCE_WS_URL: "ws://127.0.0.1:9001",
    CRYPTOLAB_BINANCE_URL: "http://127.0.0.1:9002/",
  };
  const opts = { env: (k: string) => env[k], realPath: (p: string) => p, cwd: "/r", root: "/r" };
  const stream = planLaunch("stream", ["--db=/mnt/x/live.db", "--symbols", "BTCUSDT"], opts);
  assert.equal(flag(stream.args, "allow-write"), "/mnt/x");
  assert.equal(
    flag(stream.args, "allow-net"),
    "127.0.0.1:9001,fstream.binance.com,127.0.0.1:9002,fapi.binance.com",
  );
  assert.ok(stream.args.includes("--db=/mnt/x/live.db"));
  const poll = planLaunch("poll", ["--providers", "conf/p.json", "--once"], opts);
  assert.equal(poll.dbPath, "/srv/ignored.db"); // CRYPTOLAB_DB when no --db
  assert.equal(flag(poll.args, "allow-write"), "/srv");
  assert.equal(flag(poll.args, "allow-read"), "/r,/srv,/r/conf/p.json");
  env.CRYPTOLAB_KRAKEN_URL = "not a url";
  assert.throws(() => planLaunch("poll", [], opts), /CRYPTOLAB_KRAKEN_URL is not a URL/);
  assert.throws(() => planLaunch("nope", [], opts), /Unknown task "nope"/);
  assert.throws(() => planLaunch("materialize", ["--db", "/a,b/x.db"], opts), /without a comma/);
  // only the store's folder is granted, so a comma in the store's file name is fine, for
  // import too (its inputs are read; the --db value is not an input)
  const comma = planLaunch("import", ["in.csv", "--db", "/a/x,y.db"], opts);
  assert.equal(flag(comma.args, "allow-write"), "/a");
  assert.equal(flag(comma.args, "allow-read"), "/r,/a,/r/in.csv");
  // a repeated flag: the task keeps the last one, so the grant follows the last one
  const twice = planLaunch("materialize", ["--db", "/a/x.db", "--db", "/b/y.db"], opts);
  assert.equal(flag(twice.args, "allow-write"), "/b");
  assert.deepEqual(twice.args.slice(-4), ["--db", "/a/x.db", "--db", "/b/y.db"]);
});

Deno.test("planLaunch: inputs, outputs and extra grants of the store tasks", () => {
  const opts = { env: noEnv, realPath: (p: string) => p, cwd: "/r", root: "/r" };
  const imp = planLaunch("import", ["in/a.csv", "--venue", "binance", "--db", "/s/x.db"], opts);
  assert.equal(flag(imp.args, "allow-read"), "/r,/s,/r/in/a.csv,/r/binance");
  assert.equal(flag(imp.args, "allow-write"), "/s");
  for (const a of [imp, planLaunch("materialize", ["--freq", "1h"], opts)]) {
    assert.ok(!a.args.some((x) => /^--allow-(net|run|sys)/.test(x)), a.args.join(" "));
  }
  const report = planLaunch("report", ["--db", "/s/x.db"], opts);
  assert.equal(flag(report.args, "allow-write"), "/s,/r/reports");
  assert.ok(report.args.includes("--allow-run=git") && report.args.includes("--allow-sys"));
  // events writes its report and candidate configs under --out, appends to the store's ledger
  const events = planLaunch("events", ["--db", "/s/x.db", "--out", "/o/ev"], opts);
  assert.equal(flag(events.args, "allow-write"), "/s,/o/ev");
  assert.ok(events.args.includes("--allow-run=git") && !events.args.some((a) => /net/.test(a)));
  // backtest and walkforward read their --config and --signal-file, write --out
  for (const task of ["backtest", "walkforward"]) {
    const p = planLaunch(task, [
      "--db",
      "/s/x.db",
      "--config",
      "c.json",
      "--signal-file",
      "/f/s.csv",
    ], opts);
    assert.equal(flag(p.args, "allow-write"), "/s,/r/reports", task);
    assert.equal(flag(p.args, "allow-read"), "/r,/s,/f/s.csv,/r/c.json,/r/reports", task);
    assert.ok(p.args.includes("--allow-run=git") && p.args.includes("--allow-sys"), task);
  }
  const out = planLaunch("export", ["--out", "/o/e", "--db", "/s/x.db"], opts);
  assert.equal(flag(out.args, "allow-write"), "/s,/o/e");
  // scan reads the store only; it writes its JSON only where --out says
  assert.equal(flag(planLaunch("scan", ["--db", "/s/x.db"], opts).args, "allow-write"), "/s");
  const scan = planLaunch("scan", ["--out", "/o/scan.json", "--db", "/s/x.db"], opts);
  assert.equal(flag(scan.args, "allow-write"), "/s,/o/scan.json");
  assert.ok(!scan.args.some((a) => /^--allow-(net|run|sys)/.test(a)), scan.args.join(" "));
  // daily writes its report under --out (default reports/) and records the code version
  const daily = planLaunch("daily", ["--db", "/s/x.db"], opts);
  assert.equal(flag(daily.args, "allow-write"), "/s,/r/reports");
  assert.ok(daily.args.includes("--allow-run=git") && !daily.args.some((a) => /net/.test(a)));
  const q = planLaunch("quarantine", ["export", "--out", "q.csv", "--db", "/s/x.db"], opts);
  assert.equal(flag(q.args, "allow-write"), "/s,/r/q.csv");
  assert.equal(flag(planLaunch("quarantine", ["list"], opts).args, "allow-write"), "/r/data");
  // verify-report reads the report folder, writes nothing but --out when given
  const verify = planLaunch("verify-report", ["reports/demo-1", "--db", "/s/x.db"], opts);
  assert.equal(flag(verify.args, "allow-read"), "/r,/s,/r/reports/demo-1");
  assert.equal(flag(verify.args, "allow-write"), "/s");
  assert.ok(verify.args.includes("--allow-run=git") && !verify.args.some((a) => /net/.test(a)));
  const kept = planLaunch("verify-report", ["d", "--out", "/o", "--db", "/s/x.db"], opts);
  assert.equal(flag(kept.args, "allow-write"), "/s,/o");
  const demo = planLaunch("demo", ["--source", "sim"], opts);
  assert.equal(flag(demo.args, "allow-net"), "api.binance.com");
  assert.equal(flag(demo.args, "allow-write"), "/r/data,/r/reports");
});

Deno.test("planLaunch: monitor listens on --host:--port and may reach its --webhook", () => {
  const env: Record<string, string> = { CRYPTOLAB_BINANCE_WS_URL: "ws://127.0.0.1:9001" };
  const opts = { env: (k: string) => env[k], realPath: (p: string) => p, cwd: "/r", root: "/r" };
  const net = (args: string[]) => flag(planLaunch("monitor", args, opts).args, "allow-net");
  const base = ["--pairs", "BTCUSDT:ETHUSDT"];
  assert.equal(net(base), "127.0.0.1:9001,api.binance.com,127.0.0.1:8787");
  assert.equal(
    net([...base, "--port", "0", "--host", "0.0.0.0", "--webhook", "https://h.example:8443/x"]),
    "127.0.0.1:9001,api.binance.com,0.0.0.0:0,h.example:8443",
  );
  assert.equal(
    net([...base, "--host", "::1", "--port", "9"]),
    "127.0.0.1:9001,api.binance.com,[::1]:9",
  );
  // a malformed value grants nothing; the task refuses it with exit 2
  assert.equal(
    net([...base, "--port", "x1", "--webhook", "nope"]),
    "127.0.0.1:9001,api.binance.com",
  );
  const write = flag(planLaunch("monitor", [...base, "--db", "/s/m.db"], opts).args, "allow-write");
  assert.equal(write, "/s"); // uploads are written beside the store, nowhere else
});

Deno.test("the monitor's listen defaults in the launcher are the task's own", async () => {
  const { MONITOR_SERVER_DEFAULTS } = await import("@lib/pipeline/monitor/server.ts");
  assert.deepEqual(TASK_PROFILES.monitor!.listen, MONITOR_SERVER_DEFAULTS);
});

Deno.test("the launcher's --out defaults are the tasks' own", () => {
  for (const [task, p] of Object.entries(TASK_PROFILES)) {
    const d = p.writeFlag?.default;
    if (d === undefined) continue;
    const src = Deno.readTextFileSync(join(REPO_ROOT, p.file));
    assert.ok(src.includes(`values.${p.writeFlag!.name} ?? "${d}"`), `${task}: default ${d}`);
  }
});

Deno.test("every deno.json task that opens a store runs through the launcher", () => {
  const config = JSON.parse(Deno.readTextFileSync(join(REPO_ROOT, "deno.json")));
  for (const [name, line] of Object.entries(config.tasks as Record<string, string>)) {
    const file = line.match(/(tasks\/[a-z_]+\.ts)/)?.[1];
    if (file === undefined || file === "tasks/_launch.ts") {
      if (file !== undefined) {
        assert.ok(TASK_PROFILES[name], `${name} has a launcher profile`);
        assert.match(line, new RegExp(`_launch\\.ts ${name}$`));
      }
      continue;
    }
    const src = Deno.readTextFileSync(join(REPO_ROOT, file));
    assert.ok(!src.includes("openTaskStore"), `${name} opens a store: run it through the launcher`);
  }
});

Deno.test("planLaunch: symlinks are resolved; one that leads out of data/ is refused", () => {
  const root = Deno.realPathSync(Deno.makeTempDirSync({ prefix: "cryptolab-launch-" }));
  const elsewhere = Deno.realPathSync(Deno.makeTempDirSync({ prefix: "cryptolab-elsewhere-" }));
  try {
    mkdirSync(join(root, "data", "inside"), { recursive: true });
    symlinkSync(elsewhere, join(root, "data", "link"));
    symlinkSync(join(root, "data", "inside"), join(root, "data", "ok"));
    symlinkSync(elsewhere, join(root, "outlink"));
    const opts = { env: noEnv, cwd: root, root };
    assert.throws(
      () => planLaunch("backfill", ["--db", "data/link/x.db"], opts),
      (e: Error) =>
        e instanceof LaunchError && e.message.includes(`--db ${join(elsewhere, "x.db")}`) &&
        /outside data\//.test(e.message),
    );
    // a symlink that stays inside data/ is fine: the real folder is granted
    const ok = planLaunch("backfill", ["--db", "data/ok/x.db"], opts);
    assert.equal(flag(ok.args, "allow-write"), join(root, "data", "inside"));
    // a path outside data/ named explicitly is followed, and stderr says where it leads
    const out = planLaunch("backfill", ["--db", "outlink/sub/x.db"], opts);
    assert.equal(out.dbPath, join(elsewhere, "sub", "x.db"));
    assert.equal(flag(out.args, "allow-write"), join(elsewhere, "sub"));
    assert.match(out.note ?? "", /symlinks resolved/);
    // a store file that is itself a symlink is resolved too
    symlinkSync(join(elsewhere, "real.db"), join(root, "data", "inside", "file.db"));
    Deno.writeTextFileSync(join(elsewhere, "real.db"), "");
    assert.throws(() => planLaunch("poll", ["--db", "data/inside/file.db"], opts), LaunchError);
  } finally {
    Deno.removeSync(root, { recursive: true });
    Deno.removeSync(elsewhere, { recursive: true });
  }
});

Deno.test("planLaunch: a dangling symlink in data/ is followed to where SQLite would create the store", () => {
  // data/s.db -> <elsewhere>/z.db, z.db not created yet: opening data/s.db creates z.db
  // outside data/, so the launcher must see where the link points, not stop at data/
  const root = Deno.realPathSync(Deno.makeTempDirSync({ prefix: "cryptolab-launch-" }));
  const elsewhere = Deno.realPathSync(Deno.makeTempDirSync({ prefix: "cryptolab-elsewhere-" }));
  try {
    mkdirSync(join(root, "data"), { recursive: true });
    symlinkSync(join(elsewhere, "z.db"), join(root, "data", "s.db"));
    symlinkSync("../gone/w.db", join(root, "data", "rel.db"));
    const opts = { env: noEnv, cwd: root, root };
    assert.throws(
      () => planLaunch("backfill", ["--db", "data/s.db"], opts),
      (e: Error) =>
        e instanceof LaunchError && e.message.includes(`--db ${join(elsewhere, "z.db")}`),
    );
    assert.throws(
      () => planLaunch("import", ["--db", "data/rel.db"], opts),
      (e: Error) => e instanceof LaunchError && e.message.includes(join(root, "gone", "w.db")),
    );
    assert.equal(realPathOf(join(root, "data", "s.db", "..", "x")), join(root, "data", "x"));
  } finally {
    Deno.removeSync(root, { recursive: true });
    Deno.removeSync(elsewhere, { recursive: true });
  }
});

Deno.test("realPathOf resolves the deepest existing folder of a path that does not exist yet", () => {
  const dir = Deno.realPathSync(Deno.makeTempDirSync({ prefix: "cryptolab-launch-" }));
  try {
    symlinkSync(dir, `${dir}/self`);
    assert.equal(realPathOf(`${dir}/self/a/b.db`), `${dir}/a/b.db`);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("deno task backfill refuses a store that a symlink in data/ leads elsewhere", async () => {
  const elsewhere = Deno.makeTempDirSync({ prefix: "cryptolab-elsewhere-" });
  const link = join(REPO_ROOT, "data", `.launch-test-${crypto.randomUUID()}`);
  mkdirSync(join(REPO_ROOT, "data"), { recursive: true });
  symlinkSync(elsewhere, link);
  try {
    const rel = `data/${link.split("/").pop()}/x.db`;
    const out = await runDeno([
      "task",
      "backfill",
      ...["--venue", "binance", "--symbols", "BTCUSDT", "--freq", "1h", "--since", "2024-01-01"],
      ...["--db", rel],
    ]);
    assert.equal(out.code, 2, out.stderr);
    assert.match(out.stderr, /under data\/ but a symlink leads it to .*outside data\/.* --db /);
    assert.ok(!existsSync(join(elsewhere, "x.db")), "nothing written through the symlink");
  } finally {
    Deno.removeSync(link);
    Deno.removeSync(elsewhere, { recursive: true });
  }
});

realDataTest("deno task poll writes a store outside data/ through a mirror host", async () => {
  const ex = await startFakeExchange();
  const dir = Deno.makeTempDirSync({ prefix: "cryptolab-launch-poll-" });
  try {
    const db = join(dir, "nested", "poll.db");
    const out = await runDeno([
      "task",
      "poll",
      ...["--once", "--venues", "binance", "--symbols", "BTCUSDT"],
      ...["--dex-chains", "bsc,base", "--dex-query", "USD1/USDC", "--db", db],
    ], { CRYPTOLAB_BINANCE_URL: ex.url, CRYPTOLAB_DEXSCREENER_URL: ex.url });
    assert.equal(out.code, 0, out.stderr);
    const store = openStore(db, { readOnly: true });
    try {
      assert.equal(readSpotSnapshots(store.db).length, 1);
    } finally {
      store.close();
    }
  } finally {
    await ex.close();
    Deno.removeSync(dir, { recursive: true });
  }
});

realDataTest(
  "deno task backfill: --db wins over CRYPTOLAB_DB and only its folder is writable",
  async () => {
    // CRYPTOLAB_DEBUG makes the launcher print the command it runs
    const ex = await startFakeExchange();
    const dir = Deno.makeTempDirSync({ prefix: "cryptolab-launch-grant-" });
    try {
      const db = join(dir, "a", "s.db");
      const out = await runDeno([
        "task",
        "backfill",
        ...["--venue", "binance", "--symbols", "BTCUSDT", "--freq", "1h"],
        ...["--since", "2019-01-01", "--until", "2019-01-02", "--db", db],
      ], {
        CRYPTOLAB_BINANCE_URL: ex.url,
        CRYPTOLAB_DB: join(dir, "b", "other.db"),
        CRYPTOLAB_DEBUG: "1",
      });
      assert.equal(out.code, 0, out.stderr);
      assert.match(out.stderr, new RegExp(`--allow-write=${join(Deno.realPathSync(dir), "a")} `));
      assert.ok(existsSync(db));
      assert.ok(!existsSync(join(dir, "b")));
    } finally {
      await ex.close();
      Deno.removeSync(dir, { recursive: true });
    }
  },
);
