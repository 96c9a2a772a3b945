// Driving the dashboard as a person does, in a real Chromium: open it in a fresh profile, sign in, and
// keep what the page complained about (console errors, CSP refusals, uncaught exceptions) for the test
// to assert on. Screenshots go to one folder per run, named in the test output.
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from '@hfi/testkit';

export const SCREENSHOT_DIR = join(tmpdir(), 'hfi-dashboard-screenshots');
mkdirSync(SCREENSHOT_DIR, { recursive: true });

export interface OpenDashboard {
  page: Page;
  /** Console errors and page errors so far, but for the refusals that lead to the sign-in form. */
  problems: string[];
  /** Enters `token` in the sign-in form and waits for the form to give way to the view. */
  signIn(token: string): Promise<void>;
  /** From now on a 401 is a problem: a token is being entered (by keyboard, say). */
  signingIn(): void;
  close(): Promise<void>;
}

export async function openDashboard(browser: Browser, controlPlaneUrl: string, path = ''): Promise<OpenDashboard> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const problems: string[] = [];
  // Until a token is entered, the page learns that the server wants one by being answered 401: a 401 to a
  // request sent without a token is expected (its console line may arrive after sign-in on a loaded
  // machine), one to a request that carried a token is a problem.
  let signedIn = false;
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    if (/status of 401/.test(m.text())) return;
    problems.push(`console: ${m.text()}`);
  });
  const sentAfterSignIn = new WeakSet<object>();
  page.on('request', (r) => {
    if (signedIn) sentAfterSignIn.add(r);
  });
  page.on('response', async (r) => {
    if (r.status() !== 401) return;
    const carriedToken = (await r.request().allHeaders()).authorization !== undefined;
    if (carriedToken || sentAfterSignIn.has(r.request())) {
      problems.push(`401 to ${r.request().method()} ${r.url()}${carriedToken ? ' with a token' : ', sent after sign-in'}`);
    }
  });
  page.on('pageerror', (e) => problems.push(`page: ${e.message}`));
  await page.goto(`${controlPlaneUrl}/ui/${path}`);
  const signingIn = () => {
    signedIn = true;
  };
  const signIn = async (token: string) => {
    await page.getByLabel('Access token').fill(token);
    signingIn();
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('Access token').waitFor({ state: 'detached' });
  };
  return { page, problems, signIn, signingIn, close: () => context.close() };
}

/** The viewport, or with `fullPage` the whole page as if scrolled through. */
export async function screenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<string> {
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: options.fullPage ?? false });
  return path;
}

/** The number the element shows, e.g. a fault count. */
export async function numberIn(page: Page, selector: string): Promise<number> {
  const text = (await page.locator(selector).first().textContent()) ?? '';
  return Number(/\d+/.exec(text)?.[0] ?? Number.NaN);
}
