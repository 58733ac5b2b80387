/**
 * `deno task report` on real Binance hourly bars of 24 assets (more than a legend can hold),
 * opened in headless Chromium at 1600 px: no console error, no request, the page uses the
 * window's width without overflowing it, wide tables scroll inside their frame with a sticky
 * first column, and the multi-asset charts summarize instead of listing 24 legend entries.
 * The screenshot is kept in /tmp for a human to look at.
 */
import assert from "node:assert/strict";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { openStore } from "@lib/store/db.ts";
import { importPaths } from "@lib/ingest/import_path.ts";
import { realDataTest, realPath } from "../_shared/real_data.ts";
import { REPORT_TASK_PERMISSIONS, runTaskSync } from "../_shared/run_task.ts";
import { checkPage, HAS_CHROMIUM } from "../demo/_chromium.ts";

const BASES = [
  "BTC",
  "ETH",
  "ADA",
  "DOT",
  "LINK",
  "LTC",
  "XRP",
  "BCH",
  "EOS",
  "TRX",
  "XLM",
  "ATOM",
  "ALGO",
  "AAVE",
  "UNI",
  "SOL",
  "AVAX",
  "DOGE",
  "FIL",
  "NEO",
  "ZEC",
  "XMR",
  "DASH",
  "ETC",
]; // deno-fmt-ignore

const LAYOUT = `JSON.stringify({
  pageWidth: document.documentElement.scrollWidth,
  contentWidth: document.querySelector(".page").clientWidth,
  wraps: [...document.querySelectorAll(".table-wrap")].filter((w) => w.offsetParent !== null)
    .map((w) => ({ scroll: w.scrollWidth, client: w.clientWidth,
      sticky: getComputedStyle(w.querySelector("tbody td")).position })),
  svgOverflow: [...document.querySelectorAll(".chart .plot svg")]
    .filter((s) => s.getBoundingClientRect().right > window.innerWidth + 1).length,
})`;

realDataTest("the report of 24 real assets reads well at 1600 px in Chromium", async () => {
  if (!HAS_CHROMIUM) {
    console.log("skipping the Chromium check: /usr/bin/chromium not found");
    return;
  }
  const tmp = Deno.makeTempDirSync({ prefix: "cryptolab-report-page-" });
  try {
    const db = join(tmp, "real.db");
    const store = openStore(db);
    try {
      const nfi = realPath("ohlcv", "binance_spot_2020-12_2021-07_nfi", "1h");
      const r = await importPaths(store.db, BASES.map((b) => join(nfi, `${b}_USDT-1h.json`)), {
        venue: "binance",
        freq: "1h",
      });
      assert.ok(r.files.every((f) => f.status === "imported"));
    } finally {
      store.close();
    }
    const out = runTaskSync("report", [
      "--db",
      db,
      "--out",
      join(tmp, "out"),
      "--signals",
      "momentum_24,reversal_1",
      "--run-id",
      "page",
    ], { permissions: REPORT_TASK_PERMISSIONS });
    assert.equal(out.code, 0, out.stderr);
    const html = join(tmp, "out", "page", "report.html");
    const text = readFileSync(html, "utf8");
    // 24 series: a summary, not a 24-entry legend.
    assert.match(text, /median of 24/);
    assert.match(text, /median of 23/); // the beta charts leave the benchmark out
    const shot = "/tmp/cryptolab-report-real-1600.png";
    const page = await checkPage(pathToFileURL(html).href, {
      width: 1600,
      shots: [{ path: shot, y: 0, height: 1000 }],
      evaluate: LAYOUT,
    });
    assert.deepEqual(page.errors, []);
    assert.deepEqual(page.requests, []);
    assert.ok(existsSync(shot));
    const layout = JSON.parse(String(page.evaluated)) as {
      pageWidth: number;
      contentWidth: number;
      wraps: { scroll: number; client: number; sticky: string }[];
      svgOverflow: number;
    };
    assert.ok(layout.pageWidth <= 1600, `the page overflows the window: ${layout.pageWidth}px`);
    assert.ok(layout.contentWidth >= 1400, `the page uses ${layout.contentWidth}px of 1600`);
    assert.equal(layout.svgOverflow, 0, "a chart runs off the window");
    assert.ok(layout.wraps.length > 0);
    for (const w of layout.wraps) assert.equal(w.sticky, "sticky");
  } finally {
    rmSync(tmp, { recursive: true });
  }
});
