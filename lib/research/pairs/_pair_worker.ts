/**
 * Worker entry of `_pair_workers.ts` (internal): runs chunks of pair tests from shared memory
 * until none are left, then waits for the next job.
 *
 * @module
 */
import { drain, type PairWorkerJob } from "./_pair_workers.ts";
import { PairTester } from "./_pair_tests.ts";

globalThis.addEventListener("message", (e) => {
  const job = (e as MessageEvent<PairWorkerJob>).data;
  drain(new PairTester(job.prices, job.assets, job.n, job.options), job.list, job.out, job.ctl);
});
