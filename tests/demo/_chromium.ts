/**
 * Open a local HTML file in headless Chromium and collect every console error, uncaught
 * exception and browser log error (CSP violations, failed loads), over the DevTools protocol.
 * Optionally save a full-page screenshot.
 */
import { existsSync } from "node:fs";

export const CHROMIUM = "/usr/bin/chromium";
export const HAS_CHROMIUM = existsSync(CHROMIUM);

export interface PageCheck {
  /** Console errors/warnings of level error, exceptions and log entries of level error. */
  readonly errors: string[];
  /** Every request the page tried to make to something other than its own file. */
  readonly requests: string[];
  /** The value of `options.evaluate`, when given. */
  readonly evaluated?: unknown;
}

/** The fields of DevTools protocol messages read here. */
interface CdpParams {
  type?: string;
  args?: { value?: unknown; description?: string }[];
  exceptionDetails?: { text: string; exception?: { description?: string } };
  entry?: { level: string; source: string; text: string };
  request?: { url: string };
}

interface Msg {
  id?: number;
  method?: string;
  params?: CdpParams;
  result?: { data?: string; result?: { value?: unknown } };
  error?: { message: string };
}

export async function checkPage(
  fileUrl: string,
  options: {
    screenshot?: string;
    width?: number;
    /** Screenshots of page regions (CSS px from the top), e.g. to look at a long report. */
    shots?: readonly { path: string; y: number; height: number }[];
    /** Run in the page after load; its JSON result is returned as `evaluated`. */
    evaluate?: string;
  } = {},
): Promise<PageCheck> {
  const profile = Deno.makeTempDirSync({ prefix: "cryptolab-chromium-" });
  const child = new Deno.Command(CHROMIUM, {
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--hide-scrollbars",
      `--user-data-dir=${profile}`,
      "--remote-debugging-address=127.0.0.1",
      "--remote-debugging-port=0",
      `--window-size=${options.width ?? 1000},900`,
      "about:blank",
    ],
    stdout: "null",
    stderr: "null",
  }).spawn();
  try {
    const port = await waitForPort(profile);
    const list = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json() as {
      type: string;
      webSocketDebuggerUrl: string;
    }[];
    const page = list.find((t) => t.type === "page");
    if (page === undefined) throw new Error("Chromium opened no page target");
    const ws = new WebSocket(page.webSocketDebuggerUrl);
    await new Promise((res, rej) => {
      ws.onopen = res;
      ws.onerror = rej;
    });
    const errors: string[] = [];
    const requests: string[] = [];
    const pending = new Map<number, (m: Msg) => void>();
    let loaded: () => void = () => {};
    const loadedP = new Promise<void>((r) => (loaded = r));
    ws.onmessage = (e) => {
      const m = JSON.parse(String(e.data)) as Msg;
      if (m.id !== undefined) {
        pending.get(m.id)?.(m);
        pending.delete(m.id);
        return;
      }
      const p = m.params ?? {};
      switch (m.method) {
        case "Runtime.consoleAPICalled":
          if (p.type === "error" || p.type === "assert") {
            errors.push(
              `console.${p.type}: ${
                (p.args ?? []).map((a) => String(a.value ?? a.description)).join(" ")
              }`,
            );
          }
          break;
        case "Runtime.exceptionThrown":
          errors.push(
            `uncaught: ${p.exceptionDetails?.exception?.description ?? p.exceptionDetails?.text}`,
          );
          break;
        case "Log.entryAdded":
          if (p.entry?.level === "error") errors.push(`log (${p.entry.source}): ${p.entry.text}`);
          break;
        case "Network.requestWillBeSent":
          if (p.request !== undefined && p.request.url !== fileUrl) requests.push(p.request.url);
          break;
        case "Page.loadEventFired":
          loaded();
          break;
      }
    };
    let next = 1;
    const send = (method: string, params: Record<string, unknown> = {}) =>
      new Promise<Msg>((res, rej) => {
        const id = next++;
        pending.set(
          id,
          (m) => (m.error ? rej(new Error(`${method}: ${m.error.message}`)) : res(m)),
        );
        ws.send(JSON.stringify({ id, method, params }));
      });
    for (const d of ["Runtime", "Log", "Network", "Page"]) await send(`${d}.enable`);
    await send("Page.navigate", { url: fileUrl });
    await Promise.race([
      loadedP,
      delay(20_000).then(() => errors.push("page did not load in 20 s")),
    ]);
    await delay(300); // late console messages
    if (options.screenshot !== undefined) {
      const shot = await send("Page.captureScreenshot", {
        format: "png",
        captureBeyondViewport: true,
      });
      Deno.writeFileSync(
        options.screenshot,
        Uint8Array.from(atob(shot.result?.data ?? ""), (c) => c.charCodeAt(0)),
      );
    }
    for (const shot of options.shots ?? []) {
      const r = await send("Page.captureScreenshot", {
        format: "png",
        captureBeyondViewport: true,
        clip: { x: 0, y: shot.y, width: options.width ?? 1000, height: shot.height, scale: 1 },
      });
      Deno.writeFileSync(
        shot.path,
        Uint8Array.from(atob(r.result?.data ?? ""), (c) => c.charCodeAt(0)),
      );
    }
    let evaluated: unknown;
    if (options.evaluate !== undefined) {
      const r = await send("Runtime.evaluate", {
        expression: options.evaluate,
        returnByValue: true,
      });
      evaluated = r.result?.result?.value;
    }
    ws.close();
    return { errors, requests, ...(options.evaluate === undefined ? {} : { evaluated }) };
  } finally {
    child.kill("SIGTERM");
    await child.status;
    // Chromium's helper processes can still be writing to the profile for a moment after the
    // main process exits: retry, and never fail a test over a temp dir.
    for (let attempt = 0; attempt < 10; attempt++) {
      try {
        Deno.removeSync(profile, { recursive: true });
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }
}

function delay(ms: number) {
  return new Promise((r) => setTimeout(r, ms));
}

async function waitForPort(profile: string): Promise<number> {
  const file = `${profile}/DevToolsActivePort`;
  for (let i = 0; i < 200; i++) {
    try {
      const port = Number(Deno.readTextFileSync(file).split("\n")[0]);
      if (port > 0) return port;
    } catch { /* not written yet */ }
    await delay(50);
  }
  throw new Error("Chromium did not open its DevTools port within 10 s");
}
