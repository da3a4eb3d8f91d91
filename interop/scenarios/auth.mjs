// Token auth with the real client's builder: new ClaspBuilder(url).withToken(token). The token comes from the
// CLASP_TOKEN environment variable (none when unset), so it never appears on a command line.
//   auth.mjs URL read PROBE PATTERN COUNT   connect; get(PROBE) (a round trip: the late-join snapshot is in the
//                                            cache by then) and print the cached addresses; subscribe(PATTERN),
//                                            get(PROBE) again (the subscription's snapshot is handled by then) and
//                                            print COUNT live values
//   auth.mjs URL write ADDRESS VALUE ERRORS  connect; set(ADDRESS, VALUE) and emit(ADDRESS + '/event', VALUE); wait
//                                            for ERRORS errors (0: finish at once)
// Events: connected | connect-failed {code, message, reason} | snapshot {addresses, probe} | snapshot-value |
//         subscribed | value |
//         error {code, message, address} (every ERROR the router sends) | written
import { Clasp, ClaspBuilder } from '@clasp-to/core';
import { args, done, out, until, url } from './lib.mjs';

const [mode, ...rest] = args;
const builder = new ClaspBuilder(url).withName(`interop auth ${mode}`).withReconnect(false);
if (process.env.CLASP_TOKEN) builder.withToken(process.env.CLASP_TOKEN);
// What builder.connect() does, keeping the client so that a refusal's ERROR can be reported.
const client = new Clasp(builder.getUrl(), builder.getOptions());
let errors = 0;
const handle = client.handleMessage.bind(client);
client.handleMessage = (message) => {
  if (message.type === 'ERROR') {
    errors++;
    out({ event: 'error', code: message.code, message: message.message, address: message.address ?? null });
  }
  handle(message);
};
try {
  await client.connect(5000);
} catch (err) {
  out({ event: 'connect-failed', reason: String(err && err.message ? err.message : err) });
  done();
}

if (client.connected) {
  out({ event: 'connected' });
  if (mode === 'read') {
    const [probe, pattern, count = '1'] = rest;
    const probeValue = await client.get(probe);
    out({ event: 'snapshot', addresses: Array.from(client.params.keys()).sort(), probe: probeValue });
    // The subscription's own snapshot comes first (the router answers in order): a GET after the SUBSCRIBE is a
    // round trip that has it handled, so 'subscribed' means every later value is a live one.
    let live = false;
    let received = 0;
    client.subscribe(pattern, (value, address) => {
      out({ event: live ? 'value' : 'snapshot-value', address, value });
      if (live && ++received >= Number(count)) done();
    });
    await client.get(probe);
    live = true;
    out({ event: 'subscribed', pattern });
  } else if (mode === 'write') {
    const [address, value, expected = '0'] = rest;
    client.set(address, Number(value));
    client.emit(address + '/event', Number(value));
    await until(() => errors >= Number(expected), 10000, `${expected} error(s)`);
    out({ event: 'written', address, value: Number(value) });
    done();
  }
}
