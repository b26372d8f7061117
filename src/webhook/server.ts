/**
 * The webhook entry source: `POST /signal` with a JSON body (TradingView-compatible: the secret may
 * ride in the body, and JSON may come as text/plain). Every accepted signal goes through
 * `openTrade` and its validation and risk checks; a replayed signal id opens nothing and gets the
 * first answer again. Garbage gets a 4xx with the reason and changes nothing. The secret is never
 * logged.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

import type { Logger } from 'pino';

import type { Clock, Store } from '../domain/ports.js';
import type { OpenTradeResult } from '../orders/types.js';
import type { TradeIntent } from '../orders/validation.js';
import { listen } from '../runtime/listen.js';
import { acceptsContentType, MAX_SIGNAL_BODY_BYTES, parseSignalBody, presentedSecret, secretMatches, signalToIntent } from './signal.js';

/** What the webhook needs of the order manager. */
export interface EntryOpener {
  openTrade(intent: TradeIntent): Promise<OpenTradeResult>;
}

export interface WebhookOptions {
  readonly host: string;
  readonly port: number;
  readonly secret: string;
  readonly opener: EntryOpener;
  readonly store: Pick<Store, 'claimSignal' | 'finishSignal' | 'flush'>;
  readonly logger: Logger;
  readonly clock?: Clock;
  /** Default 64 KiB. */
  readonly maxBodyBytes?: number;
}

const SOURCE = 'webhook';

/** The JSON answer and its HTTP status. */
interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/** The answer for what openTrade did (also stored, and given again to a replayed id). */
export function answerFor(result: OpenTradeResult): Answer {
  switch (result.status) {
    case 'accepted':
      return { status: 202, body: { tradeId: result.tradeId, status: 'accepted', state: result.trade.state } };
    case 'unknown':
      return { status: 202, body: { tradeId: result.tradeId, status: 'unknown', reason: result.reason } };
    case 'refused':
      return { status: 422, body: { status: 'refused', code: result.code, reason: result.reason } };
    case 'rejected':
      return { status: 422, body: { tradeId: result.tradeId, status: 'rejected', code: result.code, reason: result.reason } };
  }
}

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      reject(new BodyTooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
    req.on('aborted', () => reject(new Error('request aborted by the client')));
  });
}

export class WebhookServer {
  private server: Server | undefined;
  private readonly clock: Clock;
  private readonly maxBody: number;
  /** Signals being handled now, by id: a replay arriving meanwhile waits for the first answer. */
  private readonly inFlight = new Map<string, Promise<Answer>>();
  private listening = false;

  constructor(private readonly options: WebhookOptions) {
    this.clock = options.clock ?? { now: () => Date.now() };
    this.maxBody = options.maxBodyBytes ?? MAX_SIGNAL_BODY_BYTES;
  }

  isListening(): boolean {
    return this.listening;
  }

  async start(): Promise<{ host: string; port: number }> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        this.options.logger.error(
          { err: (err as Error)?.message ?? String(err) },
          'webhook request failed inside the daemon; answered 500, nothing was opened twice',
        );
        this.send(res, { status: 500, body: { status: 'error', reason: 'internal error; see the daemon log' } });
      });
    });
    server.requestTimeout = 10_000;
    server.headersTimeout = 10_000;
    this.server = server;
    const addr = await listen(server, this.options.port, this.options.host);
    this.listening = true;
    return addr;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.listening = false;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private send(res: ServerResponse, answer: Answer): void {
    if (res.headersSent) return;
    const text = JSON.stringify(answer.body);
    res.writeHead(answer.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), connection: 'close' });
    res.end(text);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const log = this.options.logger;
    const from = req.socket.remoteAddress ?? 'unknown';
    const path = (req.url ?? '').split('?')[0];
    if (path !== '/signal') {
      this.send(res, { status: 404, body: { status: 'error', reason: 'not found; signals go to POST /signal' } });
      return;
    }
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      this.send(res, { status: 405, body: { status: 'error', reason: 'use POST /signal' } });
      return;
    }
    if (!acceptsContentType(req.headers['content-type'])) {
      log.warn({ from, contentType: req.headers['content-type'] }, 'webhook: refused a body that is not JSON or text/plain (415)');
      this.send(res, { status: 415, body: { status: 'error', reason: 'send the signal as application/json or text/plain JSON' } });
      return;
    }
    let text: string;
    try {
      text = await readBody(req, this.maxBody);
    } catch (err) {
      if (err instanceof BodyTooLarge) {
        log.warn({ from, limitBytes: this.maxBody }, 'webhook: refused an oversized body (413)');
        this.send(res, { status: 413, body: { status: 'error', reason: `body over ${this.maxBody} bytes` } });
        req.resume();
        return;
      }
      log.warn({ from, error: (err as Error).message }, 'webhook: could not read the body; nothing done');
      return;
    }
    const parsed = parseSignalBody(text);
    const authorization = req.headers.authorization;
    const secret = presentedSecret(authorization, parsed.ok ? parsed.signal.secret : parsed.secret);
    if (!secretMatches(secret, this.options.secret)) {
      log.warn({ from, secretGiven: secret !== undefined }, 'webhook: missing or wrong secret (401); nothing done');
      this.send(res, {
        status: 401,
        body: {
          status: 'error',
          reason: 'missing or wrong secret: send it as the body field "secret" or as Authorization: Bearer <secret>',
        },
      });
      return;
    }
    if (!parsed.ok) {
      log.warn({ from, problems: parsed.problems }, 'webhook: bad signal body (400); nothing done');
      this.send(res, { status: 400, body: { status: 'error', reason: 'bad signal body', problems: parsed.problems } });
      return;
    }
    const signal = parsed.signal;
    const pending = this.inFlight.get(signal.id);
    if (pending) {
      const first = await pending;
      log.info(
        { from, signalId: signal.id },
        'webhook: replayed signal id while the first was in progress; answered with the first result, nothing opened',
      );
      this.send(res, { status: 200, body: { ...first.body, replay: true } });
      return;
    }
    const seen = this.options.store.claimSignal(SOURCE, signal.id, this.clock.now());
    if (seen) {
      const first: Record<string, unknown> =
        seen.result !== undefined
          ? (JSON.parse(seen.result) as Record<string, unknown>)
          : {
              status: 'unknown',
              ...(seen.tradeId !== undefined ? { tradeId: seen.tradeId } : {}),
              reason: 'the first delivery of this signal was interrupted (daemon restart); it is never opened twice, check /trades',
            };
      log.info({ from, signalId: signal.id }, 'webhook: replayed signal id; answered with the first result, nothing opened');
      this.send(res, { status: 200, body: { ...first, replay: true } });
      return;
    }
    log.info(
      {
        from,
        signalId: signal.id,
        venue: signal.venue,
        symbol: signal.symbol,
        side: signal.side,
        size: signal.size?.toString(),
        notional: signal.notional?.toString(),
        type: signal.type,
      },
      'webhook: signal received; opening the trade',
    );
    const work = this.open(signal.id, signalToIntent(signal));
    this.inFlight.set(signal.id, work);
    try {
      this.send(res, await work);
    } finally {
      this.inFlight.delete(signal.id);
    }
  }

  private async open(id: string, intent: TradeIntent): Promise<Answer> {
    let answer: Answer;
    let tradeId: string | undefined;
    try {
      const result = await this.options.opener.openTrade(intent);
      answer = answerFor(result);
      tradeId = 'tradeId' in result ? result.tradeId : undefined;
    } catch (err) {
      // openTrade does not throw by contract; if it ever does, the signal is still answered once and never retried.
      answer = {
        status: 500,
        body: { status: 'error', reason: `the daemon failed to open the trade: ${(err as Error)?.message ?? String(err)}` },
      };
    }
    this.options.store.finishSignal(SOURCE, id, JSON.stringify(answer.body), tradeId, this.clock.now());
    this.options.store.flush(); // the caller is told only what is on the disk
    this.options.logger.info({ signalId: id, httpStatus: answer.status, ...answer.body }, 'webhook: signal handled');
    return answer;
  }
}
