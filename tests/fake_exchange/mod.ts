/**
 * A local exchange for tests: real payloads over HTTP and WebSocket on 127.0.0.1, with faults
 * on demand. Start it with {@link startFakeExchange}.
 *
 * @module
 */
export * from "./server.ts";
export * from "./faults.ts";
export * from "./klines.ts";
export * from "./agg_trades.ts";
export * from "./payloads.ts";
export * from "./ws_frames.ts";
export * from "./ws_server.ts";
export * from "./live_tape.ts";
export * from "./perp.ts";
