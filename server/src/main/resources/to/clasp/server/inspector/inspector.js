// The CLASP inspector: a CLASP client in the page (clasp.js) that subscribes to the pattern in the filter box with a
// per-address maxRate, so the router does the filtering and caps what the page must draw; a virtualised table (only
// the rows in view exist in the DOM, so 100 000 params scroll smoothly); sessions, rates and the busiest addresses
// from the router's read-only JSON endpoint (api/stats), polled once a second.
import { ClaspSession, parseValue, formatValue, matcher } from './clasp.js';

const ROW = 24;
const OVERSCAN = 8;
const FLASH_MS = 800;
const $ = (id) => document.getElementById(id);

const params = new Map();   // address -> {value, revision, writer, writerRevision, updatedMs, flashAt}
let sorted = [];            // addresses in order
let fresh = [];             // addresses not yet placed in `sorted` (placed at the next frame, in one go)
let session = null;
let subscriptionId = 0;
let pattern = '/**';
let inPattern = matcher(pattern);
let token = sessionStorage.getItem('clasp.token') || '';
// What the token may read (api/scopes): with the filter at /**, one subscription per pattern, since a read-only
// token may not subscribe to /** itself.
let readPatterns = ['/**'];
let subscriptionIds = [];
let dirty = true;
const topHistory = new Map(); // address -> recent writes/s, for the busiest-address sparklines

// ---------------------------------------------------------------------------------------------- connection

async function start() {
  const info = await (await fetch('api/info')).json();
  $('router-name').textContent = info.name;
  if (info.tokenRequired && !token) {
    askForToken('');
    return;
  }
  connect();
}

function askForToken(message) {
  $('token-error').textContent = message;
  $('token-dialog').showModal();
}

$('token-form').addEventListener('submit', () => {
  token = $('token-input').value.trim();
  sessionStorage.setItem('clasp.token', token);
  connect();
});

async function connect() {
  setStatus('connecting…', '');
  const url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/';
  const s = new ClaspSession(url, { name: 'CLASP Inspector', token });
  s.onParam = onParam;
  s.onAck = onAck;
  s.onError = onError;
  s.onClose = (code) => {
    setStatus('disconnected (' + code + '), retrying…', 'bad');
    document.body.dataset.connected = 'false';
    setTimeout(connect, 2000);
  };
  try {
    await s.connect();
  } catch (e) {
    if (/error 30[0-2]/.test(e.message)) {
      sessionStorage.removeItem('clasp.token');
      askForToken(e.message);
    } else {
      setStatus(e.message + ', retrying…', 'bad');
      setTimeout(connect, 2000);
    }
    return;
  }
  session = s;
  readPatterns = await fetchReadPatterns();
  setStatus('connected as ' + s.session.slice(0, 8), 'ok');
  document.body.dataset.connected = 'true';
  resubscribe();
}

function setStatus(text, kind) {
  const el = $('status');
  el.textContent = text;
  el.className = 'status ' + kind;
}

async function fetchReadPatterns() {
  if (!token) return ['/**'];
  try {
    const response = await fetch('api/scopes', { headers: { Authorization: 'Bearer ' + token } });
    if (response.ok) return (await response.json()).read;
  } catch (e) {
    // fall back to subscribing to the filter as it is
  }
  return ['/**'];
}

function resubscribe() {
  if (!session) return;
  for (const id of subscriptionIds) session.unsubscribe(id);
  subscriptionIds = [];
  params.clear();
  sorted = [];
  fresh = [];
  dirty = true;
  pattern = $('filter').value.trim() || '/**';
  inPattern = matcher(pattern);
  const maxRate = Math.max(0, parseInt($('max-rate').value, 10) || 0);
  const patterns = pattern === '/**' && !readPatterns.includes('/**') ? readPatterns : [pattern];
  for (const p of patterns) {
    subscriptionId++;
    subscriptionIds.push(subscriptionId);
    session.subscribe(subscriptionId, p, { maxRate });
  }
}

function onParam(m) {
  if (!inPattern(m.address)) return; // still in flight from the pattern before the last change
  let p = params.get(m.address);
  if (!p) {
    p = { writer: null, writerRevision: null, updatedMs: 0, flashAt: 0 };
    params.set(m.address, p);
    fresh.push(m.address);
  } else if (p.revision !== null && m.revision !== null && m.revision < p.revision) {
    return; // an older copy (a snapshot overtaken by a live update)
  }
  const changed = p.revision !== undefined && p.revision !== m.revision;
  p.value = m.value;
  p.revision = m.revision;
  if (m.writer) {
    p.writer = m.writer;
    p.writerRevision = m.revision;
  }
  p.updatedMs = m.timestamp != null && session ? Number((m.timestamp - session.offsetMicros) / 1000n) : Date.now();
  if (changed) p.flashAt = performance.now();
  dirty = true;
}

// New addresses are placed once per frame: a few by binary insertion, a flood (a 100 000-param snapshot) by one sort.
function placeFresh() {
  if (fresh.length > 64) {
    fresh.sort();
    const merged = new Array(sorted.length + fresh.length);
    let i = 0;
    let j = 0;
    let k = 0;
    while (i < sorted.length && j < fresh.length) merged[k++] = sorted[i] < fresh[j] ? sorted[i++] : fresh[j++];
    while (i < sorted.length) merged[k++] = sorted[i++];
    while (j < fresh.length) merged[k++] = fresh[j++];
    sorted = merged;
  } else {
    for (const address of fresh) {
      let lo = 0;
      let hi = sorted.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (sorted[mid] < address) lo = mid + 1; else hi = mid;
      }
      sorted.splice(lo, 0, address);
    }
  }
  fresh = [];
}

// ---------------------------------------------------------------------------------------------- params table

const viewport = $('params-viewport');
const rowsEl = $('params-rows');
const spacer = $('params-spacer');
const pool = [];

viewport.addEventListener('scroll', () => { dirty = true; });
window.addEventListener('resize', () => { dirty = true; });

function row(i) {
  while (pool.length <= i) {
    const el = document.createElement('div');
    el.className = 'row';
    for (let k = 0; k < 5; k++) el.appendChild(document.createElement('span'));
    rowsEl.appendChild(el);
    pool.push(el);
  }
  return pool[i];
}

function render(now) {
  if (fresh.length) placeFresh();
  const total = sorted.length;
  spacer.style.height = total * ROW + 'px';
  const first = Math.max(0, Math.floor(viewport.scrollTop / ROW) - OVERSCAN);
  const count = Math.min(total - first, Math.ceil(viewport.clientHeight / ROW) + 2 * OVERSCAN);
  rowsEl.style.transform = 'translateY(' + first * ROW + 'px)';
  let flashing = false;
  for (let i = 0; i < Math.max(count, 0); i++) {
    const address = sorted[first + i];
    const p = params.get(address);
    const el = row(i);
    el.hidden = false;
    const cells = el.children;
    el.dataset.address = address;
    el.dataset.revision = String(p.revision);
    cells[0].textContent = address;
    cells[0].title = address;
    const text = formatValue(p.value);
    cells[1].textContent = text;
    cells[1].title = text;
    cells[2].textContent = p.revision === null ? '' : String(p.revision);
    cells[3].textContent = p.writer && p.writerRevision === p.revision ? p.writer.slice(0, 8) : '';
    cells[3].title = p.writer || '';
    cells[4].textContent = age(Date.now() - p.updatedMs);
    if (p.flashAt && String(p.flashAt) !== el.dataset.flashAt) {
      el.dataset.flashAt = String(p.flashAt);
      if (now - p.flashAt < FLASH_MS) {
        el.classList.remove('flash');
        void el.offsetWidth; // restart the animation
        el.classList.add('flash');
      }
    }
    flashing = flashing || now - p.flashAt < FLASH_MS;
  }
  for (let i = Math.max(count, 0); i < pool.length; i++) pool[i].hidden = true;
  $('param-count').textContent = total + (total === 1 ? ' param' : ' params');
  return flashing;
}

function age(ms) {
  if (ms < 1000) return 'now';
  if (ms < 60_000) return Math.floor(ms / 1000) + ' s';
  if (ms < 3_600_000) return Math.floor(ms / 60_000) + ' min';
  return Math.floor(ms / 3_600_000) + ' h';
}

let lastAges = 0;
function frame(now) {
  if (dirty || now - lastAges > 1000) {
    dirty = render(now);
    lastAges = now;
  }
  requestAnimationFrame(frame);
}
requestAnimationFrame(frame);

let filterTimer = 0;
$('filter').addEventListener('input', () => {
  clearTimeout(filterTimer);
  filterTimer = setTimeout(resubscribe, 250);
});
$('max-rate').addEventListener('change', resubscribe);

// ---------------------------------------------------------------------------------------------- SET / emit form

const pending = new Map(); // address -> {kind, timer}

$('write-form').addEventListener('submit', (e) => {
  e.preventDefault();
  if (!session) return;
  const kind = $('write-kind').value;
  const address = $('write-address').value.trim();
  const text = $('write-value').value;
  const value = kind === 'emit' && text.trim() === '' ? null : parseValue(text);
  const previous = pending.get(address);
  if (previous) clearTimeout(previous.timer);
  // A SET is confirmed by its ACK; an event has none, so no ERROR within a second counts as sent.
  const timer = setTimeout(() => {
    pending.delete(address);
    result(kind === 'emit' ? 'emitted ' + address : 'no answer for ' + address, kind === 'emit' ? 'ok' : 'bad');
  }, kind === 'emit' ? 1000 : 3000);
  pending.set(address, { kind, timer });
  result('sending…', '');
  if (kind === 'emit') session.emit(address, value); else session.set(address, value);
});

function onAck(m) {
  const p = m.address && pending.get(m.address);
  if (p && p.kind === 'set') {
    clearTimeout(p.timer);
    pending.delete(m.address);
    result('set ' + m.address + ' (rev ' + m.revision + ')', 'ok');
  }
}

function onError(m) {
  const p = m.address && pending.get(m.address);
  if (p) {
    clearTimeout(p.timer);
    pending.delete(m.address);
    result('refused: ' + m.code + ' ' + m.message, 'bad');
  } else if (m.code === 202 || m.code === 301) {
    setStatus('subscription refused: ' + m.code + ' ' + m.message, 'bad');
  }
}

function result(text, kind) {
  const el = $('write-result');
  el.textContent = text;
  el.className = kind;
}

// ---------------------------------------------------------------------------------------------- stats

async function poll() {
  try {
    const response = await fetch('api/stats', { headers: token ? { Authorization: 'Bearer ' + token } : {} });
    if (response.status === 401) {
      $('sessions-note').textContent = 'the token may not read the router statistics';
    } else if (response.ok) {
      showStats(await response.json());
    }
  } catch (e) {
    // the router is restarting: the next poll tries again
  }
  setTimeout(poll, 1000);
}

function showStats(s) {
  if (!s.ready) return;
  const rates = $('rates').tBodies[0];
  rates.replaceChildren(...Object.entries(s.rates)
    .filter(([type]) => ['SET', 'PUBLISH', 'GET', 'SUBSCRIBE'].includes(type) || s.history[type].some((x) => x > 0))
    .map(([type, rate]) => tr([type, [fmt(rate), 'num'], [spark(s.history[type]), 'spark']])));

  const top = $('top').tBodies[0];
  const seen = new Set();
  top.replaceChildren(...s.topAddresses.map((a) => {
    seen.add(a.address);
    const h = topHistory.get(a.address) || [];
    h.push(a.writesPerSecond);
    if (h.length > 60) h.shift();
    topHistory.set(a.address, h);
    return tr([[a.address, 'addr'], [fmt(a.writesPerSecond), 'num'], [spark(h), 'spark']]);
  }));
  for (const address of topHistory.keys()) if (!seen.has(address)) topHistory.delete(address);

  $('session-count').textContent = '(' + s.sessionCount + ')';
  const body = $('sessions').tBodies[0];
  if (s.sessions === null) {
    body.replaceChildren();
    $('sessions-note').textContent = 'sessions are shown to tokens with admin:/**';
    return;
  }
  $('sessions-note').textContent = '';
  body.replaceChildren(...s.sessions.map((x) => tr([
    x.name || '', x.transport, x.remoteAddress, [String(x.subscriptions), 'num'], [bytes(x.queuedBytes), 'num'],
    [fmt(x.messagesPerSecond), 'num']])));
}

function tr(cells) {
  const el = document.createElement('tr');
  for (const cell of cells) {
    const td = document.createElement('td');
    const [content, kind] = Array.isArray(cell) ? cell : [cell, ''];
    if (kind) td.className = kind;
    if (content instanceof Node) td.appendChild(content); else td.textContent = content;
    if (kind === 'addr') td.title = content;
    el.appendChild(td);
  }
  return el;
}

function spark(values) {
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('class', 'spark');
  svg.setAttribute('viewBox', '0 0 60 20');
  svg.setAttribute('preserveAspectRatio', 'none');
  const max = Math.max(1, ...values);
  const line = document.createElementNS('http://www.w3.org/2000/svg', 'polyline');
  line.setAttribute('points', values.map((v, i) => (i * 60 / Math.max(1, values.length - 1)).toFixed(1) + ',' +
    (19 - 18 * v / max).toFixed(1)).join(' '));
  svg.appendChild(line);
  return svg;
}

function fmt(x) {
  return x >= 100 ? Math.round(x).toString() : x.toFixed(1);
}

function bytes(n) {
  return n < 1024 ? n + ' B' : n < 1048576 ? (n / 1024).toFixed(1) + ' KiB' : (n / 1048576).toFixed(1) + ' MiB';
}

start();
poll();
