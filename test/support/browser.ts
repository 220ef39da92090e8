/**
 * A real browser for the tests that look at what people see: Debian's headless Chromium
 * (`/usr/bin/chromium`, installed by .ci/run when missing) driven by playwright-core, which downloads
 * no browser of its own. No network: pages are set as content, Mermaid is loaded from node_modules.
 *
 * `renderSummary` draws a job summary the way GitHub does: GFM to HTML (marked), each ```mermaid
 * block parsed and rendered by Mermaid 11 (GitHub's major version) in an 880 px column; a Mermaid
 * syntax error or any console error fails the test.
 */
import { existsSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { marked } from "marked";
import { type Browser, chromium, type Page } from "playwright-core";

export const CHROMIUM = process.env.WAVEPLAN_CHROMIUM ?? "/usr/bin/chromium";
export const haveChromium = existsSync(CHROMIUM);

const require = createRequire(import.meta.url);
const MERMAID = require.resolve("mermaid/dist/mermaid.min.js");

/** Where the tests leave their screenshots for a person to look at. */
export const SCREENSHOTS = join(process.cwd(), ".scratch", "screenshots");

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
}

export interface Rendered {
  page: Page;
  errors: string[];
  /** requests the page tried to make beyond its own content */
  requests: string[];
  screenshot: string;
}

async function open(browser: Browser, width: number): Promise<{ page: Page; errors: string[]; requests: string[] }> {
  const context = await browser.newContext({ viewport: { width, height: 900 }, offline: true });
  const page = await context.newPage();
  const errors: string[] = [];
  const requests: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("request", (r) => {
    if (!r.url().startsWith("data:") && r.url() !== "about:blank") requests.push(r.url());
  });
  return { page, errors, requests };
}

/** Opens a self-contained HTML page offline and screenshots it (full page). */
export async function renderPage(browser: Browser, html: string, name: string, width = 1100): Promise<Rendered> {
  const { page, errors, requests } = await open(browser, width);
  await page.setContent(html, { waitUntil: "load" });
  mkdirSync(SCREENSHOTS, { recursive: true });
  const screenshot = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: screenshot, fullPage: true });
  return { page, errors, requests, screenshot };
}

export interface RenderedSummary extends Rendered {
  /** per mermaid block: its rendered SVG's natural width and height, and its width as shown */
  diagrams: { width: number; height: number; shownWidth: number; kind: string }[];
}

/** GitHub's job summary column is about 880 px wide on a normal screen. */
export const SUMMARY_WIDTH = 880;

export async function renderSummary(browser: Browser, markdown: string, name: string): Promise<RenderedSummary> {
  const body = await marked.parse(markdown, { gfm: true });
  const { page, errors, requests } = await open(browser, SUMMARY_WIDTH + 40);
  await page.setContent(
    `<!doctype html><html><head><meta charset="utf-8"><style>
      body { margin: 0; padding: 20px; font: 14px/1.5 -apple-system, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; color: #1f2328; }
      main { width: ${SUMMARY_WIDTH}px; } table { border-collapse: collapse; display: block; overflow: auto; }
      th, td { border: 1px solid #d1d9e0; padding: 4px 10px; } pre { background: #f6f8fa; padding: 12px; overflow: auto; }
      svg { max-width: 100%; height: auto; }
    </style></head><body><main>${body}</main></body></html>`,
  );
  await page.addScriptTag({ path: MERMAID });
  // runs in the page (a string: the tests' TypeScript has no DOM types)
  const diagrams = (await page.evaluate(`(async () => {
    mermaid.initialize({ startOnLoad: false, securityLevel: "strict" });
    const out = [];
    let n = 0;
    for (const code of [...document.querySelectorAll("pre > code.language-mermaid")]) {
      const text = code.textContent;
      await mermaid.parse(text); // throws on a syntax error: the test fails
      const { svg } = await mermaid.render("diagram" + n++, text);
      const holder = document.createElement("div");
      holder.innerHTML = svg;
      code.parentElement.replaceWith(holder);
      const el = holder.querySelector("svg");
      const box = el.viewBox.baseVal;
      out.push({ width: box.width, height: box.height, shownWidth: el.getBoundingClientRect().width, kind: text.split("\\n")[0].trim() });
    }
    return out;
  })()`)) as RenderedSummary["diagrams"];
  mkdirSync(SCREENSHOTS, { recursive: true });
  const screenshot = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: screenshot, fullPage: true });
  return { page, errors, requests, screenshot, diagrams };
}
