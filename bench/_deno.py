"""How the bench peers start Deno: the DENO environment variable (a path to the binary), else
`deno` on PATH, else `npx -y deno@2.9.6` (Deno comes from npm on our machines); and the two
ways they run it: `deno bench --json` for timings, `deno run` for a script that prints JSON."""
import json
import os
import shutil
import subprocess
import sys

DENO_VERSION = "2.9.6"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def deno_command():
    """The argv prefix that runs Deno, e.g. ["deno"] or ["npx", "-y", "deno@2.9.6"]."""
    env = os.environ.get("DENO")
    if env:
        return [env]
    found = shutil.which("deno")
    if found:
        return [found]
    npx = shutil.which("npx")
    if npx:
        return [npx, "-y", f"deno@{DENO_VERSION}"]
    raise SystemExit(
        "Cannot find Deno: set DENO=/path/to/deno, put deno on PATH, or install Node.js so "
        f"`npx -y deno@{DENO_VERSION}` can fetch it from npm"
    )


def _deno(args, env, cwd):
    """stdout of `deno <args>` with NO_COLOR=1 and `env` added to the environment; exits with
    Deno's stderr when it fails."""
    proc = subprocess.run(
        [*deno_command(), *args],
        cwd=cwd, env=dict(os.environ, NO_COLOR="1", **(env or {})), capture_output=True, text=True,
    )
    if proc.returncode != 0:
        sys.exit(f"deno {' '.join(args)} failed (exit {proc.returncode}):\n{proc.stderr}")
    return proc.stdout


def deno_bench_stats(bench_file, env=None, cwd=ROOT):
    """Run `deno bench -A --json <bench_file>` and return {bench name: {"avg", "min", "max"}}
    in milliseconds, in the file's order. `env` adds variables (e.g. where the bench dumps its
    results); `bench_file` is relative to `cwd` (the repository root by default)."""
    report = json.loads(_deno(["bench", "-A", "--json", bench_file], env, cwd))
    stats = {}
    for b in report["benches"]:
        ok = b["results"][0].get("ok")
        if ok is None:
            sys.exit(f"deno bench failed: {b['name']}: {b['results'][0]}")
        stats[b["name"]] = {k: ok[k] / 1e6 for k in ("avg", "min", "max")}  # ns -> ms
    return stats


def deno_bench_ms(bench_file, env=None, cwd=ROOT):
    """{bench name: average time in ms} of `deno bench -A --json <bench_file>` (see
    deno_bench_stats)."""
    return {name: s["avg"] for name, s in deno_bench_stats(bench_file, env, cwd).items()}


def deno_run_json(args, env=None, cwd=ROOT):
    """Run `deno run -A <args>` and parse the last line it prints to stdout as JSON."""
    return json.loads(_deno(["run", "-A", *args], env, cwd).strip().splitlines()[-1])
