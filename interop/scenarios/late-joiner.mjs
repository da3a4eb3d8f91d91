// A late joiner receives the current state: one client writes, leaves; a new client connects afterwards and gets
// the values from the WELCOME snapshot (its cache) and from the SUBSCRIBE snapshot (its callback).
import { connect, done, out, until } from './lib.mjs';

const writer = await connect('interop late writer');
const echoed = new Map();
writer.subscribe('/late/**', (value, address) => echoed.set(address, value));
writer.set('/late/a', 1.5);
writer.set('/late/b', 'state');
writer.set('/late/c/d', true);
await until(() => echoed.size === 3, 5000, 'the writer\'s own broadcasts');
writer.close();

const joiner = await connect('interop late joiner');
out({ event: 'cached', values: { '/late/a': joiner.cached('/late/a'), '/late/b': joiner.cached('/late/b'),
  '/late/c/d': joiner.cached('/late/c/d') } });
const seen = {};
joiner.subscribe('/late/**', (value, address) => { seen[address] = value; });
await until(() => Object.keys(seen).length === 3, 5000, 'the subscribe snapshot');
out({ event: 'snapshot', values: seen });
done();
