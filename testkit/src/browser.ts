// A real Chromium for the dashboard's tests: Debian's `chromium` (scripts/ensure-system-deps.sh provides
// it), driven by playwright-core, which downloads no browser of its own. Headless, with the background
// services off: this machine's closed network refuses their connections, and they would only add noise.
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

export type { Browser, BrowserContext, Page } from 'playwright-core';

export const chromiumExecutable = process.env.HFI_CHROMIUM ?? '/usr/bin/chromium';

const FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A headless Chromium; each `browser.newContext()` is a fresh profile (its own storage and cache). */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(chromiumExecutable)) {
    throw new Error(`no Chromium at ${chromiumExecutable}: run \`bash scripts/ensure-system-deps.sh test\` (or set HFI_CHROMIUM)`);
  }
  // Playwright gives the browser a new temporary --user-data-dir and removes it on close.
  return chromium.launch({ executablePath: chromiumExecutable, headless: true, args: FLAGS });
}
