// '*' matches exactly one segment, '**' any number: one client subscribes both, another writes at several depths.
import { connect, done, out, sleep, until } from './lib.mjs';

const reader = await connect('interop wildcard reader');
const writer = await connect('interop wildcard writer');
const single = [];
const multi = [];
reader.subscribe('/deep/*', (value, address) => single.push(address));
reader.subscribe('/deep/**', (value, address) => multi.push(address));
await sleep(200);
for (const address of ['/deep/a', '/deep/a/b', '/deep/a/b/c', '/other/a', '/deeper/a', '/deep/end']) {
  writer.set(address, 1);
}
await until(() => single.includes('/deep/end') && multi.includes('/deep/end'), 5000, 'the end marker');
out({ event: 'matched', single, multi });
done();
