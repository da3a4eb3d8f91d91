// A small CLASP client for the browser: the compact binary codec of the wire protocol (docs/protocol.md) over a
// WebSocket with subprotocol "clasp". No dependencies, no build step. Integers are BigInt (I64 on the wire) and
// floats are Number (F64), so 42 and 42.0 stay apart as they do in the router.

export const T = {
  HELLO: 0x01, WELCOME: 0x02, SUBSCRIBE: 0x10, UNSUBSCRIBE: 0x11, PUBLISH: 0x20, SET: 0x21, GET: 0x22,
  SNAPSHOT: 0x23, PING: 0x41, PONG: 0x42, ACK: 0x50, ERROR: 0x51,
};
export const SIGNALS = ['param', 'event', 'stream', 'gesture', 'timeline'];

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

class Writer {
  constructor() { this.buf = new Uint8Array(256); this.view = new DataView(this.buf.buffer); this.n = 0; }
  room(k) {
    if (this.n + k <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.n + k));
    next.set(this.buf);
    this.buf = next;
    this.view = new DataView(next.buffer);
  }
  u8(v) { this.room(1); this.view.setUint8(this.n, v); this.n += 1; }
  u16(v) { this.room(2); this.view.setUint16(this.n, v); this.n += 2; }
  u32(v) { this.room(4); this.view.setUint32(this.n, v); this.n += 4; }
  i64(v) { this.room(8); this.view.setBigInt64(this.n, BigInt(v)); this.n += 8; }
  f64(v) { this.room(8); this.view.setFloat64(this.n, v); this.n += 8; }
  bytes(b) { this.room(b.length); this.buf.set(b, this.n); this.n += b.length; }
  str(s) {
    const b = utf8.encode(s);
    if (b.length > 0xffff) throw new Error('string longer than 65535 bytes');
    this.u16(b.length); this.bytes(b);
  }
  value(v) { this.u8(valueType(v)); this.valueData(v); }
  valueData(v) {
    switch (valueType(v)) {
      case 0x00: return;
      case 0x01: this.u8(v ? 1 : 0); return;
      case 0x05: this.i64(v); return;
      case 0x07: this.f64(v); return;
      case 0x08: this.str(v); return;
      case 0x09: this.u16(v.length); this.bytes(v); return;
      case 0x0a: this.u16(v.length); v.forEach((e) => this.value(e)); return;
      default: {
        const entries = Object.entries(v);
        this.u16(entries.length);
        entries.forEach(([k, e]) => { this.str(k); this.value(e); });
      }
    }
  }
  /** One frame: header (magic, flags = QoS << 6 | version 1, u16 length) and this payload. */
  frame(qos) {
    const out = new Uint8Array(4 + this.n);
    out[0] = 0x53; out[1] = (qos << 6) | 1; out[2] = this.n >> 8; out[3] = this.n & 0xff;
    out.set(this.buf.subarray(0, this.n), 4);
    return out;
  }
}

function valueType(v) {
  if (v === null || v === undefined) return 0x00;
  if (typeof v === 'boolean') return 0x01;
  if (typeof v === 'bigint') return 0x05;
  if (typeof v === 'number') return 0x07;
  if (typeof v === 'string') return 0x08;
  if (v instanceof Uint8Array) return 0x09;
  if (Array.isArray(v)) return 0x0a;
  return 0x0b;
}

class Reader {
  constructor(bytes, at) { this.b = bytes; this.v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength); this.i = at; }
  left() { return this.b.length - this.i; }
  need(k) { if (this.i + k > this.b.length) throw new Error('truncated'); }
  u8() { this.need(1); return this.v.getUint8(this.i++); }
  u16() { this.need(2); const x = this.v.getUint16(this.i); this.i += 2; return x; }
  u32() { this.need(4); const x = this.v.getUint32(this.i); this.i += 4; return x; }
  i64() { this.need(8); const x = this.v.getBigInt64(this.i); this.i += 8; return x; }
  u64() { this.need(8); const x = this.v.getBigUint64(this.i); this.i += 8; return x; }
  f32() { this.need(4); const x = this.v.getFloat32(this.i); this.i += 4; return x; }
  f64() { this.need(8); const x = this.v.getFloat64(this.i); this.i += 8; return x; }
  raw(k) { this.need(k); const x = this.b.subarray(this.i, this.i + k); this.i += k; return x; }
  str() { return fromUtf8.decode(this.raw(this.u16())); }
  value() { return this.valueOf(this.u8()); }
  valueOf(type) {
    switch (type) {
      case 0x00: return null;
      case 0x01: return this.u8() !== 0;
      case 0x02: this.need(1); return BigInt(this.v.getInt8(this.i++));
      case 0x03: this.need(2); { const x = this.v.getInt16(this.i); this.i += 2; return BigInt(x); }
      case 0x04: this.need(4); { const x = this.v.getInt32(this.i); this.i += 4; return BigInt(x); }
      case 0x05: return this.i64();
      case 0x06: return this.f32();
      case 0x07: return this.f64();
      case 0x08: return this.str();
      case 0x09: return this.raw(this.u16()).slice();
      case 0x0a: { const n = this.u16(); const a = []; for (let k = 0; k < n; k++) a.push(this.value()); return a; }
      case 0x0b: {
        const n = this.u16(); const m = {};
        for (let k = 0; k < n; k++) { const key = this.str(); m[key] = this.value(); }
        return m;
      }
      default: throw new Error('unknown value type ' + type);
    }
  }
}

/** Decode one frame into {type, ...fields}; throws on anything malformed. */
export function decode(bytes) {
  if (bytes.length < 5 || bytes[0] !== 0x53) throw new Error('not a CLASP frame');
  const flags = bytes[1];
  const length = (bytes[2] << 8) | bytes[3];
  const start = (flags & 0x20) ? 12 : 4;
  const r = new Reader(bytes.subarray(0, start + length), start);
  const type = r.u8();
  switch (type) {
    case T.WELCOME: {
      const version = r.u8(); const features = r.u8(); const time = r.u64();
      return { type, version, features, time, session: r.str(), name: r.str() };
    }
    case T.SET: {
      const f = r.u8(); const address = r.str(); const value = r.valueOf(f & 0x0f);
      const revision = (f & 0x80) ? r.u64() : null;
      return { type, address, value, revision, lock: !!(f & 0x40), unlock: !!(f & 0x20) };
    }
    case T.SNAPSHOT: {
      const n = r.u16(); const entries = [];
      for (let k = 0; k < n; k++) {
        const address = r.str(); const value = r.value(); const revision = r.u64(); const opt = r.u8();
        const writer = (opt & 1) ? r.str() : null; const timestamp = (opt & 2) ? r.u64() : null;
        entries.push({ address, value, revision, writer, timestamp });
      }
      return { type, entries };
    }
    case T.PUBLISH: {
      const f = r.u8(); const address = r.str(); const indicator = r.u8();
      let value = null;
      if (indicator === 1) value = r.value();
      else if (indicator === 2) { const n = r.u16(); value = []; for (let k = 0; k < n; k++) value.push(r.f64()); }
      const timestamp = (f & 0x10) ? r.u64() : null;
      return { type, address, value, signal: SIGNALS[f >> 5] || 'event', timestamp };
    }
    case T.ACK: {
      const f = r.u8();
      return { type, address: (f & 1) ? r.str() : null, revision: (f & 2) ? r.u64() : null };
    }
    case T.ERROR: {
      const code = r.u16(); const message = r.str(); const f = r.u8();
      return { type, code, message, address: (f & 1) ? r.str() : null };
    }
    default:
      return { type };
  }
}

export const encode = {
  hello(name, token) {
    const w = new Writer(); w.u8(T.HELLO); w.u8(1); w.u8(0xf8); w.str(name); w.str(token || ''); return w.frame(0);
  },
  subscribe(id, pattern, { maxRate } = {}) {
    const w = new Writer(); w.u8(T.SUBSCRIBE); w.u32(id); w.str(pattern); w.u8(0xff);
    if (maxRate) { w.u8(0x01); w.u32(maxRate); } else { w.u8(0x00); }
    return w.frame(0);
  },
  unsubscribe(id) { const w = new Writer(); w.u8(T.UNSUBSCRIBE); w.u32(id); return w.frame(0); },
  set(address, value) {
    const w = new Writer(); w.u8(T.SET); w.u8(valueType(value)); w.str(address); w.valueData(value); return w.frame(1);
  },
  emit(address, value, timestampMicros) {
    const w = new Writer(); w.u8(T.PUBLISH); w.u8(0x30); w.str(address);
    w.u8(1); w.value(value); w.i64(timestampMicros); return w.frame(1);
  },
  pong() { const w = new Writer(); w.u8(T.PONG); return w.frame(0); },
};

/**
 * One session with a router. Callbacks: onParam(entry) for every SET and SNAPSHOT entry ({address, value, revision,
 * writer?, timestamp?}), onEvent({address, value, signal}), onAck, onError({code, message, address}), onClose(code).
 */
export class ClaspSession {
  constructor(url, { name = 'CLASP Inspector', token = '' } = {}) {
    this.url = url; this.name = name; this.token = token;
    this.onParam = () => {}; this.onEvent = () => {}; this.onAck = () => {}; this.onError = () => {};
    this.onClose = () => {};
    this.offsetMicros = 0n;
  }

  connect(timeoutMs = 5000) {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(this.url, 'clasp');
      ws.binaryType = 'arraybuffer';
      this.ws = ws;
      let welcomed = false;
      const timer = setTimeout(() => { ws.close(); reject(new Error('no WELCOME within ' + timeoutMs + ' ms')); }, timeoutMs);
      ws.onopen = () => ws.send(encode.hello(this.name, this.token));
      ws.onclose = (e) => {
        clearTimeout(timer);
        if (!welcomed) reject(new Error(this.refusal || 'connection closed (' + e.code + ')'));
        this.onClose(e.code);
      };
      ws.onmessage = (e) => {
        let m;
        try { m = decode(new Uint8Array(e.data)); } catch (err) { console.warn('undecodable frame', err); return; }
        if (m.type === T.WELCOME) {
          welcomed = true; clearTimeout(timer);
          this.session = m.session; this.routerName = m.name;
          this.offsetMicros = m.time - BigInt(Date.now()) * 1000n;
          resolve(this);
          return;
        }
        this.dispatch(m);
      };
    });
  }

  dispatch(m) {
    switch (m.type) {
      case T.SET: this.onParam(m); break;
      case T.SNAPSHOT: m.entries.forEach((e) => this.onParam(e)); break;
      case T.PUBLISH: this.onEvent(m); break;
      case T.ACK: this.onAck(m); break;
      case T.ERROR: this.refusal = 'router error ' + m.code + ': ' + m.message; this.onError(m); break;
      case T.PING: this.ws.send(encode.pong()); break;
      default: break;
    }
  }

  /** Router time now, in µs (local clock plus the offset from WELCOME). */
  routerMicros() { return BigInt(Date.now()) * 1000n + this.offsetMicros; }
  subscribe(id, pattern, options) { this.ws.send(encode.subscribe(id, pattern, options)); }
  unsubscribe(id) { this.ws.send(encode.unsubscribe(id)); }
  set(address, value) { this.ws.send(encode.set(address, value)); }
  emit(address, value) { this.ws.send(encode.emit(address, value, this.routerMicros())); }
  close() { if (this.ws) this.ws.close(1000); }
}

/**
 * A value typed in a form, read as the command-line client reads it: 42 is an integer, 4.2 a float, true, false,
 * null and JSON are themselves (integers inside JSON stay integers), anything else is text.
 */
export function parseValue(text) {
  const t = text.trim();
  if (/^-?\d+$/.test(t)) return BigInt(t);
  try {
    return JSON.parse(t, function (key, v, context) {
      if (typeof v === 'number' && context && /^-?\d+$/.test(context.source)) return BigInt(context.source);
      return v;
    });
  } catch (e) {
    return text;
  }
}

/** A value as text: integers bare, floats with a decimal point (42 vs 42.0), strings quoted. */
export function formatValue(v) {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return Number.isInteger(v) ? v.toFixed(1) : String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'boolean') return String(v);
  if (v instanceof Uint8Array) return 'bytes[' + v.length + ']';
  if (Array.isArray(v)) return '[' + v.map(formatValue).join(', ') + ']';
  return '{' + Object.entries(v).map(([k, e]) => JSON.stringify(k) + ': ' + formatValue(e)).join(', ') + '}';
}

/**
 * Does a CLASP pattern match an address? '*' is one whole segment, '**' any number of segments (zero included), a
 * '*' inside a segment is a glob within it; everything else is literal (as the router's matcher).
 */
export function matches(pattern, address) {
  return matcher(pattern)(address);
}

/** The pattern compiled once: a function of an address (for the page's every update). */
export function matcher(pattern) {
  const segments = pattern.split('/').slice(1);
  if (pattern === '/**') return () => true;
  return (address) => matchSegments(segments, 0, address.split('/').slice(1), 0);
}

function matchSegments(p, i, a, j) {
  if (i === p.length) return j === a.length;
  if (p[i] === '**') {
    for (let k = j; k <= a.length; k++) if (matchSegments(p, i + 1, a, k)) return true;
    return false;
  }
  if (j === a.length) return false;
  const ok = p[i] === '*' ? a[j].length > 0 : p[i].includes('*') ? glob(p[i], a[j]) : p[i] === a[j];
  return ok && matchSegments(p, i + 1, a, j + 1);
}

function glob(p, s) {
  const parts = p.split('*');
  if (!s.startsWith(parts[0])) return false;
  let at = parts[0].length;
  for (let k = 1; k < parts.length - 1; k++) {
    const found = s.indexOf(parts[k], at);
    if (found < 0) return false;
    at = found + parts[k].length;
  }
  const last = parts[parts.length - 1];
  return s.length - last.length >= at && s.endsWith(last);
}
