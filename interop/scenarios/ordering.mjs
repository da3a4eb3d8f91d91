// Three publishers write increasing values as fast as they can; the subscriber must see each publisher's values
// complete and in order (per-publisher FIFO).
// args: count
import { args, connect, done, out, sleep, until } from './lib.mjs';

const count = Number(args[0] || 200);
const subscriber = await connect('interop order subscriber');
const seen = { '/order/p0': [], '/order/p1': [], '/order/p2': [] };
// Values from a SUBSCRIBE snapshot (meta set) are earlier state, not this run's publications.
subscriber.subscribe('/order/*', (value, address, meta) => { if (!meta) seen[address].push(value); });
const publishers = await Promise.all([0, 1, 2].map((i) => connect(`interop order publisher ${i}`)));
await sleep(200);
for (let v = 1; v <= count; v++) {
  for (let i = 0; i < 3; i++) publishers[i].set(`/order/p${i}`, v);
}
await until(() => Object.values(seen).every((list) => list.at(-1) === count), 10000, 'the last values');
out({ event: 'received', seen });
done();
