/**
 * `window.cryptolabCharts.lineChart` in Chromium under the dashboard's kind of policy
 * (`default-src 'none'`, scripts only by hash, `style-src 'none'`): it draws, hovers, zooms,
 * keeps the zoom across `update`, resets on double-click, and violates no directive.
 */
import assert from "node:assert/strict";
import { cspScriptHash, INTERACTIVE_CLIENT_JS } from "@lib/report/interactive/mod.ts";
import { type DomNode, findChromium, launchBrowser, screenshot, watchPage } from "./_browser.ts";

const chromium = findChromium();
if (chromium.path === null) console.log(`skipping browser tests: ${chromium.reason}`);

const T0 = Date.UTC(2025, 0, 1);
const MIN = 60_000;

const PAGE_JS = `
const t = Array.from({ length: 120 }, (_, i) => ${T0} + i * ${MIN});
const series = (n) => [
  { name: "z-score", t: t.slice(0, n), y: t.slice(0, n).map((_, i) => 2.5 * Math.sin(i / 9)) },
  { name: "spread", t: t.slice(0, n), y: t.slice(0, n).map((_, i) => i % 17 === 5 ? null : Math.cos(i / 7)) },
];
window.chart = window.cryptolabCharts.lineChart(document.getElementById("c"),
  { series: series(90), bands: [-2, 0, 2], yLabel: "z-score" });
window.grow = () => window.chart.update({ series: series(120), bands: [-2, 0, 2], yLabel: "z-score" });
`;

function page(): string {
  const csp = `default-src 'none'; script-src ${cspScriptHash(INTERACTIVE_CLIENT_JS)} ${
    cspScriptHash(PAGE_JS)
  }; style-src 'none'`;
  return `<!DOCTYPE html><html><head><meta charset="utf-8">` +
    `<meta http-equiv="Content-Security-Policy" content="${csp}"></head><body>` +
    `<div id="c"></div><script>${INTERACTIVE_CLIENT_JS}</script><script>${PAGE_JS}</script>` +
    `</body></html>`;
}

Deno.test({
  name: "live line chart: hover, zoom kept across update, reset, strict CSP",
  ignore: chromium.path === null,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "cryptolab-browser-" });
    const file = `${dir}/live.html`;
    await Deno.writeTextFile(file, page());
    const browser = await launchBrowser(chromium.path!);
    try {
      const p = await browser.newPage();
      await p.setViewport({ width: 900, height: 400 });
      const log = await watchPage(p);
      await p.goto(`file://${file}`, { waitUntil: "load" });
      const svg = await p.$('#c svg[data-cryptolab-interactive="live"]');
      assert.ok(svg !== null, "no live chart drawn");
      assert.equal(await svg.$$eval("path", (l) => l.length), 2);
      const box = (await (await svg.$("rect.cryptolab-hit"))!.boundingBox())!;
      const at = (f: number) => box.x + f * box.width;
      await p.mouse.move(at(0.5), box.y + box.height / 2);
      const rows = () =>
        p.$eval("#c g.cryptolab-tooltip", (n) => {
          const g = n as unknown as DomNode;
          return {
            visible: g.getAttribute("visibility"),
            rows: Array.from(g.querySelectorAll("tspan.cryptolab-tooltip-row")).map((r) =>
              r.textContent ?? ""
            ),
            head: g.querySelector("text > tspan")?.textContent ?? "",
          };
        });
      const tip = await rows();
      assert.equal(tip.visible, "visible");
      assert.match(tip.head, /^2025-01-01 00:\d\d UTC$/);
      assert.equal(tip.rows.length, 2);
      assert.match(tip.rows[0]!, /^● z-score: −?\d/);
      await screenshot(p, "live-chart-hover");
      // Drag from 25% to 50% of the width.
      await p.mouse.move(at(0.25), box.y + 20);
      await p.mouse.down();
      await p.mouse.move(at(0.4), box.y + 20, { steps: 4 });
      await p.mouse.move(at(0.5), box.y + 20, { steps: 4 });
      await p.mouse.up();
      const zoom = await p.$eval(
        "#c svg",
        (s) => (s as unknown as DomNode).getAttribute("data-cryptolab-zoom"),
      );
      assert.ok(zoom !== null, "no zoom after a drag");
      const [z0, z1] = zoom.split(",").map(Number) as [number, number];
      const full = 89 * MIN;
      assert.ok(Math.abs(z0 - (T0 + 0.25 * full)) < 3 * MIN, `zoom starts at ${z0 - T0}`);
      assert.ok(Math.abs(z1 - (T0 + 0.5 * full)) < 3 * MIN, `zoom ends at ${z1 - T0}`);
      await screenshot(p, "live-chart-zoomed");
      // New bars arrive: the user's zoom stays.
      await p.evaluate("window.grow()");
      assert.equal(
        await p.$eval(
          "#c svg",
          (s) => (s as unknown as DomNode).getAttribute("data-cryptolab-zoom"),
        ),
        zoom,
      );
      await p.mouse.click(at(0.5), box.y + box.height / 2, { count: 2 });
      assert.equal(
        await p.$eval(
          "#c svg",
          (s) => (s as unknown as DomNode).getAttribute("data-cryptolab-zoom"),
        ),
        null,
      );
      // After the reset the x axis spans all 120 bars: hover at the right edge shows the last one.
      await p.mouse.move(box.x + box.width - 1, box.y + box.height / 2);
      assert.equal((await rows()).head, "2025-01-01 01:59 UTC");
      assert.equal(await p.$$eval("#c svg", (l) => l.length), 1, "old svgs left behind");
      assert.deepEqual(log.pageErrors, []);
      assert.deepEqual(log.consoleErrors, [], "console errors (a CSP violation is one)");
      assert.deepEqual(log.outside, []);
    } finally {
      await browser.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
