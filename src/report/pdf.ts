import { access } from "node:fs/promises";
import type { Browser } from "playwright-core";

/**
 * The report as PDF, printed by headless Chromium (driven by playwright-core, which never
 * downloads a browser: it uses the system's, Debian's `chromium` by default). Node only.
 */

/** Where Debian installs Chromium; `ZKFORGET_CHROMIUM` names another executable. */
export const DEFAULT_CHROMIUM = "/usr/bin/chromium";

/** Flags for a headless, offline Chromium (no sandbox: CI runs as root). */
const CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];

/** The Chromium executable to use: `ZKFORGET_CHROMIUM` when set, else {@link DEFAULT_CHROMIUM}. */
export function chromiumPath(): string {
  const fromEnv = process.env.ZKFORGET_CHROMIUM;
  return fromEnv !== undefined && fromEnv !== "" ? fromEnv : DEFAULT_CHROMIUM;
}

/**
 * Starts headless Chromium.
 * @throws Error saying how to install it when the executable is missing
 */
export async function launchChromium(executablePath = chromiumPath()): Promise<Browser> {
  try {
    await access(executablePath);
  } catch {
    throw new Error(`no Chromium at ${executablePath}: install it (Debian: apt-get install chromium) or name it with ZKFORGET_CHROMIUM`);
  }
  const { chromium } = await import("playwright-core");
  return chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
}

/**
 * Prints a self-contained HTML page to PDF (A4, backgrounds kept, so the verdict's colour and
 * the INSECURE flags stay visible on paper).
 */
export async function printPdf(html: string, executablePath = chromiumPath()): Promise<Uint8Array> {
  const browser = await launchChromium(executablePath);
  try {
    const page = await browser.newPage();
    await page.setContent(html, { waitUntil: "load" });
    await page.emulateMedia({ media: "print" });
    return await page.pdf({ format: "A4", printBackground: true, margin: { top: "14mm", bottom: "14mm", left: "12mm", right: "12mm" } });
  } finally {
    await browser.close();
  }
}
