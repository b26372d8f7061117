/** Parsing and authenticating webhook entry signals. */
import { describe, expect, it } from 'vitest';

import { acceptsContentType, parseSignalBody, presentedSecret, secretMatches, signalToIntent } from '../../src/webhook/signal.js';

const good = { id: 'sig-1', venue: 'deribit', symbol: 'BTC-PERPETUAL', side: 'buy', size: 100, stopLoss: '59000', takeProfit: 61000 };

describe('parseSignalBody', () => {
  it('accepts a TradingView-style body with numbers as strings and maps it to an intent', () => {
    const parsed = parseSignalBody(JSON.stringify({ ...good, size: '100', side: 'BUY', secret: 's' }));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const intent = signalToIntent(parsed.signal);
    expect(intent).toMatchObject({
      venue: 'deribit',
      symbol: 'BTC-PERPETUAL',
      side: 'buy',
      entry: { type: 'market' },
      source: 'webhook',
      label: 'signal sig-1',
    });
    expect(intent.size.unit).toBe('venue');
    expect(String(intent.size.value)).toBe('100');
    expect(String(intent.stopLossPrice)).toBe('59000');
    expect(String(intent.takeProfitPrice)).toBe('61000');
  });

  it('maps notional and limit entries', () => {
    const parsed = parseSignalBody(JSON.stringify({ ...good, size: undefined, notional: '250.5', type: 'limit', price: '60000.5' }));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const intent = signalToIntent(parsed.signal);
    expect(intent.size).toMatchObject({ unit: 'notional' });
    expect(String(intent.size.value)).toBe('250.5');
    expect(intent.entry.type).toBe('limit');
    expect(intent.entry.type === 'limit' ? String(intent.entry.price) : '').toBe('60000.5');
  });

  it.each([
    ['not JSON', '{"id": "x",', /^body: not valid JSON/],
    ['an array', '[1,2]', /^body: expected a JSON object/],
    ['a missing id', JSON.stringify({ ...good, id: undefined }), /^id: /],
    ['a wrong side', JSON.stringify({ ...good, side: 'long' }), /^side: /],
    ['a negative size', JSON.stringify({ ...good, size: -1 }), /^size: expected a positive number/],
    ['a size that is text', JSON.stringify({ ...good, size: '{{strategy.order.contracts}}' }), /^size: expected a positive number/],
    ['both size and notional', JSON.stringify({ ...good, notional: 5 }), /^size: give exactly one of size/],
    ['neither size nor notional', JSON.stringify({ ...good, size: undefined }), /^size: give exactly one of size/],
    ['a limit without price', JSON.stringify({ ...good, type: 'limit' }), /^price: a limit entry needs a price/],
    ['a missing stop', JSON.stringify({ ...good, stopLoss: undefined }), /^stopLoss: /],
  ])('names the field for %s', (_what, body, problem) => {
    const parsed = parseSignalBody(body);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.problems.some((p) => problem.test(p))).toBe(true);
  });

  it('keeps the body secret of an invalid body for the auth check', () => {
    const parsed = parseSignalBody(JSON.stringify({ secret: 'abc' }));
    expect(parsed).toMatchObject({ ok: false, secret: 'abc' });
  });
});

describe('secrets and content types', () => {
  it('prefers the Authorization bearer over the body field', () => {
    expect(presentedSecret('Bearer  hdr ', 'body')).toBe('hdr');
    expect(presentedSecret(undefined, 'body')).toBe('body');
    expect(presentedSecret('Basic xyz', undefined)).toBeUndefined();
  });

  it('compares secrets exactly, whatever their length', () => {
    expect(secretMatches('s3cret', 's3cret')).toBe(true);
    expect(secretMatches('s3cre', 's3cret')).toBe(false);
    expect(secretMatches('s3cret-and-more', 's3cret')).toBe(false);
    expect(secretMatches(undefined, 's3cret')).toBe(false);
    expect(secretMatches('', '')).toBe(false);
  });

  it('reads JSON and text/plain, nothing else', () => {
    expect(acceptsContentType('application/json; charset=utf-8')).toBe(true);
    expect(acceptsContentType('text/plain;charset=UTF-8')).toBe(true);
    expect(acceptsContentType(undefined)).toBe(true);
    expect(acceptsContentType('application/x-www-form-urlencoded')).toBe(false);
  });
});
