// A subscriber with auto-reconnect: when the router restarts it reconnects, re-subscribes and receives again.
// args: pattern expectedValue reconnectIntervalMs
//
// Observed with 3.3.2 under Node 20: when a reconnect attempt fails (router still down) the client does not schedule
// another one, so the router has to be back before the first retry, reconnectIntervalMs after the disconnect.
import { Clasp } from '@clasp-to/core';
import { args, done, out, url } from './lib.mjs';

const [pattern = '/re/*', expected = 'after-restart', interval = '4000'] = args;
const client = new Clasp(url, { name: 'interop reconnect', reconnect: true, reconnectInterval: Number(interval) });
let connects = 0;
client.onConnect(() => out({ event: 'connected', count: ++connects, session: client.session }));
client.onDisconnect((reason) => out({ event: 'disconnected', reason: reason ?? '' }));
await client.connect(5000);
client.subscribe(pattern, (value, address) => {
  out({ event: 'value', address, value, connects });
  if (value === expected) done();
});
out({ event: 'subscribed' });
