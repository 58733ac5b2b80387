/**
 * Issue 8 item 6 for `deno task stream`, run as a user runs it: when it cannot connect it says
 * why (the error, the URL, the next retry in seconds) instead of only counting `reconnects=N`,
 * and text that came from the venue (a frame's symbol) reaches the terminal with its control
 * characters shown as escapes, never obeyed; the frame itself is quarantined with its raw text.
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { spawnStreamTaskAsUser } from "./_helpers.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

function dataDir(): { dir: string; db: string } {
  Deno.mkdirSync(`${ROOT}data`, { recursive: true });
  const dir = Deno.makeTempDirSync({ dir: `${ROOT}data`, prefix: "test-stream-msg-" });
  return { dir, db: `${dir.slice(ROOT.length)}/live.db` };
}

/** A port nothing listens on. */
function closedPort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

Deno.test("stream task: says why it cannot connect (error, URL, next retry)", async () => {
  const { dir, db } = dataDir();
  const port = closedPort();
  try {
    const task = spawnStreamTaskAsUser(["--symbols", "BTCUSDT", "--db", db], {
      CRYPTOLAB_BINANCE_WS_URL: `ws://127.0.0.1:${port}`,
      CRYPTOLAB_BINANCE_URL: `http://127.0.0.1:${port}`,
    });
    const deadline = Date.now() + 20_000;
    while (!task.lines.some((l) => l.includes("cannot connect")) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    task.child.kill("SIGTERM");
    const end = await task.done;
    assert.equal(end.code, 0, end.stderr);
    const line = task.lines.find((l) => l.includes("cannot connect"));
    assert.ok(line, end.stderr);
    assert.match(
      line,
      new RegExp(
        `^stream: cannot connect to ws://127\\.0\\.0\\.1:${port}/stream\\?streams=btcusdt@trade: ` +
          `.*(refused|error|failed).*; next retry in \\d+\\.\\d s$`,
        "i",
      ),
    );
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("stream task: control characters in a venue's frame are shown, not obeyed; the frame is quarantined", async () => {
  const { dir, db } = dataDir();
  const evil =
    '{"stream":"btcusdt@trade","data":{"e":"trade","E":1,"s":"BTC\\u001b[31m\\u0007USDT",' +
    '"t":1,"p":"1","q":"1","T":1,"m":true,"M":true}}';
  const ac = new AbortController();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, signal: ac.signal, onListen: () => {} },
    (req) => {
      if (req.headers.get("upgrade") !== "websocket") return new Response("no", { status: 400 });
      const { socket, response } = Deno.upgradeWebSocket(req);
      socket.onopen = () => socket.send(evil);
      return response;
    },
  );
  try {
    const task = spawnStreamTaskAsUser(["--symbols", "BTCUSDT", "--db", db], {
      CRYPTOLAB_BINANCE_WS_URL: `ws://127.0.0.1:${server.addr.port}`,
      CRYPTOLAB_BINANCE_URL: `http://127.0.0.1:${server.addr.port}`,
    });
    const deadline = Date.now() + 20_000;
    while (!task.lines.some((l) => l.includes("unsubscribed")) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    await new Promise((r) => setTimeout(r, 500)); // a flush commits the quarantine row
    task.child.kill("SIGTERM");
    const end = await task.done;
    assert.equal(end.code, 0, end.stderr);
    const line = task.lines.find((l) => l.includes("unsubscribed"));
    assert.equal(line, "stream: parse: frame for unsubscribed symbol BTC\\x1b[31m\\x07USDT");
    // deno-lint-ignore no-control-regex
    assert.doesNotMatch(end.stderr, /[\x00-\x08\x0b-\x1f\x7f]/);
    const store = new DatabaseSync(`${ROOT}${db}`, { readOnly: true });
    try {
      const raws = store.prepare("SELECT raw FROM quarantine WHERE source = 'stream:binance'").all()
        .map((r) => String(r.raw));
      assert.deepEqual(raws, [evil]);
    } finally {
      store.close();
    }
  } finally {
    ac.abort();
    await server.finished;
    Deno.removeSync(dir, { recursive: true });
  }
});
