// Connect, write and read one value, and report how it went: {"event":"connected"} then {"event":"got",...}, or
// {"event":"connect-failed","message":...}. Used for wss:// (trusted, untrusted) and ws:// against a TLS port.
// args: [address] [value]
import { Clasp } from '@clasp-to/core';
import { args, done, out, url } from './lib.mjs';

const [address = '/tls/js', value = '7'] = args;
const client = new Clasp(url, { name: 'interop connect', reconnect: false });
try {
  await client.connect(5000);
} catch (err) {
  out({ event: 'connect-failed', message: String(err && err.message ? err.message : err) });
  done();
}
if (client.connected) {
  out({ event: 'connected' });
  client.set(address, Number(value));
  const got = await client.get(address);
  out({ event: 'got', address, value: got });
  done();
}
