// The dashboard in a real Chromium against the real bins: a control plane with an admin and a read token,
// hfi-proxy with the built plugin in front of an upstream, and traffic flowing through it. What a person
// does: sign in, apply a policy in the editor, watch it become Active and its faults rise, see a refused
// field at its line, halt and resume from the header (everything, or one service), delete a policy, do it
// all by keyboard; a read token looks but cannot change anything.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  type Browser,
  launchChromium,
  type RunningControlPlane,
  type RunningHfiProxy,
  request,
  startControlPlane,
  startHfiProxy,
  waitFor,
} from '@hfi/testkit';
import { numberIn, openDashboard, SCREENSHOT_DIR, screenshot } from './support/dashboard.js';
import { teardownAfterAll } from './support/teardown.js';

const ADMIN = 'admin-token-e2e';
const READ = 'read-token-e2e';
const { own, upstream } = teardownAfterAll();

let browser: Browser;
let cp: RunningControlPlane;
let proxy: RunningHfiProxy;
before(async () => {
  const up = await upstream();
  cp = own(await startControlPlane({ env: { HFI_ADMIN_TOKEN: ADMIN, HFI_READ_TOKENS: READ, LOG_LEVEL: 'warn' } }));
  // A 1 s hold: fault counts reach the control plane with each poll, so they rise while the test watches.
  proxy = own(
    await startHfiProxy({
      upstream: up.url,
      controlPlane: cp.url,
      service: 'frontend',
      args: ['--workers', '1', '--plugin-config', JSON.stringify({ poll_hold_sec: 1 })],
    }),
  );
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

const policyYaml = (name: string, prefix: string, percentage: number | string = 100) => `apiVersion: v1
kind: FaultInjectionPolicy
metadata:
  name: ${name}
spec:
  selector:
    service: frontend
    namespace: demo
  rules:
    - match:
        path: { prefix: ${prefix} }
      fault:
        percentage: ${percentage}
        abort: { httpStatus: 503 }
        duration_seconds: 600
`;

/** Requests through hfi-proxy until stopped (or 60 s at most): the traffic a game day has. */
function trafficTo(url: string): { stop(): Promise<number[]> } {
  let running = true;
  const statuses: number[] = [];
  const until = Date.now() + 60_000;
  const loop = (async () => {
    while (running && Date.now() < until) {
      statuses.push((await request(url)).status);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return statuses;
    },
  };
}

async function adminApi(method: string, path: string): Promise<unknown> {
  const res = await fetch(`${cp.url}${path}`, { method, headers: { authorization: `Bearer ${ADMIN}` } });
  return res.json();
}

test('sign in with the admin token, apply a policy in the editor, see it Active, its fault count rise while traffic flows, and who created it', async (t) => {
  const { page, problems, signIn, close } = await openDashboard(browser, cp.url);
  t.after(close);
  await signIn(ADMIN);
  await page.getByRole('link', { name: 'Editor' }).click();
  await page.getByLabel('Policy YAML').fill(policyYaml('checkout-abort', '/api/checkout'));
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.getByRole('heading', { name: /checkout-abort/ }).waitFor();
  assert.match(page.url(), /#\/policies\/checkout-abort$/);

  const traffic = trafficTo(`${proxy.url}/api/checkout`);
  try {
    await page.locator('h1 .phase', { hasText: 'Active' }).waitFor({ timeout: 20_000 });
    await waitFor(async () => (await numberIn(page, '[data-field="faults"]')) > 0, { what: 'the first faults counted', timeoutMs: 20_000 });
    const first = await numberIn(page, '[data-field="faults"]');
    await waitFor(async () => (await numberIn(page, '[data-field="faults"]')) > first, {
      what: 'the fault count to rise',
      timeoutMs: 20_000,
    });
    assert.match((await page.locator('[data-field="dataplanes"]').textContent()) ?? '', /applied on 1 of 1 targeted/);
    await page.locator('table.rules tbody tr td.num').first().filter({ hasNotText: /^0$/ }).waitFor({ timeout: 10_000 });
    await page.locator('.chart figcaption', { hasText: /faults\/s now/ }).waitFor();
    const created = page.locator('table.history tr[data-kind="create"]');
    await created.waitFor();
    assert.match((await created.textContent()) ?? '', /admincreated \(version \d+\)$/, 'the history names who created it');
    await screenshot(page, 'policy');

    await page.getByRole('link', { name: 'Policies' }).click();
    const row = page.locator('tr[data-policy="checkout-abort"]');
    await row.locator('.phase', { hasText: 'Active' }).waitFor();
    const listed = await numberIn(page, 'tr[data-policy="checkout-abort"] [data-field="faults"]');
    assert.ok(listed >= first, `the list shows ${listed} faults`);
    assert.equal(await row.locator('.col-dataPlanes').textContent(), '1/1');
    assert.match((await row.locator('.col-timeLeft').textContent()) ?? '', /^\d+:\d\d$/);
    await screenshot(page, 'policies');

    await page.getByRole('link', { name: 'Data planes' }).click();
    const plane = page.locator('tr[data-instance]').first();
    await plane.locator('.lag', { hasText: 'up to date' }).waitFor();
    assert.match((await plane.textContent()) ?? '', /frontend.*demo/);
    await screenshot(page, 'dataplanes');
  } finally {
    const statuses = await traffic.stop();
    assert.ok(statuses.includes(503), 'the traffic met the fault');
  }
  assert.deepEqual(problems, []);
});

test('a value the server refuses is shown at its field path and line, a key written twice at its line; Validate writes nothing', async (t) => {
  const { page, problems, signIn, close } = await openDashboard(browser, cp.url, '#/editor');
  t.after(close);
  await signIn(ADMIN);
  await page.getByRole('link', { name: 'Editor' }).click();
  await page.getByLabel('Policy YAML').fill(policyYaml('too-much', '/api', 150));
  await page.getByRole('button', { name: 'Validate' }).click();
  const error = page.locator('li[data-path="spec.rules[0].fault.percentage"]');
  await error.waitFor();
  assert.match((await error.textContent()) ?? '', /^line 13 spec\.rules\[0\]\.fault\.percentage .*100/);
  assert.equal(await page.locator('.gutter [data-line="13"]').getAttribute('class'), 'error-line');
  assert.equal(await page.getByLabel('Policy YAML').getAttribute('aria-invalid'), 'true');
  await screenshot(page, 'editor-error');
  await error.getByRole('button', { name: 'line 13' }).click();
  assert.equal(
    await page.getByLabel('Policy YAML').evaluate((el: HTMLTextAreaElement) => el.value.slice(el.selectionStart, el.selectionEnd)),
    '        percentage: 150',
    'the error takes the caret to its line',
  );
  await page.getByLabel('Policy YAML').fill(policyYaml('too-much', '/api', 50));
  await page.getByRole('button', { name: 'Validate' }).click();
  await page.getByText('Valid: this would create policy too-much.').waitFor();
  assert.equal(
    ((await adminApi('GET', '/v1/policies')) as { items: { metadata: { name: string } }[] }).items.some(
      (p) => p.metadata.name === 'too-much',
    ),
    false,
  );

  // A key written twice is refused by the server (the text cannot be read); the editor shows where.
  await page
    .getByLabel('Policy YAML')
    .fill(policyYaml('twice', '/api').replace('    namespace: demo\n', '    namespace: demo\n    service: other\n'));
  await page.getByRole('button', { name: 'Validate' }).click();
  await page.locator('.field-errors li', { hasText: /^line 9 / }).waitFor();
  assert.equal(await page.locator('.gutter [data-line="9"]').getAttribute('class'), 'error-line');

  // The refused dry runs are the 400s the page was answered.
  assert.deepEqual(
    problems.filter((p) => !/status of 400/.test(p)),
    [],
  );
});

test("halt everything and resume from the header, each after a confirmation (Escape cancels, Enter confirms); the halt is in the policy's history", async (t) => {
  const { page, problems, signIn, close } = await openDashboard(browser, cp.url);
  t.after(close);
  await signIn(ADMIN);
  const statusOf = async () => (await request(`${proxy.url}/api/checkout`)).status;
  await waitFor(async () => (await statusOf()) === 503, { what: 'the abort from the first test' });

  await page.getByRole('button', { name: 'Halt everything' }).click();
  const dialog = page.getByRole('dialog', { name: 'Halt every fault, everywhere?' });
  await dialog.waitFor();
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  assert.deepEqual(await adminApi('GET', '/v1/halt'), { items: [] }, 'Escape halted nothing');

  await page.getByRole('button', { name: 'Halt everything' }).click();
  await dialog.getByLabel('Reason (optional)').fill('game day over');
  await screenshot(page, 'halt-confirm');
  await page.keyboard.press('Enter');
  await page.locator('.halt-state', { hasText: 'Halted: everything' }).waitFor();
  await waitFor(async () => (await statusOf()) === 200, { what: 'the data plane to stop injecting' });
  await page.locator('tr[data-policy="checkout-abort"] .phase', { hasText: 'Halted' }).waitFor();
  const halts = (await adminApi('GET', '/v1/halt')) as { items: { reason: string; actor: string }[] };
  assert.deepEqual(
    halts.items.map((h) => [h.reason, h.actor]),
    [['game day over', 'hfi-dashboard']],
  );
  await screenshot(page, 'halted');
  await page.locator('tr[data-policy="checkout-abort"] a').click();
  await page.locator('table.history tr[data-kind="halt"]', { hasText: 'halted: everything' }).waitFor();
  await screenshot(page, 'policy-halted', { fullPage: true });

  await page.getByRole('button', { name: 'Resume…' }).click();
  await page.getByRole('dialog', { name: 'Resume faults?' }).waitFor();
  await page.keyboard.press('Enter');
  await page.locator('.halt-state', { hasText: 'Nothing halted' }).waitFor();
  await waitFor(async () => (await statusOf()) === 503, { what: 'faults again after the resume' });
  assert.deepEqual(problems, []);
});

test('halt one service from the header, then resume that halt alone; delete a policy from its view after a confirmation', async (t) => {
  const { page, problems, signIn, close } = await openDashboard(browser, cp.url);
  t.after(close);
  await signIn(ADMIN);
  const statusOf = async () => (await request(`${proxy.url}/api/checkout`)).status;
  await waitFor(async () => (await statusOf()) === 503, { what: 'the abort from the first test' });

  await page.getByRole('button', { name: 'Halt scope…' }).click();
  const scoped = page.getByRole('dialog', { name: 'Halt one service or namespace' });
  await scoped.getByLabel('Service').fill('frontend');
  await scoped.getByLabel('Reason (optional)').fill('frontend only');
  await scoped.getByRole('button', { name: 'Halt' }).click();
  await page.locator('.halt-state', { hasText: 'Halted: service frontend, every namespace' }).waitFor();
  await waitFor(async () => (await statusOf()) === 200, { what: 'frontend to stop injecting' });
  assert.deepEqual(
    ((await adminApi('GET', '/v1/halt')) as { items: { selector: unknown }[] }).items.map((h) => h.selector),
    [{ service: 'frontend', namespace: '*' }],
  );

  await page.getByRole('button', { name: 'Resume…' }).click();
  const resume = page.getByRole('dialog', { name: 'Resume faults?' });
  await resume.getByLabel(/service frontend, every namespace/).check();
  await resume.getByRole('button', { name: 'Resume' }).click();
  await page.locator('.halt-state', { hasText: 'Nothing halted' }).waitFor();
  await waitFor(async () => (await statusOf()) === 503, { what: 'faults again after the resume' });

  await page.locator('tr[data-policy="checkout-abort"] a').click();
  await page.getByRole('button', { name: 'Delete…' }).click();
  const confirm = page.getByRole('dialog', { name: 'Delete policy checkout-abort?' });
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await confirm.waitFor({ state: 'detached' });
  await page.getByRole('button', { name: 'Delete…' }).click();
  await confirm.getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('heading', { name: 'Policies' }).waitFor();
  await page.locator('tr[data-policy="checkout-abort"]').waitFor({ state: 'detached' });
  await waitFor(async () => (await statusOf()) === 200, { what: 'the deleted policy to stop injecting' });
  assert.deepEqual(problems, []);
});

test('keyboard only: sign in, reach the editor, write a policy and apply it', async (t) => {
  const { page, problems, signingIn, close } = await openDashboard(browser, cp.url);
  t.after(close);
  await page.locator('input[name="token"]:focus').waitFor(); // the sign-in form takes the focus
  signingIn();
  await page.keyboard.type(ADMIN);
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Policies' }).waitFor();
  const tabTo = async (accessibleName: string) => {
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        return el?.getAttribute('aria-label') ?? el?.textContent?.trim() ?? '';
      });
      if (focused === accessibleName) return;
    }
    assert.fail(`Tab never reached "${accessibleName}"`);
  };
  await tabTo('Editor');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Editor' }).waitFor();
  // The view's heading takes the focus, as a page load would for a screen reader; Tab goes on from there.
  await page.locator('main h1:focus', { hasText: 'Editor' }).waitFor();
  await tabTo('Policy YAML');
  await page.keyboard.press('Control+A');
  await page.keyboard.insertText(policyYaml('keyboard-abort', '/api/keyboard'));
  await tabTo('Apply');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: /keyboard-abort/ }).waitFor();
  const focusRing = await page.evaluate(() => {
    const edit = [...document.querySelectorAll('button')].find((b) => b.textContent === 'Edit');
    edit?.focus();
    return getComputedStyle(edit!).outlineStyle;
  });
  assert.notEqual(focusRing, 'none', 'a focused button shows where the focus is');
  assert.deepEqual(problems, []);
});

test('a read token sees the policies but cannot change anything: the editor and the kill switch say the admin token is needed', async (t) => {
  const { page, problems, signIn, close } = await openDashboard(browser, cp.url);
  t.after(close);
  await signIn(READ);
  await page.locator('tr[data-policy="keyboard-abort"]').waitFor();
  await page.getByRole('link', { name: 'Editor' }).click();
  await page.getByLabel('Policy YAML').fill(policyYaml('read-only-try', '/api'));
  await page.getByRole('button', { name: 'Apply' }).click();
  await page.locator('#editor-outcome', { hasText: 'Applying the policy needs the admin token' }).waitFor();
  await screenshot(page, 'read-token');

  await page.getByRole('button', { name: 'Halt everything' }).click();
  const dialog = page.getByRole('dialog', { name: 'Halt every fault, everywhere?' });
  await dialog.getByRole('button', { name: 'Halt everything' }).click();
  await dialog.getByRole('alert').filter({ hasText: 'Halting needs the admin token' }).waitFor();
  await page.keyboard.press('Escape');
  assert.deepEqual(await adminApi('GET', '/v1/halt'), { items: [] });
  const names = ((await adminApi('GET', '/v1/policies')) as { items: { metadata: { name: string } }[] }).items.map((p) => p.metadata.name);
  assert.ok(!names.includes('read-only-try'));
  // 403s are what the read token was answered; nothing else went wrong on the page.
  assert.deepEqual(
    problems.filter((p) => !/status of 403/.test(p)),
    [],
  );
  t.diagnostic(`screenshots: ${SCREENSHOT_DIR}`);
});
