// Debian's Chromium driven by playwright-core: no browser download, ever.
import { chromium } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export const ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export function env(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the e2e through tests/console/test_console_e2e.py`);
  return value;
}

export async function launch() {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', args: ARGS });
}

export async function shot(page, name) {
  const dir = env('SCREENSHOT_DIR');
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
}

export async function signIn(page, username, password) {
  await page.goto(env('CONSOLE_URL'));
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
}

export async function gql(query, variables, token) {
  const res = await fetch(env('API_URL'), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return res.json();
}

export async function apiLogin(username, password) {
  const body = await gql('mutation($u:String!,$p:String!){login(username:$u,password:$p){token}}', { u: username, p: password });
  return body.data.login.token;
}
