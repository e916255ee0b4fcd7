// A test call end to end: ringing → answered → hung up live, its page, its recording.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { apiLogin, env, gql, launch, shot, signIn } from './browser.mjs';

const A = { user: env('A_USER'), pass: env('A_PASS') };
let browser;

before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function freshPage(viewport = { width: 1280, height: 900 }) {
  const context = await browser.newContext({ viewport });
  return context.newPage();
}

test('test call: ringing → answered → hung up live, call detail, recording plays', async (t) => {
  const token = await apiLogin(A.user, A.pass);
  const hasCalls = await gql('{ __type(name: "Query") { fields { name } } }', {}, token);
  if (!hasCalls.data.__type.fields.some((f) => f.name === 'calls')) {
    t.skip('this API build has no calls yet');
    return;
  }
  // a flow that answers, records, speaks and waits; a number that runs it
  const flow = await gql(
    'mutation($i:CreateFlowInput!){createFlow(input:$i){id}}',
    { i: { name: 'Recorded greeting', actions: [
      { type: 'answer' },
      { type: 'recording_start', option: { format: 'wav' } },
      { type: 'talk', option: { text: 'Thanks for calling voipbin', language: 'en-US' } },
      { type: 'sleep', option: { duration: 10000 } },
      { type: 'hangup' },
    ] } },
    token,
  );
  assert.equal(flow.errors, undefined, JSON.stringify(flow.errors));
  const available = await gql('{ availableNumbers(countryCode: "US", first: 3) { number } }', {}, token);
  const number = available.data.availableNumbers.at(-1).number;
  const made = await gql(
    'mutation($i:CreateNumberInput!){createNumber(input:$i){id}}',
    { i: { number, callFlowId: flow.data.createFlow.id, name: 'test line' } },
    token,
  );
  assert.equal(made.errors, undefined, JSON.stringify(made.errors));

  const page = await freshPage();
  await signIn(page, A.user, A.pass);
  await page.getByRole('link', { name: 'Test call', exact: true }).click();
  await page.getByTestId('live-badge').getByText('● Live').waitFor();
  await page.getByLabel('Your number').selectOption(number);
  await page.getByRole('button', { name: 'Place test call' }).click();
  await page.getByText(/simulator channel/).waitFor();
  // the call's statuses arrive live over the subscription, in order
  const card = page.getByTestId('testcall-call').first();
  await card.waitFor({ timeout: 30_000 });
  const timeline = card.locator('.timeline');
  await timeline.getByText(/→ ringing$/).waitFor({ timeout: 30_000 });
  await timeline.getByText(/→ progressing$/).waitFor({ timeout: 30_000 });
  await timeline.getByText(/→ hangup$/).waitFor({ timeout: 60_000 });
  const order = await timeline.locator('li').allInnerTexts();
  const at = (s) => order.findIndex((line) => line.endsWith(`→ ${s}`));
  assert.ok(at('ringing') < at('progressing') && at('progressing') < at('hangup'), order.join('\n'));
  await shot(page, 'test-call-live');

  // the call's own page: timeline, flow position, the recording plays
  await card.getByRole('link', { name: /Open call/ }).click();
  await page.getByTestId('call-status').getByText('hangup').waitFor();
  await page.getByTestId('flow-executed').locator('li').first().waitFor();
  const audio = page.getByLabel(/^Recording /).first();
  await audio.waitFor({ timeout: 30_000 });
  const src = await audio.getAttribute('src');
  const wav = await page.evaluate(async (url) => {
    const res = await fetch(url, { cache: 'no-store' });
    return { status: res.status, type: res.headers.get('content-type'), size: (await res.arrayBuffer()).byteLength };
  }, src);
  assert.ok([200, 206].includes(wav.status), `recording download answered ${wav.status}`);
  assert.match(wav.type, /audio\/wav/);
  assert.ok(wav.size > 44, `the recording is empty (${wav.size} bytes)`);
  const duration = await audio.evaluate((el) => new Promise((resolve) => {
    if (el.readyState >= 1) resolve(el.duration);
    el.addEventListener('loadedmetadata', () => resolve(el.duration), { once: true });
    el.addEventListener('error', () => resolve(-1), { once: true });
  }));
  assert.ok(duration > 0, `the browser cannot play the recording (duration ${duration})`);
  await shot(page, 'call-detail');
  await page.getByRole('link', { name: '← All calls' }).click();
  await page.getByRole('link', { name: /incoming/ }).first().waitFor();
  await shot(page, 'calls');
  await page.context().close();
});
