// After the unsubscribe function is called, the router sends nothing more for that subscription: counted on the
// raw WebSocket, not only through the client's local filter.
import { connect, done, out, sleep, until } from './lib.mjs';

const reader = await connect('interop unsubscriber');
const writer = await connect('interop unsub writer');
let rawFrames = 0;
reader.ws.addEventListener('message', () => { rawFrames++; });
const values = [];
const unsubscribe = reader.subscribe('/u/*', (value) => values.push(value));
let marker = false;
reader.subscribe('/marker', () => { marker = true; });
await sleep(200);
writer.set('/u/a', 1);
await until(() => values.length === 1, 5000, 'the first value');
unsubscribe();
await sleep(200);
const before = rawFrames;
writer.set('/u/a', 2);
writer.set('/u/b', 3);
writer.set('/marker', true);
await until(() => marker, 5000, 'the marker');
out({ event: 'result', values, framesAfterUnsubscribe: rawFrames - before });
done();
