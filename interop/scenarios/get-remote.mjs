// get() of a value the client has never seen: connects first, waits for "go" on stdin (the Java test writes the
// value meanwhile), then get(address) goes to the router and is answered by a SNAPSHOT.
// args: address
import { args, connect, done, nextLine, out } from './lib.mjs';

const [address] = args;
const client = await connect('interop getter');
out({ event: 'connected', cachedBefore: client.cached(address) ?? null });
await nextLine();
try {
  const value = await client.get(address);
  out({ event: 'got', address, value, type: typeof value, isInteger: Number.isInteger(value) });
} catch (e) {
  out({ event: 'get-failed', address, message: e.message });
}
done();
