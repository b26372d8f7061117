/** httpRequest: timeouts, bodies, status codes and transport errors over a real local server. */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { afterEach, describe, expect, it } from 'vitest';

import { TransportError } from '../../../src/domain/errors.js';
import { httpRequest, HttpStatusError, parseRetryAfter } from '../../../src/venues/shared/http.js';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

async function serve(handler: Handler): Promise<{ url: string; hits: () => number }> {
  let hits = 0;
  const server = createServer((req, res) => {
    hits += 1;
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => handler(req, res, body));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, hits: () => hits };
}

function reply(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(body);
}

describe('httpRequest', () => {
  it('returns status and parsed JSON; sends method, headers and body', async () => {
    const { url } = await serve((req, res, body) =>
      reply(res, 200, JSON.stringify({ method: req.method, sign: req.headers['x-sign'], body })),
    );
    const res = await httpRequest({ method: 'POST', url: `${url}/api/v5/trade/order`, headers: { 'x-sign': 'abc' }, body: '{"a":1}' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ kind: 'json', value: { method: 'POST', sign: 'abc', body: '{"a":1}' } });
  });

  it('returns 4xx with the parsed body (the venue said no), and never throws on a garbage or empty body', async () => {
    const { url } = await serve((req, res) => {
      if (req.url === '/401') reply(res, 401, '{"msg":"Invalid Sign","code":"50113"}');
      else if (req.url === '/garbage') reply(res, 200, '<html>oops</html>');
      else reply(res, 200, '');
    });
    const denied = await httpRequest({ method: 'GET', url: `${url}/401` });
    expect(denied.status).toBe(401);
    expect(denied.body).toEqual({ kind: 'json', value: { msg: 'Invalid Sign', code: '50113' } });
    const garbage = await httpRequest({ method: 'GET', url: `${url}/garbage` });
    expect(garbage.body.kind).toBe('invalid');
    expect(garbage.body.kind === 'invalid' && garbage.body.preview).toBe('<html>oops</html>');
    const empty = await httpRequest({ method: 'GET', url: `${url}/empty` });
    expect(empty.body).toEqual({ kind: 'empty' });
  });

  it('maps 5xx to HTTP_5XX and 429 to RATE_LIMITED with Retry-After', async () => {
    const { url } = await serve((req, res) => {
      if (req.url === '/busy') reply(res, 503, '{"code":"50001"}');
      else reply(res, 429, '{"code":"50011","msg":"Too Many Requests"}', { 'retry-after': '2' });
    });
    const busy = httpRequest({ method: 'GET', url: `${url}/busy` });
    await expect(busy).rejects.toBeInstanceOf(HttpStatusError);
    await expect(busy).rejects.toMatchObject({ code: 'HTTP_5XX', status: 503 });
    const limited = httpRequest({ method: 'POST', url: `${url}/limited`, body: '{}' });
    await expect(limited).rejects.toMatchObject({ code: 'RATE_LIMITED', status: 429, retryAfterMs: 2_000 });
    await expect(limited).rejects.toMatchObject({ body: { kind: 'json', value: { code: '50011' } } });
  });

  it('maps a missing answer to TIMEOUT and a refused connection to NETWORK', async () => {
    const { url } = await serve(() => {
      /* never answers */
    });
    await expect(httpRequest({ method: 'GET', url, timeoutMs: 50 })).rejects.toMatchObject({ code: 'TIMEOUT' });

    const closed = await serve(() => {});
    const server = servers.pop();
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    const failure = httpRequest({ method: 'GET', url: closed.url, timeoutMs: 2_000 });
    await expect(failure).rejects.toBeInstanceOf(TransportError);
    await expect(failure).rejects.toMatchObject({ code: 'NETWORK' });
  });

  it("rejects with the caller's reason when the caller aborts", async () => {
    const { url } = await serve(() => {});
    const controller = new AbortController();
    const pending = httpRequest({ method: 'GET', url, signal: controller.signal, timeoutMs: 5_000 });
    controller.abort(new Error('shutdown'));
    await expect(pending).rejects.toThrow('shutdown');
  });

  it('parses Retry-After in seconds or as a date', () => {
    expect(parseRetryAfter('1.5')).toBe(1_500);
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:10 GMT', Date.parse('2026-01-01T00:00:00Z'))).toBe(10_000);
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});
