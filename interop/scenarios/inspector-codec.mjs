// The inspector's own CLASP module (server/.../inspector/clasp.js) against the byte vectors of wire-protocol.md §10
// and the router's pattern rules; runs in Node, which has the same TextEncoder, DataView and BigInt as a browser.
import assert from 'node:assert/strict';
import { out, done } from './lib.mjs';
import { encode, decode, matches, parseValue, formatValue, T } from
  '../../server/src/main/resources/to/clasp/server/inspector/clasp.js';

const hex = (s) => Uint8Array.from(s.replace(/\s+/g, '').match(/../g).map((b) => parseInt(b, 16)));
const ascii = (s) => Array.from(new TextEncoder().encode(s)).map((b) => b.toString(16).padStart(2, '0')).join(' ');

// E4: SET 21.5 to /sensors/temperature, as the JS client writes it (QoS Confirm).
assert.deepEqual(encode.set('/sensors/temperature', 21.5),
  hex('53 41 00 20 21 07 00 14 ' + ascii('/sensors/temperature') + ' 40 35 80 00 00 00 00 00'));
// E8: an integer is I64.
assert.deepEqual(encode.set('/py/int', 42n).slice(4), hex('21 05 00 07 ' + ascii('/py/int') + ' 00 00 00 00 00 00 00 2a'));
// E9: SUBSCRIBE /sensors/** id 1, and UNSUBSCRIBE.
assert.deepEqual(encode.subscribe(1, '/sensors/**'), hex('53 01 00 14 10 00 00 00 01 00 0b ' + ascii('/sensors/**') + ' ff 00'));
assert.deepEqual(encode.unsubscribe(1), hex('53 01 00 05 11 00 00 00 01'));
// SUBSCRIBE with maxRate (opt bit 0, u32).
assert.deepEqual(encode.subscribe(2, '/s/**', { maxRate: 30 }).slice(-6), hex('ff 01 00 00 00 1e'));
// E10: emit with timestamp T, JS form (indicator 1 + null).
assert.deepEqual(encode.emit('/cue/go', null, 1700000000000000n),
  hex('53 41 00 15 20 30 00 07 ' + ascii('/cue/go') + ' 01 00 00 06 0a 24 18 1e 40 00'));
// E1 shape: HELLO with a name and no token.
assert.deepEqual(encode.hello('x', '').slice(4), hex('01 01 f8 00 01 78 00 00'));

// E5: the router's SET broadcast.
const set = decode(hex('53 41 00 28 21 87 00 14 ' + ascii('/sensors/temperature') +
  ' 40 35 80 00 00 00 00 00 00 00 00 00 00 00 00 01'));
assert.equal(set.type, T.SET);
assert.equal(set.address, '/sensors/temperature');
assert.equal(set.value, 21.5);
assert.equal(set.revision, 1n);
// E7: a one-entry SNAPSHOT with writer and timestamp.
const sid = '8c2f3a1e-5b7d-4e2a-9f10-3c4d5e6f7a8b';
const snap = decode(hex('53 01 00 59 23 00 01 00 14 ' + ascii('/sensors/temperature') +
  ' 07 40 35 80 00 00 00 00 00 00 00 00 00 00 00 00 03 03 00 24 ' + ascii(sid) + ' 00 06 0a 24 18 1e 40 00'));
assert.deepEqual(snap.entries, [{ address: '/sensors/temperature', value: 21.5, revision: 3n, writer: sid,
  timestamp: 1700000000000000n }]);
// E8 broadcast: an I64 stays an integer.
assert.equal(decode(hex('53 41 00 1b 21 85 00 07 ' + ascii('/py/int') + ' 00 00 00 00 00 00 00 2a 00 00 00 00 00 00 00 01')).value, 42n);
// E12: ERROR 400 with an address.
const error = decode(hex('53 01 00 35 51 01 90 00 2b ' + ascii('RevisionConflict { expected: 5, actual: 3 }') +
  ' 01 00 02 2f 61'));
assert.deepEqual([error.code, error.message, error.address], [400, 'RevisionConflict { expected: 5, actual: 3 }', '/a']);
// E6: ACK with address and revision.
const ack = decode(hex('53 01 00 20 50 03 00 14 ' + ascii('/sensors/temperature') + ' 00 00 00 00 00 00 00 01'));
assert.deepEqual([ack.address, ack.revision], ['/sensors/temperature', 1n]);
// Truncated frames throw (the page drops them) rather than yielding garbage.
assert.throws(() => decode(hex('53 41 00 28 21 87 00 14 2f 73')));
// Nested values round-trip with their types.
const nested = { a: [1n, 2.5, 'x', null, true], b: { c: new Uint8Array([1, 2]) } };
assert.deepEqual(decode(encode.set('/n', nested)).value, nested);

// Patterns as the router matches them (docs/matching.md).
for (const [pattern, address, expected] of [
  ['/sensors/*', '/sensors/a', true], ['/sensors/*', '/sensors/a/b', false], ['/sensors/*', '/sensors', false],
  ['/a/**', '/a', true], ['/a/**', '/a/b/c', true], ['/a/**/z', '/a/z', true], ['/a/**/z', '/a/b/c/z', true],
  ['/a/**/z', '/a/b/c', false], ['/zone5*', '/zone5a', true], ['/zone5*', '/zone6', false], ['/**', '/x/y', true],
  ['/a/?', '/a/b', false], ['/a/?', '/a/?', true]]) {
  assert.equal(matches(pattern, address), expected, pattern + ' vs ' + address);
}

// Values typed in the form, as the command line reads them.
assert.equal(parseValue('42'), 42n);
assert.equal(parseValue('4.2'), 4.2);
assert.equal(parseValue('hello'), 'hello');
assert.equal(parseValue('"42"'), '42');
assert.equal(formatValue(42n), '42');
assert.equal(formatValue(42), '42.0');
assert.equal(formatValue(['a', 1n, 1.5]), '["a", 1, 1.5]');

out({ event: 'vectors-ok' });
done();
