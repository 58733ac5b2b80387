/**
 * `deno task jupyter` on a machine where Deno came from npm: no `deno` on PATH, Jupyter from
 * Debian. The server it starts lists the repository's kernel, and that kernel runs the very Deno
 * binary that ran the task, with the store named by `--db`. Without Jupyter it installs nothing
 * and prints the apt-get line.
 *
 * Before: the README asked for `deno` on PATH (`deno eval 'console.log(Deno.execPath())'`), so
 * its notebook steps failed with only Node and npm.
 */
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { REPO_ROOT, runDeno } from "../_shared/run_task.ts";
import { NOTEBOOK_DB_ENV } from "@lib/store/notebook_store.ts";

/** PATH without any `deno`: the system folders only (Jupyter lives in /usr/bin on Debian). */
const PATH_WITHOUT_DENO = "/usr/sbin:/usr/bin:/sbin:/bin";

function notebookServerInstalled(): boolean {
  try {
    return new Deno.Command("jupyter", {
      args: ["notebook", "--version"],
      env: { PATH: PATH_WITHOUT_DENO },
      stdout: "null",
      stderr: "null",
    }).outputSync().success;
  } catch {
    return false;
  }
}

Deno.test("deno task jupyter without Jupyter installs nothing and prints the apt-get line", async () => {
  const empty = Deno.makeTempDirSync({ prefix: "cryptolab-nopath-" });
  try {
    const out = await runDeno(["task", "jupyter", "--no-browser"], { PATH: empty });
    assert.equal(out.code, 2, out.stderr);
    assert.match(out.stderr, /Nothing was installed.*\n.*apt-get install -y jupyter-notebook/);
  } finally {
    Deno.removeSync(empty, { recursive: true });
  }
});

Deno.test("deno task jupyter --dry-run: real Deno first on PATH, the repo's kernelspec, --db", async () => {
  const out = await runDeno(
    ["task", "jupyter", "--dry-run", "--db", "/tmp/nb-test.db"],
    { PATH: PATH_WITHOUT_DENO, JUPYTER_PATH: "/somewhere" },
  );
  assert.equal(out.code, 0, out.stderr);
  const lines = Object.fromEntries(
    out.stdout.trim().split("\n").map((l) => [l.split("=")[0]!, l.slice(l.indexOf("=") + 1)]),
  );
  assert.equal(lines.PATH, `${dirname(Deno.execPath())}:${PATH_WITHOUT_DENO}`);
  assert.equal(lines.JUPYTER_PATH, `${join(REPO_ROOT, "notebooks")}:/somewhere`);
  assert.equal(lines[NOTEBOOK_DB_ENV], "/tmp/nb-test.db");
  assert.match(out.stdout, /^jupyter notebook --notebook-dir=\S+\/notebooks/m);
});

/** Send one execute_request over the kernel's channels and collect its stdout. */
async function execute(wsUrl: string, code: string): Promise<string> {
  const ws = new WebSocket(wsUrl);
  await new Promise((res, rej) => {
    ws.onopen = res;
    ws.onerror = rej;
  });
  const msgId = crypto.randomUUID();
  let out = "";
  let idle = false;
  const done = new Promise<void>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`no reply to ${code}; got ${out}`)), 60_000);
    ws.onmessage = (e) => {
      const m = JSON.parse(String(e.data));
      if (m.parent_header?.msg_id !== msgId) return;
      if (m.msg_type === "stream") out += m.content.text;
      if (m.msg_type === "error") out += `ERROR ${m.content.ename}: ${m.content.evalue}`;
      if (m.msg_type === "status" && m.content.execution_state === "idle") idle = true;
      // the kernel may publish the stream after it reports idle: wait for both
      if (idle && out !== "") {
        clearTimeout(timer);
        res();
      }
    };
  });
  ws.send(JSON.stringify({
    header: {
      msg_id: msgId,
      username: "test",
      session: crypto.randomUUID(),
      msg_type: "execute_request",
      version: "5.3",
      date: new Date().toISOString(),
    },
    parent_header: {},
    metadata: {},
    content: {
      code,
      silent: false,
      store_history: false,
      user_expressions: {},
      allow_stdin: false,
    },
    channel: "shell",
  }));
  await done;
  ws.close();
  return out;
}

Deno.test({
  name: "deno task jupyter starts a server whose cryptolab kernel runs this Deno with --db's store",
  ignore: !notebookServerInstalled(),
  async fn() {
    const token = crypto.randomUUID().replaceAll("-", "");
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (listener.addr as Deno.NetAddr).port;
    listener.close();
    const child = new Deno.Command(Deno.execPath(), {
      args: ["task", "jupyter", "--no-browser", "--port", String(port), "--db", "/tmp/nb.db"],
      cwd: REPO_ROOT,
      env: {
        PATH: PATH_WITHOUT_DENO,
        JUPYTER_TOKEN: token,
        NO_COLOR: "1",
        HOME: Deno.env.get("HOME") ?? "/tmp",
      },
      stdout: "null",
      stderr: "piped",
    }).spawn();
    const stderr = new Response(child.stderr).text();
    const base = `http://127.0.0.1:${port}`;
    let kernelId: string | undefined;
    try {
      let specs: { kernelspecs?: Record<string, unknown> } = {};
      for (let i = 0; i < 150; i++) {
        try {
          const r = await fetch(`${base}/api/kernelspecs?token=${token}`);
          if (r.ok) {
            specs = await r.json();
            break;
          }
          await r.body?.cancel();
        } catch { /* not listening yet */ }
        await new Promise((r) => setTimeout(r, 200));
      }
      assert.ok(specs.kernelspecs?.["cryptolab-deno"], `kernelspecs: ${JSON.stringify(specs)}`);
      const started = await fetch(`${base}/api/kernels?token=${token}`, {
        method: "POST",
        body: JSON.stringify({ name: "cryptolab-deno" }),
      });
      assert.equal(started.status, 201);
      kernelId = (await started.json()).id as string;
      const out = await execute(
        `ws://127.0.0.1:${port}/api/kernels/${kernelId}/channels?token=${token}`,
        `console.log(Deno.execPath() + "|" + Deno.env.get("${NOTEBOOK_DB_ENV}"))`,
      );
      assert.equal(out.trim(), `${Deno.execPath()}|/tmp/nb.db`);
    } finally {
      if (kernelId !== undefined) {
        await (await fetch(`${base}/api/kernels/${kernelId}?token=${token}`, { method: "DELETE" }))
          .body?.cancel();
      }
      child.kill("SIGTERM");
      const status = await child.status;
      const err = await stderr;
      assert.ok(status.code === 0 || status.signal !== null, err);
    }
  },
});
