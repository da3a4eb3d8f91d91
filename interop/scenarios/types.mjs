// Every value type round-trips through the router: a reader subscribed to /types/** prints what arrives.
import { connect, done, out, sleep, until } from './lib.mjs';

const values = {
  '/types/null': null,
  '/types/true': true,
  '/types/false': false,
  '/types/float': 1.5,
  '/types/int': 42,
  '/types/negative': -7.25,
  '/types/string': 'héllo ✓',
  '/types/bytes': new Uint8Array([1, 2, 255]),
  '/types/array': [1, 'a', [true, null]],
  '/types/map': { b: 1, a: { x: 'y' }, list: [2.5] },
};
const reader = await connect('interop types reader');
const writer = await connect('interop types writer');
const received = {};
reader.subscribe('/types/**', (value, address) => { received[address] = value; });
await sleep(200);
for (const [address, value] of Object.entries(values)) writer.set(address, value);
await until(() => Object.keys(received).length === Object.keys(values).length, 5000, 'all values');
out({ event: 'received', values: received, mapKeys: Object.keys(received['/types/map']) });
done();
