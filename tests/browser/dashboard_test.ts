/**
 * The live monitor's dashboard in Chromium, as a user sees it: `deno task monitor` (the real
 * task, its own permissions) against the local exchange's live tape (real BTC/ETH trades of
 * the 2024-08-08 capture, trading on in real time at 1 s bars), then
 * - the page loads with no console error and no request outside 127.0.0.1;
 * - a z-score appears and moves as trades stream in, and its chart hovers;
 * - a move planted on the tape (BTC +0.3%) crosses the threshold and an alert appears;
 * - the upload form imports an OHLC file and shows the import's per-file summary.
 * Screenshots go to tests/browser/.screenshots (paths printed for the CI log).
 */
import { killTree } from "../_shared/kill_tree.ts";
import assert from "node:assert/strict";
import { LiveTape, startFakeExchange, type TapeRow } from "../fake_exchange/mod.ts";
import { loadCapture } from "../stream/_helpers.ts";
import {
  type DomNode,
  findChromium,
  launchBrowser,
  screenshot,
  SCREENSHOT_DIR,
  watchPage,
} from "./_browser.ts";

const chromium = findChromium();
if (chromium.path === null) console.log(`skipping browser tests: ${chromium.reason}`);

const ROOT = decodeURIComponent(new URL("../../", import.meta.url).pathname);
const PAIR = "BTCUSDT-ETHUSDT";
const H = 3_600_000;

function tapeRows(): Record<string, TapeRow[]> {
  const cap = loadCapture(["btcusdt@trade", "ethusdt@trade"]);
  const rows: Record<string, TapeRow[]> = {};
  for (const f of cap.frames) {
    const d = JSON.parse(f).data as { s: string; p: string; q: string; m: boolean };
    (rows[d.s] ??= []).push({ p: d.p, q: d.q, m: d.m });
  }
  return rows;
}

/** A Binance data-vision kline CSV (24 hourly rows; one with high below low). */
function klineCsv(): string {
  const t0 = Date.UTC(2024, 0, 1);
  const lines: string[] = [];
  for (let i = 0; i < 24; i++) {
    const o = 42_000 + 10 * i;
    const [h, l] = i === 7 ? [o - 50, o + 50] : [o + 50, o - 50];
    lines.push(
      `${t0 + i * H},${o},${h},${l},${o + 5},12.5,${t0 + (i + 1) * H - 1},525000,100,6,252000,0`,
    );
  }
  return lines.join("\n") + "\n";
}

/** Start `deno task monitor` and wait for its dashboard URL on stderr. */
async function startMonitor(env: Record<string, string>, db: string) {
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "task",
      "monitor",
      "--pairs",
      "BTCUSDT:ETHUSDT",
      "--freq",
      "1s",
      "--window",
      "20",
      "--z",
      "2",
      "--port",
      "0",
      "--status-ms",
      "2000",
      "--db",
      db,
    ],
    cwd: ROOT,
    env,
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let err = "";
  const decoder = new TextDecoder();
  const pump = (async () => {
    for await (const chunk of child.stderr) err += decoder.decode(chunk, { stream: true });
  })();
  const drainOut = child.stdout.pipeTo(new WritableStream());
  const deadline = Date.now() + 30_000;
  let url: string | undefined;
  while (url === undefined) {
    url = /dashboard at (http:\/\/127\.0\.0\.1:\d+\/)/.exec(err)?.[1];
    if (url !== undefined) break;
    if (Date.now() > deadline) {
      killTree(child);
      throw new Error(`the monitor did not print its dashboard URL in 30 s:\n${err}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    log: () => err,
    async stop(): Promise<Deno.CommandStatus> {
      child.kill("SIGINT");
      // Ctrl-C must end it; if it hangs, kill it so the suite goes on (and the exit code fails).
      const hung = setTimeout(() => {
        err += "\n(test: no exit 20 s after SIGINT; SIGKILL)\n";
        killTree(child);
      }, 20_000);
      const status = await child.status;
      clearTimeout(hung);
      await pump;
      await drainOut;
      return status;
    },
  };
}

const zText = (v: string | null) => Number((v ?? "").replace("\u2212", "-"));

Deno.test({
  name:
    "dashboard: loads clean, z-score moves with the tape and hovers, planted move alerts, upload imports",
  ignore: chromium.path === null,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "cryptolab-dashboard-" });
    const tape = new LiveTape({ rows: tapeRows(), rate: 50 });
    const ex = await startFakeExchange({ live: tape });
    const monitor = await startMonitor({
      CRYPTOLAB_BINANCE_URL: ex.url,
      CRYPTOLAB_BINANCE_WS_URL: ex.wsUrl,
    }, `${dir}/monitor.db`);
    const browser = await launchBrowser(chromium.path!);
    try {
      const page = await browser.newPage();
      await page.setViewport({ width: 1200, height: 1000 });
      const log = await watchPage(page);
      await page.goto(monitor.url, { waitUntil: "load" });
      // A z-score appears once the hedge ratio's window (20 one-second bars) and then the
      // spread's (20 more) are full: about 40 s after the monitor connects; 90 s allowed...
      const zSel = `#z-${PAIR}`;
      const finiteZ = `(() => { const t = document.querySelector(${
        JSON.stringify(zSel)
      })?.textContent ?? ""; return Number.isFinite(Number(t.replace("\\u2212", "-"))) && /\\d/.test(t); })()`;
      await page.waitForFunction(finiteZ, { timeout: 90_000, polling: 250 });
      const z1 = await page.$eval(zSel, (n) => (n as unknown as DomNode).textContent);
      // ... and moves as trades stream in (a new bar closes every second) to another finite
      // value (a bar whose z-score is undefined, e.g. a one-leg bar, shows "n/a" in between)
      await page.waitForFunction(
        `document.querySelector(${JSON.stringify(zSel)})?.textContent !== ${
          JSON.stringify(z1)
        } && ${finiteZ}`,
        { timeout: 20_000, polling: 250 },
      );
      const z2 = await page.$eval(zSel, (n) => (n as unknown as DomNode).textContent);
      assert.ok(Number.isFinite(zText(z1)) && Number.isFinite(zText(z2)), `${z1} -> ${z2}`);
      const zChart = await page.$(`#c-z-${PAIR} svg[data-cryptolab-interactive="live"]`);
      assert.ok(zChart !== null, "no live z-score chart");
      await zChart.scrollIntoView();
      const hit = (await (await zChart.$("rect.cryptolab-hit"))!.boundingBox())!;
      await page.mouse.move(hit.x + hit.width * 0.9, hit.y + hit.height / 2);
      await page.waitForSelector(`#c-z-${PAIR} g.cryptolab-tooltip[visibility="visible"]`, {
        timeout: 5_000,
      });
      await page.evaluate("window.scrollTo(0, 0)");
      await screenshot(page, "dashboard-z-score");
      // A planted move: BTC +0.3% from now on. On a quiet window that is many standard
      // deviations of the spread: its z-score crosses +2 and the crossing rule raises an alert
      // for a bar at or after the move (an earlier natural crossing would not count).
      // Plant it while |z| < 1.4, so the crossing rule is armed (it re-arms below 2 - 0.5).
      await page.waitForFunction(
        `Math.abs(Number((document.querySelector(${
          JSON.stringify(zSel)
        })?.textContent ?? "").replace("\\u2212", "-"))) < 1.4`,
        { timeout: 30_000, polling: 200 },
      );
      const plantedAt = Date.now();
      tape.plantMove("BTCUSDT", 1.003, plantedAt);
      const crossed = (texts: string[]) =>
        texts.filter((a) => {
          const m = /BTCUSDT:ETHUSDT: spread z-score [\d.]+ crossed above \+2 \(bar (\S+)\)/.exec(
            a,
          );
          return m !== null && Date.parse(m[1]!) >= Math.floor(plantedAt / 1000) * 1000;
        });
      const shown = () =>
        page.$$eval("#alerts li", (l) => l.map((n) => (n as unknown as DomNode).textContent ?? ""));
      const until = Date.now() + 30_000;
      while (crossed(await shown()).length === 0 && Date.now() < until) {
        await new Promise((r) => setTimeout(r, 250));
      }
      const alerts = await shown();
      console.log(`alerts shown: ${JSON.stringify(alerts)}`);
      const fired = crossed(alerts);
      assert.ok(fired.length >= 1, JSON.stringify(alerts));
      assert.ok(Number(/spread z-score ([\d.]+) crossed/.exec(fired[0]!)![1]) >= 2, fired[0]);
      await page.mouse.move(0, 0);
      await screenshot(page, "dashboard-alert");
      // The README's picture: header, the pair's panel and the alerts.
      const alertsBox = (await (await page.$("#alerts"))!.boundingBox())!;
      await Deno.mkdir(SCREENSHOT_DIR, { recursive: true });
      await page.screenshot({
        path: `${SCREENSHOT_DIR}dashboard-readme.png`,
        clip: { x: 0, y: 0, width: 1200, height: alertsBox.y + alertsBox.height + 12 },
      });
      console.log(`screenshot: ${SCREENSHOT_DIR}dashboard-readme.png`);
      // The upload form imports a Binance kline CSV through import's rules and quarantine.
      const csv = `${dir}/BTCUSDT-1h-2024-01.csv`;
      await Deno.writeTextFile(csv, klineCsv());
      const input = await page.$('#upload-form input[type="file"]');
      assert.ok(input !== null, "no file input in the upload form");
      await (input as unknown as { uploadFile(...p: string[]): Promise<void> }).uploadFile(csv);
      await page.$eval('#upload-form input[name="venue"]', (n) => {
        (n as unknown as { value: string }).value = "binance";
      });
      await page.click('#upload-form button[type="submit"]');
      await page.waitForFunction(
        `/BTCUSDT-1h-2024-01\\.csv/.test(document.querySelector("#upload-result")?.textContent ?? "")`,
        { timeout: 20_000 },
      );
      const summary = await page.$eval(
        "#upload-result",
        (n) => (n as unknown as DomNode).textContent ?? "",
      );
      // The line deno task import prints for the same file.
      assert.match(
        summary,
        /BTCUSDT-1h-2024-01\.csv: binance_kline_csv binance BTCUSDT 1h rows=24 inserted=23 unchanged=0 quarantined=1 \(high < low: 1\)/,
      );
      const form = await page.$("#upload-form");
      await form!.scrollIntoView();
      await screenshot(page, "dashboard-upload");
      assert.deepEqual(log.pageErrors, []);
      assert.deepEqual(log.consoleErrors, []);
      assert.deepEqual(log.outside, [], "requests outside 127.0.0.1");
      assert.ok(log.requests.every((u) => u.startsWith(monitor.url) || /^data:/.test(u)));
    } catch (e) {
      console.log(`monitor stderr:\n${monitor.log()}`);
      throw e;
    } finally {
      await browser.close();
      const status = await monitor.stop();
      await ex.close();
      await Deno.remove(dir, { recursive: true });
      assert.equal(status.code, 0, `monitor exit ${status.code}:\n${monitor.log()}`);
    }
  },
});
