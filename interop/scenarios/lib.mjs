// Shared helpers for the interop scenarios. Every scenario prints one JSON object per line on stdout (the Java
// tests parse them); the client library's own console output is moved to stderr so stdout stays JSON only.
import { Clasp } from '@clasp-to/core';

console.log = console.debug = console.info = (...args) => console.error(...args);

export const url = process.argv[2];
export const args = process.argv.slice(3);
if (!url) {
  console.error('usage: node --experimental-websocket <scenario>.mjs ws://host:port [args]');
  process.exit(64);
}

/** JSON with Uint8Array as {"bytes":[...]} and undefined as null. */
export function out(obj) {
  process.stdout.write(JSON.stringify(obj, (k, v) => {
    if (v instanceof Uint8Array) return { bytes: Array.from(v) };
    return v === undefined ? null : v;
  }) + '\n');
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A connected client (no auto-reconnect unless asked). */
export async function connect(name, options = {}) {
  const client = new Clasp(url, { name, reconnect: false, ...options });
  await client.connect(5000);
  return client;
}

/** Resolve when predicate() holds, polling; reject after timeoutMs. */
export async function until(predicate, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timeout waiting for ${what}`);
    await sleep(10);
  }
}

/** Print {"event":"done"} and exit (the clients' sockets would otherwise keep node alive). */
export function done(extra = {}) {
  out({ event: 'done', ...extra });
  setTimeout(() => process.exit(0), 20);
}

/** Resolve with the next line on stdin (how the Java test tells a scenario to go on). */
export function nextLine() {
  return new Promise((resolve) => {
    let buffer = '';
    const onData = (chunk) => {
      buffer += chunk;
      const nl = buffer.indexOf('\n');
      if (nl >= 0) {
        process.stdin.off('data', onData);
        process.stdin.pause();
        resolve(buffer.slice(0, nl));
      }
    };
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', onData);
    process.stdin.resume();
  });
}

function fail(error) {
  out({ event: 'error', message: String((error && error.message) || error) });
  setTimeout(() => process.exit(1), 20);
}
process.on('unhandledRejection', fail);
process.on('uncaughtException', fail);

// A watchdog so a scenario never outlives its test.
const watchdog = setTimeout(() => fail(new Error('scenario watchdog expired')), Number(process.env.SCENARIO_TIMEOUT_MS || 30000));
watchdog.unref();
