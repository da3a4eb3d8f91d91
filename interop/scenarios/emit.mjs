// emit(): delivered to other subscribers, not echoed to the sender, not stored (get times out).
import { connect, done, out, sleep, until } from './lib.mjs';

const listener = await connect('interop listener');
const emitter = await connect('interop emitter');
const heard = [];
const echoed = [];
listener.subscribe('/cue/*', (value, address) => heard.push({ address, value }));
emitter.subscribe('/cue/*', (value, address) => echoed.push({ address, value }));
await sleep(200);
emitter.emit('/cue/go', { scene: 3, fade: 1.5 });
await until(() => heard.length === 1, 5000, 'the event at the listener');
await sleep(300);
out({ event: 'delivery', heard, echoed });
try {
  const value = await emitter.get('/cue/go');
  out({ event: 'get', result: 'value', value });
} catch (e) {
  out({ event: 'get', result: 'failed', message: e.message });
}
done();
