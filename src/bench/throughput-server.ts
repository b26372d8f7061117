/**
 * The server side of the throughput bench: a minimal Deribit stand-in that runs in a worker thread
 * (so it does not share the measured client's core), built from node builtins only. It answers the
 * few calls a market-data session makes (REST `public/get_instruments` and `public/get_time`; WS
 * `public/set_heartbeat`, `public/get_time`, `public/test`, `public/subscribe`, `public/unsubscribe`)
 * or, with `protocol: 'okx'`, a minimal OKX public stand-in (REST `/api/v5/public/time` and
 * `/api/v5/public/instruments`; WS `subscribe`/`unsubscribe` ops acknowledged arg by arg, the text
 * `ping` answered with `pong`), or, with `protocol: 'bybit'`, a minimal Bybit v5 public stand-in
 * (REST `/v5/market/time` and `/v5/market/instruments-info`; WS `subscribe`/`unsubscribe` and
 * `ping` ops answered in the public envelope), and, once a connection has subscribed `expectChannels` channels, replays the given notification
 * frames round-robin as fast as the client reads them (writes pre-encoded WebSocket frames in
 * batches until the socket's buffer is full, then waits for 'drain').
 *
 * The worker's code is a plain JavaScript string run with `eval: true`, so the same file works from
 * the TypeScript sources (vitest) and from `dist/`.
 */
import { Worker } from 'node:worker_threads';

export interface ThroughputServerConfig {
  /** Which venue's protocol the stand-in speaks (default `deribit`). */
  readonly protocol?: 'deribit' | 'okx' | 'bybit';
  /** Deribit: `public/get_instruments` results by `${currency}:${kind}`; OKX: `public/instruments` by `instType`; Bybit: `market/instruments-info` by `category`. */
  readonly instruments: Readonly<Record<string, readonly unknown[]>>;
  /** Notification frames (JSON text) to replay, round-robin. */
  readonly frames: readonly string[];
  /** Frames sent once, before the round-robin, when a connection's subscriptions are complete (Bybit: the snapshots). */
  readonly leadFrames?: readonly string[];
  /** Start replaying on a connection once it has subscribed this many channels. */
  readonly expectChannels: number;
}

export interface ThroughputServer {
  readonly wsUrl: string;
  readonly restUrl: string;
  close(): Promise<void>;
}

const WORKER_SOURCE = String.raw`
const { workerData, parentPort } = require('node:worker_threads');
const http = require('node:http');
const crypto = require('node:crypto');
const { instruments, frames, expectChannels } = workerData;
const okx = workerData.protocol === 'okx';
const bybit = workerData.protocol === 'bybit';

function encodeFrame(payload, opcode) {
  const len = payload.length;
  let header;
  if (len < 126) { header = Buffer.from([0x80 | opcode, len]); }
  else if (len < 65536) { header = Buffer.alloc(4); header[0] = 0x80 | opcode; header[1] = 126; header.writeUInt16BE(len, 2); }
  else { header = Buffer.alloc(10); header[0] = 0x80 | opcode; header[1] = 127; header.writeBigUInt64BE(BigInt(len), 2); }
  return Buffer.concat([header, payload]);
}
const text = (s) => encodeFrame(Buffer.from(s, 'utf8'), 1);
const lead = workerData.leadFrames && workerData.leadFrames.length > 0 ? Buffer.concat(workerData.leadFrames.map((f) => text(f))) : undefined;

// Batches of pre-encoded frames, so the replay loop only writes buffers.
const BATCH = 64;
const encoded = frames.map(text);
const batches = [];
for (let start = 0; start < Math.max(encoded.length, BATCH); start += BATCH) {
  const parts = [];
  for (let i = 0; i < BATCH; i += 1) parts.push(encoded[(start + i) % encoded.length]);
  batches.push(Buffer.concat(parts));
}

function okxRest(url) {
  const method = url.pathname.replace(/^\/api\/v5\//, '');
  if (method === 'public/time') return { code: '0', msg: '', data: [{ ts: String(Date.now()) }] };
  if (method === 'public/instruments') return { code: '0', msg: '', data: instruments[url.searchParams.get('instType')] || [] };
  return { code: '50014', msg: 'Parameter error', data: [] };
}

function bybitRest(url) {
  const now = Date.now();
  const ok = (result) => ({ retCode: 0, retMsg: 'OK', result, retExtInfo: {}, time: now });
  if (url.pathname === '/v5/market/time') return ok({ timeSecond: String(Math.floor(now / 1000)), timeNano: String(now) + '000000' });
  if (url.pathname === '/v5/market/instruments-info') {
    const category = url.searchParams.get('category');
    return ok({ category, list: instruments[category] || [], nextPageCursor: '' });
  }
  return { retCode: 10001, retMsg: 'params error', result: {}, retExtInfo: {}, time: now };
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  if (bybit) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(bybitRest(url)));
    return;
  }
  if (okx) {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(okxRest(url)));
    return;
  }
  const method = url.pathname.replace(/^\/api\/v2\//, '');
  let body;
  if (method === 'public/get_instruments') {
    const key = url.searchParams.get('currency') + ':' + url.searchParams.get('kind');
    body = { jsonrpc: '2.0', result: instruments[key] || [] };
  } else if (method === 'public/get_time') {
    body = { jsonrpc: '2.0', result: Date.now() };
  } else {
    body = { jsonrpc: '2.0', error: { code: -32601, message: 'Method not found' } };
  }
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
});

const sockets = new Set();
server.on('upgrade', (req, socket) => {
  sockets.add(socket);
  socket.on('close', () => sockets.delete(socket));
  const key = req.headers['sec-websocket-key'];
  const accept = crypto.createHash('sha1').update(key + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
  socket.setNoDelay(true);
  socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ' + accept + '\r\n\r\n');
  const subscribed = new Set();
  let streaming = false;
  let closed = false;
  let next = 0;
  let pending = Buffer.alloc(0);
  const reply = (id, result) => socket.write(text(JSON.stringify({ jsonrpc: '2.0', id, result, usIn: 0, usOut: 0, usDiff: 0, testnet: true })));
  const startStreaming = () => {
    streaming = true;
    setImmediate(() => {
      if (lead && !closed && !socket.write(lead)) { socket.once('drain', pump); return; }
      pump();
    });
  };
  const pump = () => {
    while (!closed) {
      const batch = batches[next];
      next = (next + 1) % batches.length;
      if (!socket.write(batch)) { socket.once('drain', pump); return; }
    }
  };
  const onOkxRequest = (msg) => {
    const args = Array.isArray(msg.args) ? msg.args : [];
    if (msg.op !== 'subscribe' && msg.op !== 'unsubscribe') {
      socket.write(text(JSON.stringify({ id: msg.id, event: 'error', code: '60012', msg: 'Invalid request', connId: 'bench' })));
      return;
    }
    for (const arg of args) {
      const key = arg.channel + '|' + (arg.instId || '');
      if (msg.op === 'subscribe') subscribed.add(key); else subscribed.delete(key);
      socket.write(text(JSON.stringify({ id: msg.id, event: msg.op, arg, connId: 'bench' })));
    }
    if (msg.op === 'subscribe' && !streaming && subscribed.size >= expectChannels) startStreaming();
  };
  const onBybitRequest = (msg) => {
    const ack = (success, ret_msg) => socket.write(text(JSON.stringify({ success, ret_msg, conn_id: 'bench', req_id: msg.req_id, op: msg.op })));
    const args = Array.isArray(msg.args) ? msg.args : [];
    switch (msg.op) {
      case 'ping': ack(true, 'pong'); return;
      case 'subscribe':
        for (const topic of args) subscribed.add(topic);
        ack(true, '');
        if (!streaming && expectChannels > 0 && subscribed.size >= expectChannels) startStreaming();
        return;
      case 'unsubscribe':
        for (const topic of args) subscribed.delete(topic);
        ack(true, '');
        return;
      default: ack(false, 'Invalid op: ' + msg.op);
    }
  };
  const onRequest = (msg) => {
    if (okx) { onOkxRequest(msg); return; }
    if (bybit) { onBybitRequest(msg); return; }
    const id = msg.id;
    const params = msg.params || {};
    switch (msg.method) {
      case 'public/set_heartbeat': reply(id, 'ok'); return;
      case 'public/get_time': reply(id, Date.now()); return;
      case 'public/test': reply(id, { version: 'bench' }); return;
      case 'public/subscribe':
        for (const c of params.channels || []) subscribed.add(c);
        reply(id, params.channels || []);
        if (!streaming && subscribed.size >= expectChannels) startStreaming();
        return;
      case 'public/unsubscribe':
        for (const c of params.channels || []) subscribed.delete(c);
        reply(id, params.channels || []);
        return;
      default:
        socket.write(text(JSON.stringify({ jsonrpc: '2.0', id, error: { code: -32601, message: 'Method not found' } })));
    }
  };
  socket.on('data', (chunk) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
    for (;;) {
      if (pending.length < 2) return;
      const opcode = pending[0] & 0x0f;
      let len = pending[1] & 0x7f;
      let offset = 2;
      if (len === 126) { if (pending.length < 4) return; len = pending.readUInt16BE(2); offset = 4; }
      else if (len === 127) { if (pending.length < 10) return; len = Number(pending.readBigUInt64BE(2)); offset = 10; }
      const masked = (pending[1] & 0x80) !== 0;
      const maskAt = offset;
      if (masked) offset += 4;
      if (pending.length < offset + len) return;
      const payload = Buffer.from(pending.subarray(offset, offset + len));
      if (masked) for (let i = 0; i < len; i += 1) payload[i] ^= pending[maskAt + (i & 3)];
      pending = pending.subarray(offset + len);
      if (opcode === 1) {
        if (okx && payload.length === 4 && payload.toString('utf8') === 'ping') { socket.write(text('pong')); continue; }
        let msg;
        try { msg = JSON.parse(payload.toString('utf8')); } catch { continue; }
        onRequest(msg);
      } else if (opcode === 8) {
        closed = true;
        socket.end(encodeFrame(Buffer.alloc(0), 8));
        return;
      } else if (opcode === 9) {
        socket.write(encodeFrame(payload, 10));
      }
    }
  });
  const stop = () => { closed = true; };
  socket.on('close', stop);
  socket.on('error', stop);
});

server.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port }));
parentPort.on('message', (m) => {
  if (m === 'close') {
    for (const s of sockets) s.destroy();
    server.closeAllConnections && server.closeAllConnections();
    server.close(() => parentPort.postMessage('closed'));
  }
});
`;

/** Starts the replay server in a worker thread; resolves once it listens. */
export async function startThroughputServer(config: ThroughputServerConfig): Promise<ThroughputServer> {
  const okx = config.protocol === 'okx';
  const bybit = config.protocol === 'bybit';
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: config });
  const port = await new Promise<number>((resolve, reject) => {
    worker.once('message', (m: { port: number }) => resolve(m.port));
    worker.once('error', reject);
  });
  return {
    wsUrl: bybit
      ? `ws://127.0.0.1:${port}/v5/public/linear`
      : okx
        ? `ws://127.0.0.1:${port}/ws/v5/public`
        : `ws://127.0.0.1:${port}/ws/api/v2`,
    restUrl: bybit || okx ? `http://127.0.0.1:${port}` : `http://127.0.0.1:${port}/api/v2`,
    async close() {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 1_000);
        worker.once('message', () => {
          clearTimeout(timer);
          resolve();
        });
        worker.postMessage('close');
      });
      await worker.terminate();
    },
  };
}
