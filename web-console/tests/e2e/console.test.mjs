// The console end to end against real servers (see tests/console/test_console_e2e.py).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { apiLogin, env, gql, launch, shot, signIn } from './browser.mjs';

const A = { user: env('A_USER'), pass: env('A_PASS') };
const B = { user: env('B_USER'), pass: env('B_PASS') };
const AGENT = `agent-${Date.now().toString(36)}`;
let browser;

before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function freshPage(viewport = { width: 1280, height: 900 }) {
  const context = await browser.newContext({ viewport });
  return context.newPage();
}

test('a wrong password shows the error in words', async () => {
  const page = await freshPage();
  await page.goto(env('CONSOLE_URL'));
  await page.getByLabel('Username').fill(A.user);
  await page.getByLabel('Password').fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  const alert = page.getByRole('alert');
  await alert.waitFor();
  assert.match(await alert.innerText(), /Wrong username or password/);
  await shot(page, 'sign-in-error');
  await page.context().close();
});

test('customer A: dashboard live, agents, keys, webhooks, audit log, test call', async () => {
  const page = await freshPage();
  await signIn(page, A.user, A.pass);
  assert.match(await page.getByTestId('who').innerText(), /First Customer/);

  // live: a change made elsewhere (the API, another admin) streams into the dashboard
  await page.getByText('Waiting for events').waitFor();
  await page.getByTestId('live-badge').getByText('● Live').waitFor();
  const token = await apiLogin(A.user, A.pass);
  const made = await gql(
    'mutation($i:CreateAgentInput!){createAgent(input:$i){id}}',
    { i: { username: `${AGENT}-api`, password: 'agent-password-1', name: 'From the API' } },
    token,
  );
  assert.equal(made.errors, undefined, JSON.stringify(made.errors));
  await page.getByTestId('event-feed').getByText('agent_created').first().waitFor();
  await shot(page, 'dashboard');

  // a snapshot: what was already live when the page opened is listed too (a flow waiting
  // at a block, whose last event was emitted before the reload)
  const run = await gql('mutation{createActiveflow(input:{actions:[{type:"block"}]}){id}}', {}, token);
  assert.equal(run.errors, undefined, JSON.stringify(run.errors));
  const runId = run.data.createActiveflow.id;
  for (let i = 0; i < 100; i += 1) {
    const af = await gql('query($id:UUID!){activeflow(id:$id){currentAction}}', { id: runId }, token);
    if (af.data?.activeflow?.currentAction?.type === 'block') break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await page.reload();
  const snapped = page.getByTestId('live-activeflow').filter({ hasText: runId.slice(0, 8) });
  await snapped.waitFor();
  assert.match(await snapped.innerText(), /running[\s\S]*when the page opened/);
  const stopped = await gql('mutation($id:UUID!){stopActiveflow(id:$id){id}}', { id: runId }, token);
  assert.equal(stopped.errors, undefined, JSON.stringify(stopped.errors));

  // agents: create through the form, it is listed; invalid input is shown at the field
  await page.getByRole('link', { name: 'Agents' }).click();
  await page.getByRole('heading', { name: 'Agents', level: 1 }).waitFor();
  const form = page.getByRole('form', { name: 'New agent' });
  await form.getByLabel('Username').fill(AGENT);
  await form.getByLabel('Password').fill('agent-password-1');
  await form.getByLabel('Name', { exact: true }).fill('Console Agent');
  await form.getByLabel('Permission').selectOption('CUSTOMER_MANAGER');
  await form.getByRole('button', { name: 'Create agent' }).click();
  await page.getByRole('cell', { name: AGENT, exact: true }).waitFor();
  await form.getByLabel('Username').fill(AGENT); // the same username again: CONFLICT
  await form.getByLabel('Password').fill('agent-password-1');
  await form.getByRole('button', { name: 'Create agent' }).click();
  await form.getByRole('alert').waitFor();
  assert.match(await form.getByRole('alert').innerText(), /clashes with the current state/);
  await shot(page, 'agents');
  // edit: name and permission
  await page.getByRole('button', { name: `Edit ${AGENT}`, exact: true }).click();
  const edit = page.getByRole('form', { name: `Edit agent ${AGENT}` });
  await edit.getByLabel('Name', { exact: true }).fill('Renamed Agent');
  await edit.getByLabel('Permission').selectOption('CUSTOMER_ADMIN');
  await edit.getByRole('button', { name: 'Save changes' }).click();
  await page.getByRole('cell', { name: 'Renamed Agent' }).waitFor();
  // lists paginate (20 a page): 19 more agents make 22
  for (let i = 0; i < 19; i += 1) {
    const more = await gql(
      'mutation($i:CreateAgentInput!){createAgent(input:$i){id}}',
      { i: { username: `${AGENT}-p${i}`, password: 'agent-password-1' } },
      token,
    );
    assert.equal(more.errors, undefined, JSON.stringify(more.errors));
  }
  await page.reload();
  await page.getByText('22 in total').waitFor();
  assert.equal(await page.locator('tbody tr').count(), 20);
  await page.getByRole('button', { name: 'Next →' }).click();
  await page.locator('tbody tr').nth(1).waitFor();
  await page.getByRole('button', { name: 'Next →', disabled: true }).waitFor();
  assert.equal(await page.locator('tbody tr').count(), 2);
  await page.getByRole('button', { name: '← Previous' }).click();
  await page.locator('tbody tr').nth(19).waitFor();

  // access keys: the secret is shown once, then never again; revoke
  await page.getByRole('link', { name: 'Access keys' }).click();
  await page.getByText('No access keys').waitFor();
  await page.getByLabel('Name', { exact: true }).fill('ci key');
  await page.getByRole('button', { name: 'Create key' }).click();
  const secret = await page.getByTestId('secret').innerText();
  assert.match(secret, /^ak_[A-Za-z0-9_-]{20,}$/);
  await page.getByRole('cell', { name: 'ci key', exact: true }).waitFor();
  await shot(page, 'access-keys');
  page.once('dialog', (d) => void d.accept());
  await page.getByRole('button', { name: 'Revoke ci key' }).click();
  await page.getByRole('cell', { name: /revoked/ }).waitFor();
  await page.reload();
  await page.getByRole('cell', { name: /revoked/ }).waitFor();
  assert.equal(await page.getByTestId('secret').count(), 0, 'the secret must not come back');

  // webhooks: a bad URL is refused at its field; an endpoint, its secret, a test ping
  await page.getByRole('link', { name: 'Webhooks' }).click();
  await page.getByText('No endpoints').waitFor();
  const hook = page.getByRole('form', { name: 'New webhook endpoint' });
  await hook.getByLabel('URL').fill('ftp://example.com/hook');
  await hook.getByRole('button', { name: 'Add endpoint' }).click();
  await hook.locator('.field-error').first().waitFor();
  await hook.getByLabel('URL').fill(env('WEBHOOK_URL'));
  await hook.getByLabel('Name', { exact: true }).fill('receiver');
  await hook.getByRole('button', { name: 'Add endpoint' }).click();
  await page.getByText('Signing secret').waitFor();
  await page.getByRole('cell', { name: /receiver/ }).waitFor();
  await page.getByRole('button', { name: 'Send test ping', exact: true }).click();
  await page.getByText(/Test ping delivered: HTTP 200/).waitFor();
  await page.getByRole('button', { name: 'Deliveries', exact: true }).click();
  // an event after the endpoint exists is delivered to it, with its attempts, and replays
  const ev = await gql(
    'mutation($i:CreateAgentInput!){createAgent(input:$i){id}}',
    { i: { username: `${AGENT}-hook`, password: 'agent-password-1' } },
    token,
  );
  assert.equal(ev.errors, undefined, JSON.stringify(ev.errors));
  // replay needs a finished delivery: wait until it reads delivered
  const delivery = page.locator('details.delivery').filter({ hasText: 'agent_created' }).filter({ hasText: 'delivered' }).first();
  for (let i = 0; i < 100 && !(await delivery.isVisible()); i += 1) {
    await page.getByRole('button', { name: 'Refresh deliveries' }).click();
    await page.waitForTimeout(200);
  }
  await delivery.locator('summary').click();
  await delivery.getByText(/Attempt 1: HTTP 200/).waitFor();
  await delivery.getByRole('button', { name: 'Replay this delivery' }).click();
  await page.getByText(/Delivery replayed: now/).waitFor();
  await shot(page, 'webhooks');

  // audit log: what we just did is there
  await page.getByRole('link', { name: 'Audit log' }).click();
  await page.getByRole('cell', { name: 'agent.create' }).first().waitFor();
  await page.getByLabel('Filter by action').fill('accesskey.create');
  await page.getByRole('cell', { name: 'agent.create' }).first().waitFor({ state: 'detached' });
  await page.getByRole('cell', { name: 'accesskey.create' }).waitFor();
  await shot(page, 'audit-log');

  // test call: a number that is not E.164 is refused at the field (the real call, to a
  // number of this customer's, is placed in the flows test once a flow is attached)
  await page.getByRole('link', { name: 'Test call', exact: true }).click();
  await page.getByLabel('Number to call').fill('not a number');
  await page.getByRole('button', { name: 'Place test call' }).click();
  await page.getByText(/must be an E\.164 number/).waitFor();
  await shot(page, 'test-call-error');

  // token refresh: an expired access token is renewed without bothering the user
  await page.evaluate(() => {
    const s = JSON.parse(sessionStorage.getItem('voipbin.session'));
    sessionStorage.setItem('voipbin.session', JSON.stringify({ ...s, token: 'expired.token.value' }));
  });
  await page.getByRole('link', { name: 'Agents' }).click();
  await page.getByRole('cell', { name: `${AGENT}-hook`, exact: true }).waitFor();

  // a refused refresh (session over) sends you back to sign in, with a reason
  await page.evaluate(() => {
    const s = JSON.parse(sessionStorage.getItem('voipbin.session'));
    sessionStorage.setItem('voipbin.session', JSON.stringify({ ...s, token: 'x.y.z', refreshToken: 'gone' }));
  });
  await page.reload();
  await page.getByText('Your session expired. Please sign in again.').waitFor();

  // sign in again, sign out
  await signIn(page, A.user, A.pass);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByText('You have signed out.').waitFor();
  await page.context().close();
});

test('flows: structured editor, errors at the action and field, raw JSON; numbers: attach', async () => {
  const page = await freshPage();
  await signIn(page, A.user, A.pass);
  await page.getByRole('link', { name: 'Flows' }).click();
  await page.getByRole('button', { name: 'New flow' }).click();
  await page.getByLabel('Flow name').fill('Greeting');
  // a new flow starts as answer → talk → hangup; add a sleep before the hangup
  await page.getByRole('button', { name: 'Add action' }).click();
  const added = page.getByTestId('action-3');
  await added.getByLabel('Action 4 type').selectOption('sleep');
  await added.getByLabel('Action 4 duration value').fill('soon');
  await page.getByRole('button', { name: 'Check' }).click();
  // the API's problem is shown on action 4, at its duration option
  await added.getByRole('alert').waitFor();
  assert.equal(await page.getByTestId('action-0').getByRole('alert').count(), 0);
  await shot(page, 'flow-editor-error');
  await added.getByLabel('Action 4 duration value').fill('1000');
  await page.getByRole('button', { name: 'Check' }).click();
  await page.getByText('No problems found').waitFor();
  // raw JSON mode round-trips the same actions
  await page.getByRole('button', { name: 'Raw JSON' }).click();
  const raw = page.getByLabel('Actions as JSON');
  const text = await raw.inputValue();
  assert.match(text, /"type": "sleep"/);
  await raw.fill('[{"type": "answer"}');
  await page.getByRole('button', { name: 'Structured editor' }).click();
  await page.getByText(/This is not valid JSON/).waitFor();
  await raw.fill(text.replace('"sleep"', '"no_such_action"'));
  await page.getByRole('button', { name: 'Check' }).click();
  await page.getByText(/Action 4 \(type\)/).waitFor();
  // record the call: a recording_start right after the answer, added in raw JSON
  const actions = JSON.parse(text);
  const answer = actions.findIndex((a) => a.type === 'answer');
  actions.splice(answer + 1, 0, { type: 'recording_start', option: {} });
  await raw.fill(JSON.stringify(actions, null, 2));
  await page.getByRole('button', { name: 'Structured editor' }).click();
  await page.getByTestId('action-4').waitFor();
  await page.getByRole('button', { name: 'Save flow' }).click();
  await page.getByText('Flow saved.').waitFor();
  await page.waitForURL(/\/console\/flows\/[0-9a-f-]{36}$/);
  await shot(page, 'flow-editor');
  await page.getByRole('link', { name: '← All flows' }).click();
  await page.getByRole('link', { name: 'Greeting', exact: true }).waitFor();
  await shot(page, 'flows');

  // numbers: get one, attach the flow as its call flow
  await page.getByRole('link', { name: 'Numbers' }).click();
  await page.getByRole('heading', { name: 'Get a number' }).waitFor();
  const get = page.getByRole('button', { name: /^Get \+/ }).first();
  const number = (await get.innerText()).replace('Get ', '');
  await get.click();
  const row = page.getByTestId(`number-${number}`);
  await row.waitFor();
  await row.getByLabel(`Call flow of ${number}`).selectOption({ label: 'Greeting' });
  await page.getByText(`${number}: call flow attached.`).waitFor();
  await page.reload();
  // after a reload the row links to its call flow: the attachment was saved
  await page.getByTestId(`number-${number}`).getByRole('link', { name: 'open' }).waitFor();
  await shot(page, 'numbers');

  // the test-call panel offers it
  await page.getByTestId(`number-${number}`).getByRole('link', { name: 'Test call', exact: true }).click();
  assert.equal(await page.getByLabel('Number to call').inputValue(), number);
  assert.equal(await page.getByLabel('Your number').inputValue(), number);

  // place it: the scripted caller dials through the simulator, and the call goes
  // ringing → progressing → hangup live on the panel while its flow runs
  await page.getByRole('button', { name: 'Place test call' }).click();
  await page.getByText(/simulator channel/).waitFor();
  const card = page.getByTestId('testcall-call');
  await card.getByTestId('call-status').getByText('hangup', { exact: true }).waitFor({ timeout: 60_000 });
  const timeline = await card.locator('ol.timeline').innerText();
  for (const status of ['ringing', 'progressing', 'hangup']) {
    assert.match(timeline, new RegExp(`→ ${status}`), `the live timeline misses ${status}:\n${timeline}`);
  }
  assert.ok(
    timeline.indexOf('→ ringing') < timeline.indexOf('→ progressing')
      && timeline.indexOf('→ progressing') < timeline.indexOf('→ hangup'),
    `statuses out of order:\n${timeline}`,
  );
  await page.getByTestId('testcall-activeflow').waitFor();
  await shot(page, 'test-call');

  // its call page: the flow's recording is there and playable (a real WAV behind it)
  await card.getByRole('link', { name: /^Open call/ }).click();
  const audio = page.locator('audio').first();
  for (let i = 0; i < 50 && !(await audio.isVisible()); i += 1) {
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.waitForTimeout(200);
  }
  const src = await audio.getAttribute('src');
  assert.ok(src, 'the recording has no download URL');
  const file = await page.evaluate(async (url) => {
    const r = await fetch(url, { cache: 'no-store' });
    const b = new Uint8Array(await r.arrayBuffer());
    return { status: r.status, type: r.headers.get('content-type'), head: String.fromCharCode(...b.slice(0, 4)), size: b.length };
  }, src);
  assert.equal(file.status, 200);
  assert.equal(file.head, 'RIFF', `not a WAV: ${JSON.stringify(file)}`);
  assert.ok(file.size > 1000, `an empty recording: ${JSON.stringify(file)}`);
  await shot(page, 'call-detail');
  await page.context().close();
});

test('a second customer sees none of the first one\'s data', async () => {
  const page = await freshPage();
  await signIn(page, B.user, B.pass);
  assert.match(await page.getByTestId('who').innerText(), /Second Customer/);
  await page.getByRole('link', { name: 'Agents' }).click();
  await page.getByRole('cell', { name: B.user, exact: true }).waitFor();
  assert.equal(await page.getByRole('cell', { name: AGENT, exact: true }).count(), 0);
  assert.equal(await page.getByText('1 in total').count(), 1);
  await page.getByRole('link', { name: 'Access keys' }).click();
  await page.getByText('No access keys').waitFor();
  await page.getByRole('link', { name: 'Flows' }).click();
  await page.getByText('No flows yet').waitFor();
  await page.getByRole('link', { name: 'Numbers' }).click();
  await page.getByText('No numbers yet').waitFor();
  await page.getByRole('link', { name: 'Webhooks' }).click();
  await page.getByText('No endpoints').waitFor();
  await page.getByText('No deliveries yet').waitFor();
  await page.getByRole('link', { name: 'Audit log' }).click();
  await page.getByRole('heading', { name: 'Audit log' }).waitFor();
  await page.getByRole('cell', { name: 'auth.login' }).first().waitFor(); // B's own sign-in
  assert.equal(await page.getByRole('cell', { name: 'accesskey.create' }).count(), 0);
  assert.equal(await page.getByRole('cell', { name: 'agent.create' }).count(), 0);
  assert.equal(await page.getByRole('cell', { name: 'testcall.place' }).count(), 0);
  await page.context().close();
});

test('phone-sized screen: menu, pages and keyboard navigation', async () => {
  const page = await freshPage({ width: 390, height: 844 });
  await page.goto(env('CONSOLE_URL'));
  await page.getByLabel('Username').waitFor();
  // keyboard only: Tab to the fields, type, Enter submits
  await page.keyboard.press('Tab');
  await page.keyboard.type(A.user);
  await page.keyboard.press('Tab');
  await page.keyboard.type(A.pass);
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
  assert.equal(await page.getByRole('link', { name: 'Webhooks' }).isVisible(), false, 'the menu starts closed');
  await page.getByRole('button', { name: 'Menu' }).click();
  await page.getByRole('link', { name: 'Webhooks' }).click();
  await page.getByRole('heading', { name: 'Webhooks', level: 1 }).waitFor();
  await page.getByRole('navigation', { name: 'Pages' }).first().waitFor(); // the list loaded
  await shot(page, 'webhooks-phone');
  await page.getByRole('button', { name: 'Menu' }).click();
  await page.getByRole('link', { name: 'Dashboard' }).click();
  await shot(page, 'dashboard-phone');
  await page.context().close();
});
