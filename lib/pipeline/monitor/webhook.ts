/**
 * Alert webhooks: POST each stored alert to the URLs it was queued for (the outbox of
 * `lib/store/monitor_webhooks.ts`), with retries, exponential backoff and an `Idempotency-Key`
 * header, so that after a restart nothing queued is lost and nothing delivered is sent again.
 *
 * Delivery is at least once: an attempt is recorded (one appended row, which is what marks it
 * delivered) right after the response arrives. A process killed between the receiver's
 * response and that write sends the alert once more after the restart, with the SAME
 * `Idempotency-Key` (the alert id) and the same body, so the receiver can drop the repeat. A
 * delivery recorded as delivered is never sent again.
 *
 * @module
 */
import type { DatabaseSync } from "node:sqlite";
import {
  pendingDeliveries,
  type PendingDelivery,
  recordDeliveryAttempt,
} from "@lib/store/monitor_webhooks.ts";
import type { StoredMonitorAlert } from "@lib/store/monitor_alerts.ts";

/** Options of webhook delivery; defaults in {@link WEBHOOK_DEFAULTS}. */
export interface WebhookOptions {
  /** Attempts per delivery before it is abandoned (recorded as `abandoned`). @default 8 */
  readonly maxAttempts?: number;
  /** Wait after the first failure, doubled after each further one. @default 1000 */
  readonly baseDelayMs?: number;
  /** Longest wait between attempts (also caps a `Retry-After`). @default 60_000 */
  readonly maxDelayMs?: number;
  /** Time allowed for one request and its response. @default 5000 */
  readonly timeoutMs?: number;
  /** The HTTP client (tests pass one). @default globalThis.fetch */
  readonly fetch?: typeof fetch;
  /** Clock, UTC ms. @default Date.now */
  readonly now?: () => number;
  /** One human line per failed or abandoned delivery. */
  readonly log?: (line: string) => void;
}

/** Defaults of {@link WebhookOptions}, stated once. */
export const WEBHOOK_DEFAULTS = {
  maxAttempts: 8,
  baseDelayMs: 1000,
  maxDelayMs: 60_000,
  timeoutMs: 5000,
} as const;

/**
 * Refuse a webhook URL that is not http(s); the error names the `--webhook` flag.
 *
 * @example
 * ```ts
 * import { checkWebhookUrl } from "@lib/pipeline/monitor/webhook.ts";
 * import assert from "node:assert/strict";
 * assert.equal(checkWebhookUrl("http://127.0.0.1:8080/hook"), "http://127.0.0.1:8080/hook");
 * assert.throws(() => checkWebhookUrl("ftp://x"), /--webhook/);
 * ```
 */
export function checkWebhookUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new RangeError(`--webhook: "${url}" is not a URL; give one like https://host/path`);
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") {
    throw new RangeError(`--webhook: "${url}" must be an http:// or https:// URL`);
  }
  return url;
}

/**
 * The wait after the `attempt`-th failure (1-based): `baseDelayMs * 2^(attempt - 1)`, at most
 * `maxDelayMs`.
 *
 * @example
 * ```ts
 * import { backoffMs } from "@lib/pipeline/monitor/webhook.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual([1, 2, 3, 10].map((a) => backoffMs(a)), [1000, 2000, 4000, 60000]);
 * ```
 */
export function backoffMs(attempt: number, options: WebhookOptions = {}): number {
  const base = options.baseDelayMs ?? WEBHOOK_DEFAULTS.baseDelayMs;
  const max = options.maxDelayMs ?? WEBHOOK_DEFAULTS.maxDelayMs;
  return Math.min(max, base * 2 ** Math.max(0, attempt - 1));
}

/** The JSON body sent for an alert (the same bytes on every attempt). */
export function webhookBody(alert: StoredMonitorAlert): string {
  return JSON.stringify({
    id: alert.id,
    rule: alert.ruleId,
    kind: alert.kind,
    subject: alert.subject,
    ts: alert.ts,
    time: new Date(alert.ts).toISOString(),
    value: Number.isFinite(alert.value) ? alert.value : null,
    threshold: alert.threshold,
    side: alert.side,
    message: alert.message,
  });
}

/** What one {@link deliverDueWebhooks} pass did. */
export interface WebhookPass {
  readonly delivered: number;
  readonly failed: number;
  readonly abandoned: number;
  /** When the next pending delivery is due (UTC ms), or undefined when none is pending. */
  readonly nextDueAt: number | undefined;
}

/** A status the receiver will not accept on a retry (client errors except timeout/too many). */
function permanent(status: number): boolean {
  return status >= 400 && status < 500 && status !== 408 && status !== 425 && status !== 429;
}

function retryAfterMs(h: string | null): number | undefined {
  if (h === null) return undefined;
  const s = Number(h);
  if (Number.isFinite(s) && s >= 0) return s * 1000;
  const d = Date.parse(h);
  return Number.isFinite(d) ? Math.max(0, d - Date.now()) : undefined;
}

async function attempt(
  db: DatabaseSync,
  d: PendingDelivery,
  options: WebhookOptions,
): Promise<"delivered" | "failed" | "abandoned"> {
  const doFetch = options.fetch ?? globalThis.fetch;
  const now = options.now ?? Date.now;
  const maxAttempts = options.maxAttempts ?? WEBHOOK_DEFAULTS.maxAttempts;
  const n = d.attempts + 1;
  const timeout = AbortSignal.timeout(options.timeoutMs ?? WEBHOOK_DEFAULTS.timeoutMs);
  let status: number | undefined, error: string | undefined, wait: number | undefined;
  try {
    const res = await doFetch(d.url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "idempotency-key": d.alert.id,
        "x-cryptolab-alert-id": d.alert.id,
        "x-cryptolab-delivery-attempt": String(n),
      },
      body: webhookBody(d.alert),
      signal: timeout,
    });
    status = res.status;
    wait = retryAfterMs(res.headers.get("retry-after"));
    await res.body?.cancel();
    if (res.ok) {
      recordDeliveryAttempt(db, {
        outboxId: d.outboxId,
        at: now(),
        outcome: "delivered",
        httpStatus: status,
      });
      return "delivered";
    }
    error = `HTTP ${status} ${res.statusText}`.trim();
  } catch (e) {
    error = (e as Error).name === "TimeoutError"
      ? `no response within ${options.timeoutMs ?? WEBHOOK_DEFAULTS.timeoutMs} ms`
      : (e as Error).message;
  }
  const at = now();
  const give = (status !== undefined && permanent(status)) || n >= maxAttempts;
  if (give) {
    recordDeliveryAttempt(db, {
      outboxId: d.outboxId,
      at,
      outcome: "abandoned",
      httpStatus: status,
      error,
    });
    options.log?.(
      `webhook: alert ${d.alert.id} to ${d.url} abandoned after ${n} attempt(s): ${error}`,
    );
    return "abandoned";
  }
  const delay = Math.min(
    options.maxDelayMs ?? WEBHOOK_DEFAULTS.maxDelayMs,
    Math.max(backoffMs(n, options), wait ?? 0),
  );
  recordDeliveryAttempt(db, {
    outboxId: d.outboxId,
    at,
    outcome: "failed",
    httpStatus: status,
    error,
    nextAttemptAt: at + delay,
  });
  options.log?.(
    `webhook: alert ${d.alert.id} to ${d.url} failed (attempt ${n} of ${maxAttempts}: ${error}); ` +
      `next try in ${Math.round(delay / 1000)} s`,
  );
  return "failed";
}

/**
 * One pass over the outbox: every delivery due now is attempted once, in queue order. A 2xx
 * response marks it delivered; a network error, a timeout, a 5xx, 408, 425 or 429 schedules
 * the next attempt after {@link backoffMs} (or the response's `Retry-After`, capped by
 * `maxDelayMs`); any other 4xx, or the `maxAttempts`-th failure, abandons it (recorded with the
 * reason and logged). Each request carries `Idempotency-Key: <alert id>`,
 * `X-Cryptolab-Alert-Id` and `X-Cryptolab-Delivery-Attempt`, and the body of
 * {@link webhookBody}. Aborting `signal` stops the pass between requests: the request in
 * flight is let finish (at most `timeoutMs`) and recorded, so stopping does not cause a repeat.
 */
export async function deliverDueWebhooks(
  db: DatabaseSync,
  options: WebhookOptions = {},
  signal?: AbortSignal,
): Promise<WebhookPass> {
  const now = options.now ?? Date.now;
  let delivered = 0, failed = 0, abandoned = 0;
  for (const d of pendingDeliveries(db, { dueBy: now() })) {
    if (signal?.aborted) break;
    const r = await attempt(db, d, options);
    if (r === "delivered") delivered++;
    else if (r === "failed") failed++;
    else abandoned++;
  }
  const rest = pendingDeliveries(db);
  const nextDueAt = rest.length === 0 ? undefined : Math.min(...rest.map((d) => d.dueAt));
  return { delivered, failed, abandoned, nextDueAt };
}

/** A running webhook worker. */
export interface WebhookWorker {
  /** Deliver now (call after `insertAlerts` queued something). */
  kick(): void;
  /** Stop after the request in flight has been answered and recorded, and wait. */
  stop(): Promise<void>;
}

/**
 * Deliver the outbox in the background until stopped: a pass at start (what a restart left
 * pending is sent first), after each {@link WebhookWorker.kick}, and when the next retry is due
 * (checked at least every `pollMs`). Errors of the store are logged and retried at the next
 * poll.
 *
 * @example Start and stop (nothing queued)
 * ```ts
 * import { openStore } from "@lib/store/db.ts";
 * import { startWebhookWorker } from "@lib/pipeline/monitor/webhook.ts";
 * const { db } = openStore(":memory:");
 * const worker = startWebhookWorker(db, { pollMs: 50 });
 * await worker.stop();
 * ```
 */
export function startWebhookWorker(
  db: DatabaseSync,
  options: WebhookOptions & { readonly pollMs?: number } = {},
): WebhookWorker {
  const stopper = new AbortController();
  const pollMs = options.pollMs ?? 1000;
  const now = options.now ?? Date.now;
  let wake: (() => void) | undefined;
  let kicked = false;
  const loop = (async () => {
    while (!stopper.signal.aborted) {
      kicked = false;
      let wait = pollMs;
      try {
        const pass = await deliverDueWebhooks(db, options, stopper.signal);
        if (pass.nextDueAt !== undefined) {
          wait = Math.min(wait, Math.max(0, pass.nextDueAt - now()));
        }
      } catch (e) {
        if (stopper.signal.aborted) break;
        options.log?.(`webhook: delivery pass failed: ${(e as Error).message}`);
      }
      if (kicked || stopper.signal.aborted) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, wait);
        function done() {
          clearTimeout(timer);
          wake = undefined;
          resolve();
        }
        wake = done;
      });
    }
  })();
  return {
    kick() {
      kicked = true;
      wake?.();
    },
    async stop() {
      stopper.abort();
      wake?.();
      await loop;
    },
  };
}
