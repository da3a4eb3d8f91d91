// The web inspector in a real browser (Debian's headless Chromium driven by puppeteer-core), against a real router:
// args: SCREENSHOT_PATH [BULK_PARAMS]: without BULK_PARAMS the live-value steps, with it the 100 000-param table.
// Prints one JSON event per step; the Java test checks them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';
import { url, args, out, connect, until, sleep } from './lib.mjs';

const screenshot = args[0];
const bulk = Number(args[1] || 0);
const http = url.replace(/^ws/, 'http').replace(/\/$/, '') + '/inspector/';
const timeout = Number(process.env.SCENARIO_TIMEOUT_MS || 40000);
const userDataDir = mkdtempSync(join(tmpdir(), 'clasp-chromium-'));

const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  userDataDir,
  // No sandbox (root in CI), no GPU, and nothing that calls out to the network on its own.
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage', '--window-size=1400,900'],
  defaultViewport: { width: 1400, height: 900 },
});

async function main() {
  const page = await browser.newPage();
  page.setDefaultTimeout(timeout);
  const consoleErrors = [];
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));

  await page.goto(http);
  await page.waitForSelector('body[data-connected="true"]');
  out({ event: 'loaded', title: await page.title() });
  if (bulk > 0) {
    await bulkLoad(page, bulk);
    await page.screenshot({ path: screenshot });
  } else {
    await liveValues(page);
  }
  out({ event: 'console-errors', errors: consoleErrors });
}

/** Load, watch a JS client's writes, filter, write from the form, read sessions and rates; screenshot. */
async function liveValues(page) {
  // A JS client (@clasp-to/core) writes; the page shows the value and flashes the row on the change.
  const writer = await connect('inspector-test-writer');
  writer.set('/sensors/temperature', 21.5);
  await waitForCell(page, '/sensors/temperature', 1, '21.5');
  writer.set('/sensors/temperature', 22.5);
  await waitForCell(page, '/sensors/temperature', 1, '22.5');
  const flashed = await page.$eval('.row[data-address="/sensors/temperature"]', (el) => el.classList.contains('flash'));
  const revision = await page.$eval('.row[data-address="/sensors/temperature"]', (el) => el.dataset.revision);
  out({ event: 'value-shown', value: '22.5', revision, flashed });

  // The filter box is the subscription's pattern.
  writer.set('/other/level', 3);
  await waitForCell(page, '/other/level', 1, '3.0');
  await page.click('#filter', { clickCount: 3 });
  await page.type('#filter', '/sensors/**');
  await page.waitForFunction(() => !document.querySelector('.row:not([hidden])[data-address="/other/level"]') &&
    document.querySelector('.row:not([hidden])[data-address="/sensors/temperature"]'));
  out({ event: 'filtered', rows: await visibleAddresses(page) });

  // The form writes a param (an integer: 7 stays I64) and the JS client reads it back.
  await page.select('#write-kind', 'set');
  await page.type('#write-address', '/sensors/from-form');
  await page.type('#write-value', '7');
  await page.click('#write-form button');
  await page.waitForFunction(() => /rev 1/.test(document.getElementById('write-result').textContent));
  const readBack = await writer.get('/sensors/from-form');
  await waitForCell(page, '/sensors/from-form', 1, '7');
  out({ event: 'form-set', value: readBack, result: await page.$eval('#write-result', (el) => el.textContent) });

  // Sessions, rates and the busiest addresses come from the JSON endpoint: keep writing until the page shows the
  // writer's session, a SET rate above zero and /sensors/temperature among the busiest addresses.
  let t = 22.5;
  const ticker = setInterval(() => writer.set('/sensors/temperature', t += 0.1), 50);
  try {
    await page.waitForFunction(() => [...document.querySelectorAll('#sessions tbody tr')]
      .some((tr) => tr.cells[0].textContent === 'inspector-test-writer'));
    await page.waitForFunction(() => [...document.querySelectorAll('#rates tbody tr')]
      .some((tr) => tr.cells[0].textContent === 'SET' && parseFloat(tr.cells[1].textContent) > 0));
    await page.waitForFunction(() => [...document.querySelectorAll('#top tbody tr')]
      .some((tr) => tr.cells[0].textContent === '/sensors/temperature'));
  } finally {
    clearInterval(ticker);
  }
  out({
    event: 'stats',
    sessions: await page.$$eval('#sessions tbody tr', (rows) => rows.map((r) => r.cells[0].textContent)),
    rates: await page.$$eval('#rates tbody tr', (rows) => rows.map((r) => r.cells[0].textContent)),
    top: await page.$$eval('#top tbody tr', (rows) => rows.map((r) => r.cells[0].textContent)),
  });

  await page.screenshot({ path: screenshot });
  out({ event: 'screenshot', path: screenshot });
  writer.close();
}

/**
 * Write BULK params from a raw socket in windows of 4 096 SETs (each window ends with a PING whose PONG says the router
 * has taken it), then check the table: every one counted, only a screenful of rows in the DOM.
 */
async function bulkLoad(page, n) {
  await page.click('#filter', { clickCount: 3 });
  await page.type('#filter', '/bulk/**');
  await page.waitForFunction(() => document.getElementById('param-count').textContent === '0 params');
  const ws = new WebSocket(url, 'clasp');
  ws.binaryType = 'arraybuffer';
  await new Promise((resolve, reject) => { ws.onopen = resolve; ws.onerror = reject; });
  let pongs = 0;
  ws.onmessage = (e) => { const b = new Uint8Array(e.data); if (b[4] === 0x42) pongs++; };
  ws.send(frame([0x01, 0x01, 0xe0, ...str('bulk-writer'), 0x00, 0x00]));
  const started = Date.now();
  for (let i = 0; i < n; i++) {
    const value = new Uint8Array(8);
    new DataView(value.buffer).setFloat64(0, i);
    ws.send(frame([0x21, 0x07, ...str('/bulk/p' + String(i).padStart(6, '0')), ...value]));
    if (i % 4096 === 4095 || i === n - 1) {
      const want = pongs + 1;
      ws.send(frame([0x41]));
      await until(() => pongs >= want, timeout, 'PONG after ' + (i + 1) + ' SETs');
    }
  }
  const last = '/bulk/p' + String(n - 1).padStart(6, '0');
  await page.waitForFunction((want) => document.getElementById('param-count').textContent === want + ' params',
    { timeout }, String(n));
  const loadedMs = Date.now() - started;
  const domRows = await page.$$eval('.row', (rows) => rows.length);
  // Scroll to the end: the last param is drawn, and frames keep coming while updates flow.
  await page.$eval('#params-viewport', (el) => { el.scrollTop = el.scrollHeight; });
  await page.waitForFunction((want) => document.querySelector('.row:not([hidden])[data-address="' + want + '"]'),
    {}, last);
  const frames = await page.evaluate(() => new Promise((resolve) => {
    const gaps = [];
    let previous = performance.now();
    const start = previous;
    const step = (now) => {
      gaps.push(now - previous);
      previous = now;
      const el = document.getElementById('params-viewport');
      el.scrollTop = (el.scrollTop + 997) % el.scrollHeight;
      if (now - start < 1000) requestAnimationFrame(step); else resolve(gaps);
    };
    requestAnimationFrame(step);
  }));
  ws.close();
  out({ event: 'bulk', params: n, loadedMs, domRows, lastShown: last, frames: frames.length,
    maxFrameGapMs: Math.round(Math.max(...frames)) });
}

function str(s) {
  const b = new TextEncoder().encode(s);
  return [b.length >> 8, b.length & 0xff, ...b];
}

function frame(payload) {
  return new Uint8Array([0x53, 0x01, payload.length >> 8, payload.length & 0xff, ...payload]);
}

async function waitForCell(page, address, column, text) {
  await page.waitForFunction((a, c, t) => {
    const row = document.querySelector('.row:not([hidden])[data-address="' + a + '"]');
    return row && row.children[c].textContent === t;
  }, {}, address, column, text);
}

async function visibleAddresses(page) {
  return page.$$eval('.row:not([hidden])', (rows) => rows.map((r) => r.dataset.address));
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
