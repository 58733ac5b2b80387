/**
 * Runs a list of pair tests on every core (internal to `screenPairs`): the calling thread and
 * up to `workers - 1` Web Workers take chunks of tests from one shared counter until none are
 * left, writing result rows into shared memory. The call stays synchronous: the calling thread
 * works too and then blocks in `Atomics.wait` until every Worker that took a chunk has written
 * it (Deno allows waiting on the main thread). Chunks are taken dynamically, so a busy core or
 * a Worker that starts late (or never: its module could not load) only shifts work to the
 * others; results are identical whoever computes them (see `_pair_tests.ts`).
 *
 * Falls back to the calling thread alone (returns false before doing anything) when Workers or
 * SharedArrayBuffer are missing, the module is not a local file, or the process may not read
 * the Worker's module (a task run with a narrow `--allow-read`).
 *
 * @module
 */
import { FIELDS, PairTester, type PairTestList, type PairTestOptions } from "./_pair_tests.ts";

/** Tests per chunk: small enough to balance two cores, large enough that the counter is idle. */
const CHUNK = 16;
// Control words: next test to hand out, threads inside a chunk loop.
const NEXT = 0, ACTIVE = 1;

const WORKER_URL = new URL("./_pair_worker.ts", import.meta.url);

/** The message a Worker receives. */
export interface PairWorkerJob {
  readonly prices: Float64Array;
  readonly assets: number;
  readonly n: number;
  readonly options: PairTestOptions;
  readonly list: PairTestList;
  readonly out: Float64Array;
  readonly ctl: Int32Array;
}

/** True when this process can start a Worker on the module beside this file. */
function workersPermitted(): boolean {
  if (typeof Worker === "undefined" || typeof SharedArrayBuffer === "undefined") return false;
  if (WORKER_URL.protocol !== "file:") return false;
  const deno = (globalThis as { Deno?: typeof Deno }).Deno;
  if (deno === undefined) return false;
  try {
    const path = decodeURIComponent(WORKER_URL.pathname);
    return deno.permissions.querySync({ name: "read", path }).state === "granted";
  } catch {
    return false;
  }
}

/** Copy into shared memory (a view of the same type). */
function shared<T extends Float64Array | Int32Array | Uint8Array>(a: T): T {
  const C = a.constructor as { new (b: SharedArrayBuffer): T; BYTES_PER_ELEMENT: number };
  const s = new C(new SharedArrayBuffer(a.length * C.BYTES_PER_ELEMENT));
  s.set(a);
  return s;
}

/** Take chunks from the shared counter and run them; the loop every thread runs. */
export function drain(
  tester: PairTester,
  list: PairTestList,
  out: Float64Array,
  ctl: Int32Array,
): void {
  const total = list.y.length;
  Atomics.add(ctl, ACTIVE, 1);
  try {
    for (;;) {
      const start = Atomics.add(ctl, NEXT, CHUNK);
      if (start >= total) break;
      const end = Math.min(total, start + CHUNK);
      for (let t = start; t < end; t++) tester.run(list, t, out);
    }
  } finally {
    Atomics.sub(ctl, ACTIVE, 1);
    Atomics.notify(ctl, ACTIVE);
  }
}

/**
 * Run every test of `list` into `out` (FIELDS numbers per test) on `workers` threads in all
 * (the calling thread included). Returns false, having run nothing, when Workers cannot be used
 * here; the caller then runs the tests itself.
 */
export function runOnWorkers(
  prices: Float64Array,
  assets: number,
  n: number,
  options: PairTestOptions,
  list: PairTestList,
  out: Float64Array,
  workers: number,
): boolean {
  if (workers < 2 || !workersPermitted()) return false;
  const job: PairWorkerJob = {
    prices: shared(prices),
    assets,
    n,
    options,
    list: {
      y: shared(list.y),
      x: shared(list.x),
      m: shared(list.m),
      refuse: shared(list.refuse),
      corr: shared(list.corr),
    },
    out: new Float64Array(new SharedArrayBuffer(out.length * 8)),
    ctl: new Int32Array(new SharedArrayBuffer(8)),
  };
  const started: Worker[] = [];
  try {
    for (let w = 1; w < workers; w++) {
      const worker = new Worker(WORKER_URL, { type: "module" });
      started.push(worker);
      worker.postMessage(job);
    }
  } catch {
    // Not allowed after all (a permission or platform refusal): the calling thread does it all.
  }
  drain(new PairTester(prices, assets, n, options), job.list, job.out, job.ctl);
  // Every chunk is taken; wait for the threads still inside one. A Worker that starts from now
  // on finds the counter exhausted and leaves at once.
  for (;;) {
    const active = Atomics.load(job.ctl, ACTIVE);
    if (active === 0) break;
    Atomics.wait(job.ctl, ACTIVE, active, 1000);
  }
  for (const w of started) w.terminate();
  out.set(job.out);
  return true;
}

/** Rows per test (re-exported for the caller's buffer). */
export { FIELDS };
