/**
 * Talking to the Deno Jupyter kernel, and a readable text fallback everywhere else.
 *
 * Inside `deno jupyter` the global `Deno.jupyter` sends rich output (HTML, SVG) to the notebook.
 * Outside the kernel `"jupyter" in Deno` is still true but reading `Deno.jupyter` throws, so we
 * probe it with try/catch. Everything here also works in plain `deno run` and `deno test`,
 * where values are printed as text.
 *
 * We always send rich output with `await Deno.jupyter.display(...)` rather than leaving it as
 * the last expression of a cell: under nbconvert a last-expression result is sometimes published
 * after the kernel reports idle and is lost, while `display` output never was.
 *
 * @module
 */

/** The symbol a value implements to describe its own Jupyter MIME bundle. */
export const DISPLAY: unique symbol = Symbol.for("Jupyter.display") as never;

/** A Jupyter MIME bundle: MIME type to content. `text/plain` is always present. */
export interface MimeBundle {
  readonly "text/plain": string;
  readonly "text/html"?: string;
  readonly "image/svg+xml"?: string;
  readonly [mime: string]: string | undefined;
}

/** A value that renders itself: `[Symbol.for("Jupyter.display")]()` returns its bundle. */
export interface Displayable {
  [DISPLAY](): MimeBundle;
}

/** Options of a single display call. */
export interface DisplayCallOptions {
  /** Id of the output area, so a later call with `update: true` replaces it in place. */
  readonly displayId?: string;
  /** Replace the output previously shown under `displayId` instead of adding a new one. */
  readonly update?: boolean;
}

/**
 * Where rich output goes: the kernel, or a stand-in in tests. `send` receives a complete MIME
 * bundle.
 */
export interface DisplayTarget {
  send(bundle: MimeBundle, options: DisplayCallOptions): Promise<void>;
}

interface DenoJupyter {
  display(
    obj: unknown,
    options?: { raw?: boolean; update?: boolean; display_id?: string },
  ): Promise<void>;
}

function denoJupyter(): DenoJupyter | undefined {
  try {
    const j = (Deno as unknown as { jupyter?: DenoJupyter }).jupyter;
    return j !== undefined && typeof j.display === "function" ? j : undefined;
  } catch {
    return undefined; // outside `deno jupyter` the getter throws
  }
}

/**
 * True when running inside the Deno Jupyter kernel.
 *
 * @example Outside a notebook
 * ```ts
 * import { isJupyter } from "@lib/display/jupyter.ts";
 * import assert from "node:assert/strict";
 * assert.equal(isJupyter(), false);
 * ```
 */
export function isJupyter(): boolean {
  return denoJupyter() !== undefined;
}

/** Milliseconds {@link jupyterTarget} waits after each message so it is flushed. */
const SETTLE_MS = 10;

/**
 * The kernel as a {@link DisplayTarget}, or `undefined` outside the kernel.
 *
 * @example Outside a notebook there is no target
 * ```ts
 * import { jupyterTarget } from "@lib/display/jupyter.ts";
 * import assert from "node:assert/strict";
 * assert.equal(jupyterTarget(), undefined);
 * ```
 */
export function jupyterTarget(): DisplayTarget | undefined {
  const j = denoJupyter();
  if (j === undefined) return undefined;
  return {
    async send(bundle, options) {
      const opts: { raw: boolean; update?: boolean; display_id?: string } = { raw: true };
      if (options.displayId !== undefined) opts.display_id = options.displayId;
      if (options.update) opts.update = true;
      await j.display({ ...bundle }, opts);
      // Yield to the event loop before returning: without it, a message sent at the very end
      // of a cell was sometimes published after the kernel reported idle, and nbconvert lost
      // it (about 1 in 20 progress bars kept a stale state; none with this pause in 120 cells).
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    },
  };
}

/** True when `value` implements `[Symbol.for("Jupyter.display")]()`. */
export function isDisplayable(value: unknown): value is Displayable {
  return (typeof value === "object" || typeof value === "function") && value !== null &&
    typeof (value as Record<symbol, unknown>)[DISPLAY] === "function";
}

/**
 * The MIME bundle of any value: a {@link Displayable}'s own bundle, a string as plain text,
 * anything else as `Deno.inspect` text.
 *
 * @example
 * ```ts
 * import { toBundle } from "@lib/display/jupyter.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(toBundle("hi"), { "text/plain": "hi" });
 * assert.deepEqual(toBundle({ a: 1 }), { "text/plain": "{ a: 1 }" });
 * ```
 */
export function toBundle(value: unknown): MimeBundle {
  if (isDisplayable(value)) return value[DISPLAY]();
  if (typeof value === "string") return { "text/plain": value };
  return { "text/plain": Deno.inspect(value, { colors: false, depth: 4 }) };
}

/**
 * The text a value shows outside the kernel: its bundle's `text/plain`.
 *
 * @example
 * ```ts
 * import { toText } from "@lib/display/jupyter.ts";
 * import assert from "node:assert/strict";
 * assert.equal(toText([1, 2]), "[ 1, 2 ]");
 * ```
 */
export function toText(value: unknown): string {
  return toBundle(value)["text/plain"];
}

/**
 * Show a value: in the kernel its rich MIME bundle is sent at once (HTML tables, SVG
 * figures); elsewhere its text form is printed to stdout. Always `await` it in a notebook cell.
 *
 * @example Outside a notebook the text form goes to stdout
 * ```ts
 * import { display } from "@lib/display/jupyter.ts";
 * await display("hello from cryptolab");
 * ```
 */
export async function display(value: unknown, options: DisplayCallOptions = {}): Promise<void> {
  const target = jupyterTarget();
  if (target === undefined) {
    console.log(toText(value));
    return;
  }
  await target.send(toBundle(value), options);
}
