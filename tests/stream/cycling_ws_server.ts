/**
 * An endless Binance combined trade stream for the soak test, on 127.0.0.1.
 *
 * The fake exchange replays the 34,419 real frames once per connection, from frame 0. A soak
 * needs more, with ids that keep going, so this server cycles the REAL frames of the capture:
 * cycle `k` sends every frame with its trade id shifted by `k * span` (span = last id - first
 * id + 1 of that symbol) and its times shifted by `k * duration` (duration = last T - first T
 * + 1 ms over the capture), prices and quantities unchanged. Ids stay contiguous per symbol
 * across cycles because the capture's ids are contiguous (checked at construction). A new
 * connection starts at frame 0 of cycle 0 again, like the fake exchange (the task dedupes by
 * id). Messages are paced to `rate` per second.
 *
 * @module
 */

interface Row {
  readonly s: string;
  readonly t: number;
  readonly p: string;
  readonly q: string;
  readonly T: number;
  readonly m: boolean;
}

/** A running cycling server. */
export interface CyclingServer {
  /** WebSocket base: `${wsUrl}/stream?streams=...`. */
  readonly wsUrl: string;
  /** Messages sent so far (all connections). */
  sent(): number;
  /** Last id sent per symbol. */
  lastSent(): Record<string, number>;
  /** Stop sending (connections stay open). */
  pause(): void;
  close(): Promise<void>;
}

/** Start a server replaying `frames` (real combined-stream frames) cyclically at `rate`/s. */
export function startCyclingServer(frames: readonly string[], rate: number): CyclingServer {
  const rows: Row[] = frames.map((f) => {
    const d = JSON.parse(f).data;
    return { s: d.s, t: d.t, p: d.p, q: d.q, T: d.T, m: d.m };
  });
  const span = new Map<string, number>();
  const first = new Map<string, number>();
  const prev = new Map<string, number>();
  for (const r of rows) {
    if (!first.has(r.s)) first.set(r.s, r.t);
    const p = prev.get(r.s);
    if (p !== undefined && r.t !== p + 1) {
      throw new Error(`capture ids of ${r.s} are not contiguous at ${p} -> ${r.t}`);
    }
    prev.set(r.s, r.t);
  }
  for (const [s, last] of prev) span.set(s, last - (first.get(s) as number) + 1);
  let minT = Infinity, maxT = -Infinity;
  for (const r of rows) {
    if (r.T < minT) minT = r.T;
    if (r.T > maxT) maxT = r.T;
  }
  const duration = maxT - minT + 1;
  let total = 0;
  let paused = false;
  const last: Record<string, number> = {};
  const sockets = new Set<WebSocket>();
  const ac = new AbortController();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, signal: ac.signal, onListen: () => {} },
    (req) => {
      if (req.headers.get("upgrade") !== "websocket") {
        return new Response("ws only", { status: 400 });
      }
      const { socket, response } = Deno.upgradeWebSocket(req);
      sockets.add(socket);
      let timer: ReturnType<typeof setInterval> | undefined;
      socket.onopen = () => {
        const t0 = performance.now();
        let n = 0;
        timer = setInterval(() => {
          if (paused || socket.readyState !== WebSocket.OPEN) return;
          const due = Math.floor(((performance.now() - t0) * rate) / 1000);
          for (; n < due; n++) {
            const k = Math.floor(n / rows.length);
            const r = rows[n % rows.length] as Row;
            const id = r.t + k * (span.get(r.s) as number);
            const T = r.T + k * duration;
            socket.send(
              `{"stream":"${r.s.toLowerCase()}@trade","data":{"e":"trade","E":${T},"s":"${r.s}",` +
                `"t":${id},"p":"${r.p}","q":"${r.q}","T":${T},"m":${r.m},"M":true}}`,
            );
            last[r.s] = Math.max(last[r.s] ?? -1, id);
            total++;
          }
        }, 10);
      };
      socket.onclose = () => {
        clearInterval(timer);
        sockets.delete(socket);
      };
      return response;
    },
  );
  return {
    wsUrl: `ws://127.0.0.1:${server.addr.port}`,
    sent: () => total,
    lastSent: () => ({ ...last }),
    pause: () => (paused = true),
    async close() {
      paused = true;
      for (const s of sockets) s.close();
      ac.abort();
      await server.finished;
    },
  };
}
