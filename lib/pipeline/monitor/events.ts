/**
 * The monitor's event feed: one numbered sequence of events (a bar closed, a pair's analytics
 * were recomputed, an alert fired, a paper fill), delivered to Server-Sent-Events subscribers
 * as they happen and kept in a ring so a polling client (`/api/poll?since=N`) or a reconnecting
 * EventSource (`Last-Event-ID`) gets what it missed.
 *
 * @module
 */

/** One event of the feed. */
export interface MonitorEvent {
  /** Position in the feed, 1, 2, ... (per server process). */
  readonly seq: number;
  /** `bar`, `analytics`, `alert`, `paper`, `status`. */
  readonly type: string;
  /** Server time when it was published, UTC ms. */
  readonly at: number;
  /** The payload (JSON-serializable). */
  readonly data: unknown;
}

/** Options of {@link EventHub}. */
export interface EventHubOptions {
  /** Events kept for polling and reconnects. @default 1000 */
  readonly keep?: number;
  /** Clock, UTC ms. @default Date.now */
  readonly now?: () => number;
  /**
   * The first event is `seqBase + 1`. The monitor passes its start time in ms times 1,000, so
   * numbers keep growing across restarts (under a million events a second): a page or an
   * EventSource that reconnects to a restarted monitor with the last number it saw gets the
   * new events, not nothing until the new count passes the old one. @default 0
   */
  readonly seqBase?: number;
}

/**
 * A fan-out of events to subscribers with a bounded history.
 *
 * @example Subscribe, publish, poll
 * ```ts
 * import { EventHub } from "@lib/pipeline/monitor/events.ts";
 * import assert from "node:assert/strict";
 * const hub = new EventHub({ keep: 2 });
 * const got: number[] = [];
 * const off = hub.subscribe((e) => got.push(e.seq));
 * hub.publish("bar", { symbol: "BTCUSDT" });
 * hub.publish("bar", { symbol: "ETHUSDT" });
 * hub.publish("bar", { symbol: "SOLUSDT" });
 * off();
 * assert.deepEqual(got, [1, 2, 3]);
 * const p = hub.since(0);
 * assert.deepEqual(p.events.map((e) => e.seq), [2, 3]);
 * assert.equal(p.missed, 1); // event 1 fell out of the ring
 * // a restarted monitor numbers on from a later base: a client's old number still works
 * const next = new EventHub({ seqBase: 1_000 });
 * next.publish("bar", {});
 * assert.deepEqual(next.since(3).events.map((e) => e.seq), [1_001]);
 * ```
 */
export class EventHub {
  readonly #keep: number;
  readonly #now: () => number;
  readonly #ring: MonitorEvent[] = [];
  readonly #subscribers = new Set<(e: MonitorEvent) => void>();
  #seq = 0;

  constructor(options: EventHubOptions = {}) {
    this.#keep = options.keep ?? 1000;
    this.#now = options.now ?? Date.now;
    this.#seq = options.seqBase ?? 0;
    if (!Number.isSafeInteger(this.#seq) || this.#seq < 0) {
      throw new RangeError(
        `Cannot start an event hub: seqBase must be a safe integer >= 0, got ${this.#seq}`,
      );
    }
  }

  /** Sequence number of the last event published (0 before any). */
  get lastSeq(): number {
    return this.#seq;
  }

  /** Subscribers connected now. */
  get subscribers(): number {
    return this.#subscribers.size;
  }

  /** Publish an event to every subscriber and keep it in the ring. */
  publish(type: string, data: unknown): MonitorEvent {
    const e: MonitorEvent = { seq: ++this.#seq, type, at: this.#now(), data };
    this.#ring.push(e);
    if (this.#ring.length > this.#keep) this.#ring.shift();
    for (const s of this.#subscribers) {
      try {
        s(e);
      } catch {
        // one broken client must not stop the others
      }
    }
    return e;
  }

  /** Call `fn` for every event from now on; returns the unsubscribe function. */
  subscribe(fn: (e: MonitorEvent) => void): () => void {
    this.#subscribers.add(fn);
    return () => this.#subscribers.delete(fn);
  }

  /**
   * Events after `seq` still in the ring, and how many after `seq` were already dropped from
   * it (`missed > 0`: reload the state through the API instead of replaying).
   */
  since(seq: number): { readonly events: MonitorEvent[]; readonly missed: number } {
    const events = this.#ring.filter((e) => e.seq > seq);
    const oldest = this.#ring[0]?.seq ?? this.#seq + 1;
    const missed = Math.max(0, Math.min(oldest, this.#seq + 1) - seq - 1);
    return { events, missed };
  }
}
