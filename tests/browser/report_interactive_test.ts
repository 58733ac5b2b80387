/**
 * A static report in Chromium: hovering a time-series chart shows the crosshair and a tooltip
 * with every series' value at the nearest time, dragging zooms the time axis, a double-click
 * resets, and the page logs no error and requests nothing outside file://.
 */
import assert from "node:assert/strict";
import { renderHtml } from "@lib/report/html.ts";
import { figures, fixtureModel, INDEX, XSS_SCRIPT } from "../report/_fixture.ts";
import { tearFigures } from "../report/_tear_fixture.ts";
import { chartDataFromTidy } from "@lib/report/interactive/mod.ts";
import type { FigureBlock } from "@lib/report/model.ts";
import { buildResearchReport } from "@lib/report/research_report.ts";
import { loadDataset } from "@lib/panel/load_dataset.ts";
import { openStore } from "@lib/store/db.ts";
import { simulateMarket, writeSimMarket } from "@lib/sim/mod.ts";
import { type DomNode, findChromium, launchBrowser, screenshot, watchPage } from "./_browser.ts";

const chromium = findChromium();
if (chromium.path === null) console.log(`skipping browser tests: ${chromium.reason}`);

Deno.test({
  name: "static report: hover tooltip, drag zoom and double-click reset in Chromium",
  ignore: chromium.path === null,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "cryptolab-browser-" });
    const file = `${dir}/report.html`;
    await Deno.writeTextFile(file, renderHtml(fixtureModel("browser-test")));
    const browser = await launchBrowser(chromium.path!);
    try {
      const page = await browser.newPage();
      await page.setViewport({ width: 1400, height: 900 });
      const log = await watchPage(page);
      const dialogs: string[] = [];
      page.on("dialog", (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      await page.goto(`file://${file}`, { waitUntil: "load" });
      const count = await page.$$eval('svg[data-cryptolab-interactive="static"]', (l) => l.length);
      // The fixture's two time-series figures (cumulative returns, rolling beta); the others
      // (bars, heatmaps) stay static.
      assert.equal(count, 2, `${count} charts became interactive`);
      const chart = await page.$('[id$="cumulative"] svg[data-cryptolab-interactive]') ??
        await page.$('svg[data-cryptolab-interactive="static"]');
      assert.ok(chart !== null);
      await chart.scrollIntoView();
      const hit = await chart.$("rect.cryptolab-hit");
      const box = (await hit!.boundingBox())!;
      // Hover at the middle of the plot.
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      const tip = await chart.$eval("g.cryptolab-tooltip", (node) => {
        const g = node as unknown as DomNode;
        return {
          visible: g.getAttribute("visibility"),
          rows: Array.from(g.querySelectorAll("tspan.cryptolab-tooltip-row")).map((t) =>
            t.textContent
          ),
          head: g.querySelector("text > tspan")?.textContent ?? "",
        };
      });
      assert.equal(tip.visible, "visible");
      assert.match(tip.head, /^2024-01-0[12] \d\d:00 UTC$/);
      assert.equal(tip.rows.length, 4, `tooltip rows: ${JSON.stringify(tip.rows)}`);
      // A hostile series name is shown as text, not markup.
      assert.ok(tip.rows.some((r) => r?.includes(`${XSS_SCRIPT}: `)), JSON.stringify(tip.rows));
      await screenshot(page, "report-hover");
      // Drag over the middle third: the chart zooms to that range.
      await page.mouse.move(box.x + box.width / 3, box.y + box.height / 2);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 5 });
      await page.mouse.move(box.x + (2 * box.width) / 3, box.y + box.height / 2, { steps: 5 });
      await page.mouse.up();
      const zoom = await chart.evaluate((s) => s.getAttribute("data-cryptolab-zoom"));
      assert.ok(zoom !== null, "no zoom after a drag");
      const [t0, t1] = zoom.split(",").map(Number) as [number, number];
      const full = INDEX[INDEX.length - 1]! - INDEX[0]!;
      assert.ok(t1 - t0 < full / 2 && t1 - t0 > full / 5, `zoomed span ${t1 - t0} of ${full}`);
      assert.ok(t0 > INDEX[0]! + full / 4 && t1 < INDEX[INDEX.length - 1]! - full / 4);
      assert.ok(await chart.$("g.cryptolab-zoom-axis") !== null, "no zoomed axis");
      // y is refitted to the visible points: Plot's y axis hidden, ours drawn within them.
      const yTicks = await chart.$$eval(
        "g.cryptolab-zoom-yaxis text",
        (l) =>
          l.map((t) =>
            Number(((t as unknown as DomNode).textContent ?? "").replace("\u2212", "-"))
          ),
      );
      assert.ok(yTicks.length >= 2, `zoomed y ticks ${yTicks}`);
      assert.equal(
        await chart.$eval(
          'g[aria-label="y-axis tick label"]',
          (g) => (g as unknown as DomNode).getAttribute("visibility"),
        ),
        "hidden",
      );
      await screenshot(page, "report-zoomed");
      await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2, { count: 2 });
      assert.equal(await chart.evaluate((s) => s.getAttribute("data-cryptolab-zoom")), null);
      assert.equal(await chart.$("g.cryptolab-zoom-axis"), null);
      assert.deepEqual(dialogs, [], "a dialog opened (a data string ran as script)");
      assert.deepEqual(log.pageErrors, []);
      assert.deepEqual(log.consoleErrors, []);
      assert.deepEqual(log.outside, []);
    } finally {
      await browser.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "static report: every time-series chart kind of the fixtures becomes interactive",
  ignore: chromium.path === null,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const all = { ...figures(), ...tearFigures() };
    const blocks = Object.entries(all).map(([id, f]) => ({ ...f, id: `fig-${id}` }));
    const base = fixtureModel("browser-all");
    const model = { ...base, sections: [{ id: "all", title: "All charts", blocks }] };
    const timeSeries = blocks.filter((b) => chartDataFromTidy(b.tidy) !== null).map((b) => b.id);
    assert.ok(timeSeries.length >= 8, `only ${timeSeries.length} time-series figures`);
    const dir = await Deno.makeTempDir({ prefix: "cryptolab-browser-" });
    const file = `${dir}/report.html`;
    await Deno.writeTextFile(file, renderHtml(model));
    const browser = await launchBrowser(chromium.path!);
    try {
      const page = await browser.newPage();
      await page.setViewport({ width: 1400, height: 900 });
      const log = await watchPage(page);
      await page.goto(`file://${file}`, { waitUntil: "load" });
      let refitted = 0;
      for (const id of timeSeries) {
        const svg = await page.$(`#${id} svg[data-cryptolab-interactive="static"]`);
        assert.ok(svg !== null, `${id} did not become interactive`);
        await svg.scrollIntoView();
        const box = (await (await svg.$("rect.cryptolab-hit"))!.boundingBox())!;
        await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2);
        const rows = await svg.$$eval(
          "g.cryptolab-tooltip tspan.cryptolab-tooltip-row",
          (l) => l.length,
        );
        assert.ok(rows >= 1, `${id}: no tooltip row`);
        // at least one dot sits on a drawn line
        assert.ok((await svg.$$("g.cryptolab-dots circle")).length >= 1, `${id}: no dot`);
        await page.mouse.move(box.x + box.width * 0.2, box.y + box.height / 2);
        await page.mouse.down();
        await page.mouse.move(box.x + box.width * 0.5, box.y + box.height / 2, { steps: 4 });
        await page.mouse.up();
        assert.ok(
          await svg.evaluate((s) => (s as unknown as DomNode).getAttribute("data-cryptolab-zoom")),
          `${id}: no zoom`,
        );
        if (await svg.$("g.cryptolab-zoom-yaxis text") !== null) refitted++;
      }
      // every chart kind of the fixtures has a linear or log y scale
      assert.equal(refitted, timeSeries.length, "charts whose y was not refitted on zoom");
      await screenshot(page, "report-all-charts");
      assert.deepEqual(log.pageErrors, []);
      assert.deepEqual(log.consoleErrors, []);
      assert.deepEqual(log.outside, []);
    } finally {
      await browser.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test({
  name: "research report on the simulated market: every time-series figure hovers and zooms",
  ignore: chromium.path === null,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const market = simulateMarket({ seed: 5, assets: 7, freq: "1h", bars: 24 * 20 });
    const { db } = openStore(":memory:");
    writeSimMarket(db, market);
    const model = buildResearchReport(loadDataset(db, { venue: "sim", freq: "1h" }), {
      signals: ["momentum_24", "low_vol_48"],
      horizons: [1, 24],
      pairsTop: 5,
      runId: "browser-research",
      git: { commit: "unknown", dirty: null },
    });
    db.close();
    const timeSeries = model.sections.flatMap((s) => s.blocks)
      .filter((b): b is FigureBlock => b.type === "figure" && chartDataFromTidy(b.tidy) !== null)
      .map((b) => b.id);
    assert.ok(timeSeries.length >= 4, `time-series figures: ${timeSeries.join(", ")}`);
    const dir = await Deno.makeTempDir({ prefix: "cryptolab-browser-" });
    const file = `${dir}/report.html`;
    await Deno.writeTextFile(file, renderHtml(model));
    const browser = await launchBrowser(chromium.path!);
    try {
      const page = await browser.newPage();
      await page.setViewport({ width: 1400, height: 900 });
      const log = await watchPage(page);
      await page.goto(`file://${file}`, { waitUntil: "load" });
      for (const id of timeSeries) {
        const svg = await page.$(`[id="${id}"] svg[data-cryptolab-interactive="static"]`);
        assert.ok(svg !== null, `${id} did not become interactive`);
        await svg.scrollIntoView();
        const box = (await (await svg.$("rect.cryptolab-hit"))!.boundingBox())!;
        await page.mouse.move(box.x + box.width * 0.75, box.y + box.height / 2);
        const rows = await svg.$$eval(
          "g.cryptolab-tooltip tspan.cryptolab-tooltip-row",
          (l) => l.length,
        );
        assert.ok(rows >= 1, `${id}: no tooltip row`);
        await page.mouse.move(box.x + box.width * 0.4, box.y + box.height / 2);
        await page.mouse.down();
        await page.mouse.move(box.x + box.width * 0.7, box.y + box.height / 2, { steps: 4 });
        await page.mouse.up();
        assert.ok(
          await svg.evaluate((s) => (s as unknown as DomNode).getAttribute("data-cryptolab-zoom")),
          `${id}: no zoom`,
        );
      }
      await screenshot(page, "research-report-zoomed");
      assert.deepEqual(log.pageErrors, []);
      assert.deepEqual(log.consoleErrors, []);
      assert.deepEqual(log.outside, []);
    } finally {
      await browser.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
