// REPLAY (0x24) from the JS client. @clasp-to/core 3.3.2 has no REPLAY message, so the frame is built here byte for
// byte (wire-protocol.md §5.10) and sent on the client's own WebSocket; the answers are read from the same socket with
// the library's decoders: the replayed SET / PUBLISH frames (each with the original write's time in its frame header),
// then ACK{address = pattern} (the replay is complete) or an ERROR.
// args: pattern from|- to|- limit|- typeMask   (from/to in µs; '-' leaves the field out)
import { args, connect, done, out } from './lib.mjs';
import { decode, decodeFrame } from '@clasp-to/core';

const [pattern, from, to, limit, mask] = args;

/** The REPLAY frame: u8 0x24 | u8 flags (bit7 from, bit6 to, bit5 limit) | str pattern | [u64][u64][u32] | u8 mask. */
function replayFrame() {
  const patternBytes = new TextEncoder().encode(pattern);
  const hasFrom = from !== '-';
  const hasTo = to !== '-';
  const hasLimit = limit !== '-';
  const length = 1 + 1 + 2 + patternBytes.length + (hasFrom ? 8 : 0) + (hasTo ? 8 : 0) + (hasLimit ? 4 : 0) + 1;
  const frame = new Uint8Array(4 + length);
  const view = new DataView(frame.buffer);
  frame[0] = 0x53;
  frame[1] = 0x41; // QoS Confirm: the router closes the replay with an ACK
  view.setUint16(2, length);
  let p = 4;
  frame[p++] = 0x24;
  frame[p++] = (hasFrom ? 0x80 : 0) | (hasTo ? 0x40 : 0) | (hasLimit ? 0x20 : 0);
  view.setUint16(p, patternBytes.length);
  p += 2;
  frame.set(patternBytes, p);
  p += patternBytes.length;
  if (hasFrom) { view.setBigUint64(p, BigInt(from)); p += 8; }
  if (hasTo) { view.setBigUint64(p, BigInt(to)); p += 8; }
  if (hasLimit) { view.setUint32(p, Number(limit)); p += 4; }
  frame[p] = Number(mask) & 0xff;
  return frame;
}

const client = await connect('interop replay');
const ws = client.ws;
const libraryHandler = ws.onmessage;
const entries = [];
ws.onmessage = (event) => {
  const bytes = new Uint8Array(event.data);
  let message;
  let timestamp;
  try {
    message = decode(bytes);
    timestamp = decodeFrame(bytes).timestamp;
  } catch (e) {
    out({ event: 'undecodable', bytes });
    return;
  }
  if (message.type === 'ACK' && message.address === pattern) {
    out({ event: 'complete', entries });
    done();
    return;
  }
  if (message.type === 'ERROR') {
    out({ event: 'refused', code: message.code, message: message.message, address: message.address });
    done();
    return;
  }
  if (timestamp !== undefined && (message.type === 'SET' || message.type === 'PUBLISH')) {
    // A replayed entry: the header timestamp is the original write's time (µs, a BigInt or a number).
    entries.push({
      type: message.type,
      address: message.address,
      value: message.type === 'SET' ? message.value : message.payload ?? message.value,
      revision: message.revision ?? null,
      signal: message.signal ?? null,
      timestamp: String(timestamp),
    });
    return;
  }
  libraryHandler.call(ws, event); // live traffic (WELCOME's snapshot, PONG, …) goes to the client as usual
};
ws.send(replayFrame());
out({ event: 'sent', pattern });
