import assert from "node:assert/strict";
import { type DisplayCallOptions, type MimeBundle, progress } from "@lib/display/mod.ts";

Deno.test("outside the kernel, lines are throttled to one per interval plus the final state", async () => {
  const lines: string[] = [];
  let t = 0;
  const p = progress(1000, { label: "sim", write: (l) => lines.push(l), now: () => t });
  for (let i = 1; i <= 1000; i++) {
    t += 5; // 5 s in total, 1 s interval: about one line per second
    await p.update(i);
  }
  await p.done();
  assert.deepEqual(lines, [
    "sim: 0/1000 (0.0%) 0.0s",
    "sim: 200/1000 (20.0%) 1.0s",
    "sim: 400/1000 (40.0%) 2.0s",
    "sim: 600/1000 (60.0%) 3.0s",
    "sim: 800/1000 (80.0%) 4.0s",
    "sim: 1000/1000 (100.0%) 5.0s",
    "sim: 1000/1000 (100.0%) 5.0s done",
  ]);
  assert.equal(p.current, 1000);
  // after done, nothing more is written
  await p.update(3);
  await p.done();
  assert.equal(lines.length, 7);
});

Deno.test("done() fills the bar even when updates stopped early", async () => {
  const lines: string[] = [];
  const p = progress(10, { write: (l) => lines.push(l), now: () => 0, intervalMs: 0 });
  await p.update(4);
  await p.done();
  assert.equal(lines.at(-1), "progress: 10/10 (100.0%) 0.0s done");
});

Deno.test("in a notebook the bar is displayed once, then updated in place", async () => {
  const sent: { bundle: MimeBundle; options: DisplayCallOptions }[] = [];
  let t = 0;
  const target = {
    async send(bundle: MimeBundle, options: DisplayCallOptions) {
      await new Promise((r) => setTimeout(r, 1)); // a slow kernel must not reorder messages
      sent.push({ bundle, options });
    },
  };
  const p = progress(3, { label: "<b>fill</b>", target, now: () => t });
  for (let i = 1; i <= 3; i++) {
    t += 300;
    p.update(i); // not awaited, as in a synchronous loop
  }
  await p.done();
  assert.equal(sent.length, 5);
  const id = sent[0]!.options.displayId;
  assert.ok(id !== undefined && id.startsWith("cryptolab-progress-"));
  assert.deepEqual(sent.map((s) => s.options.update), [false, true, true, true, true]);
  assert.ok(sent.every((s) => s.options.displayId === id));
  assert.deepEqual(sent.map((s) => s.bundle["text/plain"]), [
    "<b>fill</b>: 0/3 (0.0%) 0.0s",
    "<b>fill</b>: 1/3 (33.3%) 0.3s",
    "<b>fill</b>: 2/3 (66.7%) 0.6s",
    "<b>fill</b>: 3/3 (100.0%) 0.9s",
    "<b>fill</b>: 3/3 (100.0%) 0.9s done",
  ]);
  const last = sent.at(-1)!.bundle["text/html"]!;
  assert.ok(last.includes('data-state="done"'));
  assert.ok(last.includes('<progress value="3" max="3"'));
  assert.ok(last.includes("&lt;b&gt;fill&lt;/b&gt;") && !last.includes("<b>fill"));
});

Deno.test("two bars get different display ids", async () => {
  const ids: (string | undefined)[] = [];
  const target = {
    send(_: MimeBundle, o: DisplayCallOptions) {
      ids.push(o.displayId);
      return Promise.resolve();
    },
  };
  await progress(1, { target }).done();
  await progress(1, { target }).done();
  assert.notEqual(ids[0], ids[2]);
});

Deno.test("progress rejects a bad total or count", () => {
  assert.throws(() => progress(-1), /total must be a finite number >= 0, got -1/);
  const p = progress(1, { write: () => {} });
  assert.throws(() => p.update(NaN), /done must be a finite number, got NaN/);
});
