/**
 * An injected `fetch` for provider tests (no network), and an assertion that a call fails with
 * a ProviderError.
 *
 * @module
 */
import assert from "node:assert/strict";
import { ProviderError } from "@lib/providers/types.ts";

/** A fetch answering each request with `answer(url)` (a body or a Response); records URLs. */
export function fakeFetch(answer: (url: URL) => string | Response) {
  const urls: URL[] = [];
  const fetch = (u: string) => {
    const url = new URL(u);
    urls.push(url);
    const a = answer(url);
    return Promise.resolve(typeof a === "string" ? new Response(a) : a);
  };
  return { fetch, urls };
}

/** Await `p`, assert it rejects with a ProviderError, and return that error. */
export async function rejects(p: Promise<unknown>): Promise<ProviderError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof ProviderError, `expected a ProviderError, got ${e}`);
    return e;
  }
  assert.fail("expected a ProviderError, got a result");
}
