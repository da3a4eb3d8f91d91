// bundle(): two SETs and an event in one BUNDLE; a subscriber sees all three, in bundle order.
import { connect, done, out, sleep, until } from './lib.mjs';

const receiver = await connect('interop bundle receiver');
const sender = await connect('interop bundle sender');
const seen = [];
receiver.subscribe('/bundle/**', (value, address) => seen.push({ address, value }));
await sleep(200);
sender.bundle([
  { set: ['/bundle/a', 1] },
  { set: ['/bundle/b', 'two'] },
  { emit: ['/bundle/e', { go: true }] },
]);
await until(() => seen.length >= 3, 5000, 'three bundle items');
await sleep(200);
out({ event: 'received', items: seen, stored: await receiver.get('/bundle/b') });
done();
