/**
 * Shared helpers for the browser tests: find Debian's Chromium, launch it headless with
 * puppeteer-core, record console errors, page errors and every request that leaves file://,
 * data: or 127.0.0.1, and write screenshots to tests/browser/.screenshots (printed for the CI
 * log).
 */
import puppeteer, { type Browser, type Page } from "puppeteer-core";

/** Where Chromium is looked for (CRYPTOLAB_CHROMIUM overrides). */
export const CHROMIUM_PATHS = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];

/** Screenshots of every browser test land here (gitignored); CI prints the paths. */
export const SCREENSHOT_DIR = decodeURIComponent(
  new URL("./.screenshots/", import.meta.url).pathname,
);

/** The Chromium binary, or null with the reason a test prints when it skips. */
export function findChromium(): { path: string } | { path: null; reason: string } {
  const env = Deno.env.get("CRYPTOLAB_CHROMIUM");
  for (const p of env ? [env] : CHROMIUM_PATHS) {
    try {
      if (Deno.statSync(p).isFile) return { path: p };
    } catch { /* not there */ }
  }
  return {
    path: null,
    reason: `no Chromium at ${
      (env ? [env] : CHROMIUM_PATHS).join(" or ")
    } (install Debian's chromium, as .ci/run does, or set CRYPTOLAB_CHROMIUM)`,
  };
}

/** A headless browser for one test. */
export function launchBrowser(path: string): Promise<Browser> {
  return puppeteer.launch({
    executablePath: path,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run"],
  });
}

/** What a watched page saw: console errors, uncaught errors and requests that left the box. */
export interface PageLog {
  readonly consoleErrors: string[];
  readonly pageErrors: string[];
  readonly outside: string[];
  readonly requests: string[];
}

/** True for URLs a page may load: the file itself, inline data, or the local server. */
export function isLocalUrl(url: string): boolean {
  if (/^(data|about|blob):/.test(url)) return true;
  if (url.startsWith("file://")) return true;
  try {
    const u = new URL(url);
    return (u.protocol === "http:" || u.protocol === "https:" || u.protocol === "ws:") &&
      u.hostname === "127.0.0.1";
  } catch {
    return false;
  }
}

/**
 * Record console errors, page errors and requests; a request outside {@link isLocalUrl} is
 * recorded and aborted, so a test never reaches the network even when the page tries.
 */
export async function watchPage(page: Page): Promise<PageLog> {
  const log: PageLog = { consoleErrors: [], pageErrors: [], outside: [], requests: [] };
  page.on("console", (m) => {
    if (m.type() === "error") log.consoleErrors.push(m.text());
  });
  page.on("pageerror", (e) => void log.pageErrors.push(String(e)));
  await page.setRequestInterception(true);
  page.on("request", (r) => {
    const url = r.url();
    log.requests.push(url);
    if (isLocalUrl(url)) void r.continue();
    else {
      log.outside.push(url);
      void r.abort();
    }
  });
  return log;
}

/** Write a PNG screenshot named `<name>.png` and print its path for the CI log. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await Deno.mkdir(SCREENSHOT_DIR, { recursive: true });
  const path = `${SCREENSHOT_DIR}${name}.png`;
  await page.screenshot({ path: path as `${string}.png`, fullPage: false });
  console.log(`screenshot: ${path}`);
  return path;
}

/** The few DOM members the tests read inside the page (Deno's types have no DOM). */
export interface DomNode {
  readonly textContent: string | null;
  getAttribute(name: string): string | null;
  querySelector(selector: string): DomNode | null;
  querySelectorAll(selector: string): ArrayLike<DomNode>;
}
