// The web inspector against a router with token auth, in a real browser (Debian's headless Chromium through
// puppeteer-core). Tokens come from the environment: ADMIN_TOKEN (admin:/**) and READER_TOKEN (read:/sensors/**).
// A JS client (@clasp-to/core, withToken(ADMIN_TOKEN)) writes /sensors/temperature and /secret/code.
// Events: dialog (the page asks for a token) | wrong-token {message} | reader {rows, sessionsNote, top} |
//         admin {rows, sessions} | console-errors | done
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';
import { ClaspBuilder } from '@clasp-to/core';
import { url, out } from './lib.mjs';

const http = url.replace(/^ws/, 'http').replace(/\/$/, '') + '/inspector/';
const timeout = Number(process.env.SCENARIO_TIMEOUT_MS || 40000);
const userDataDir = mkdtempSync(join(tmpdir(), 'clasp-chromium-'));
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  userDataDir,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage', '--window-size=1400,900'],
  defaultViewport: { width: 1400, height: 900 },
});

async function enterToken(page, token) {
  await page.waitForSelector('#token-dialog[open]');
  await page.click('#token-input', { clickCount: 3 });
  await page.type('#token-input', token);
  await page.click('#token-form button');
}

async function visibleAddresses(page) {
  return page.$$eval('.row:not([hidden])', (rows) => rows.map((r) => r.dataset.address).sort());
}

async function main() {
  const writer = await new ClaspBuilder(url).withName('inspector-auth-writer').withReconnect(false)
    .withToken(process.env.ADMIN_TOKEN).connect();
  const consoleErrors = [];
  const page = await browser.newPage();
  page.setDefaultTimeout(timeout);
  page.on('pageerror', (e) => consoleErrors.push(String(e)));

  await page.goto(http);
  await page.waitForSelector('#token-dialog[open]');
  out({ event: 'dialog' });

  // A wrong token: the router refuses the page's HELLO (ERROR 300) and the page asks again, saying why.
  await enterToken(page, 'not-a-token');
  await page.waitForFunction(() => document.getElementById('token-dialog').open &&
    /30[0-2]/.test(document.getElementById('token-error').textContent));
  out({ event: 'wrong-token', message: await page.$eval('#token-error', (el) => el.textContent) });

  // The reader: only /sensors/** in the table, no sessions table, only readable busiest addresses.
  await enterToken(page, process.env.READER_TOKEN);
  await page.waitForSelector('body[data-connected="true"]');
  let t = 20;
  const ticker = setInterval(() => {
    writer.set('/sensors/temperature', t += 0.5);
    writer.set('/secret/code', t);
  }, 50);
  try {
    await page.waitForFunction(() => document.querySelector('.row:not([hidden])[data-address="/sensors/temperature"]'));
    await page.waitForFunction(() => [...document.querySelectorAll('#top tbody tr')]
      .some((tr) => tr.cells[0].textContent === '/sensors/temperature'));
    await page.waitForFunction(() => /admin/.test(document.getElementById('sessions-note').textContent));
    out({
      event: 'reader',
      rows: await visibleAddresses(page),
      sessionsNote: await page.$eval('#sessions-note', (el) => el.textContent),
      sessions: await page.$$eval('#sessions tbody tr', (rows) => rows.length),
      top: await page.$$eval('#top tbody tr', (rows) => rows.map((r) => r.cells[0].textContent)),
    });

    // The admin, in a fresh page (the token is kept per tab): everything, with the sessions.
    const adminPage = await browser.newPage();
    adminPage.setDefaultTimeout(timeout);
    adminPage.on('pageerror', (e) => consoleErrors.push(String(e)));
    await adminPage.goto(http);
    await enterToken(adminPage, process.env.ADMIN_TOKEN);
    await adminPage.waitForSelector('body[data-connected="true"]');
    await adminPage.waitForFunction(() => document.querySelector('.row:not([hidden])[data-address="/secret/code"]'));
    await adminPage.waitForFunction(() => [...document.querySelectorAll('#sessions tbody tr')]
      .some((tr) => tr.cells[0].textContent === 'inspector-auth-writer'));
    out({
      event: 'admin',
      rows: await visibleAddresses(adminPage),
      sessions: await adminPage.$$eval('#sessions tbody tr', (rows) => rows.map((r) => r.cells[0].textContent)),
    });
  } finally {
    clearInterval(ticker);
    writer.close();
  }
  out({ event: 'console-errors', errors: consoleErrors });
}

try {
  await main();
  out({ event: 'done' });
} catch (e) {
  out({ event: 'error', message: String(e && e.stack || e) });
} finally {
  await browser.close();
  rmSync(userDataDir, { recursive: true, force: true });
  process.exit(0);
}
