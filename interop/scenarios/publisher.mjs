// The seed scenario's publisher: set(address, v) every intervalMs, v = start, start+step, ...
// args: address count intervalMs [start] [step]
import { args, connect, done, out, sleep } from './lib.mjs';

const [address = '/sensors/temperature', count = '10', interval = '100', start = '20.5', step = '0.25'] = args;
const client = await connect('interop publisher');
for (let i = 0; i < Number(count); i++) {
  const value = Number(start) + i * Number(step);
  client.set(address, value);
  out({ event: 'sent', address, value });
  await sleep(Number(interval));
}
done();
