/**
 * Run by pairs_screen_identity_test.ts in a child process with NO read permission, so the
 * Workers of screenPairs may not load their module: prints the digest of a 231-test screen
 * (enough to ask for Workers), which must equal the one computed on a single thread.
 *
 * @module
 */
import { screenPairs } from "@lib/research/pairs/screen_pairs.ts";
import { digest, simulatedUniverse } from "./_screen_digest.ts";

const s = simulatedUniverse(22, 900);
console.log(digest(screenPairs(s.series, s.names, { workers: 2 })));
