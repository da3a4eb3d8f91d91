// The seed scenario's subscriber: subscribe(pattern) and print every value; exit after `count` values.
// args: pattern count
import { args, connect, done, out } from './lib.mjs';

const [pattern = '/sensors/*', count = '10'] = args;
const client = await connect('interop subscriber');
let received = 0;
client.subscribe(pattern, (value, address, meta) => {
  out({ event: 'value', address, value, revision: meta ? meta.revision : null });
  if (++received >= Number(count)) done();
});
// The SUBSCRIBE is on the wire once send() returned; a PING/PONG round trip is not exposed by the client, so the
// Java side waits for this line and then publishes.
out({ event: 'subscribed', pattern });
