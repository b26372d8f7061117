/** Bybit simulator P&L per category (bybit.md §10): linear qty × (exit − entry) in USDT, inverse contracts × (1/entry − 1/exit) in the coin, on a maker round trip each. */
import { afterEach, describe, expect, it } from 'vitest';

import { dec, Decimal } from '../../../src/domain/decimal.js';
import type { BybitSim } from '../../../src/sim/bybit/index.js';
import { isPush, listOf, privateSocket, rest, startTestSim, type WsClient } from './helpers.js';

let sim: BybitSim | undefined;
const clients: WsClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await sim?.close();
  sim = undefined;
});

/** Rests a limit order, then moves the mark through it so it fills as maker at exactly its price. */
async function makerFill(
  s: BybitSim,
  c: WsClient,
  category: string,
  symbol: string,
  side: 'Buy' | 'Sell',
  qty: string,
  price: number,
  tick: string,
): Promise<Record<string, unknown>> {
  s.engine.setMarkPrice(symbol, dec(side === 'Buy' ? price + 100 : price - 100), s.clock.now());
  const body = (
    await rest(s, s.credentials, 'POST', '/v5/order/create', { category, symbol, side, orderType: 'Limit', qty, price: String(price) })
  ).body;
  expect(body.retCode).toBe(0);
  s.engine.setMarkPrice(symbol, side === 'Buy' ? dec(price).minus(tick) : dec(price), s.clock.now());
  const exec = await c.next(isPush('execution'));
  const row = (exec.data as Record<string, unknown>[])[0] ?? {};
  expect(row.isMaker).toBe(true);
  return row;
}

describe('P&L per category (bybit.md §10 worked numbers)', () => {
  it('linear: long 0.1 BTCUSDT 50000 → 55000 = +500 USDT, fees in USDT', async () => {
    const s = (sim = await startTestSim());
    const c = await privateSocket(s, ['execution']);
    clients.push(c);
    const open = await makerFill(s, c, 'linear', 'BTCUSDT', 'Buy', '0.100', 50000, '0.1');
    expect(open).toMatchObject({ execPrice: '50000.00', execValue: '5000', execFee: '1', feeCurrency: 'USDT', closedSize: '0.000' });
    const close = await makerFill(s, c, 'linear', 'BTCUSDT', 'Sell', '0.100', 55000, '0.1');
    expect(close).toMatchObject({ execPrice: '55000.00', execPnl: '500', execFee: '1.1', closedSize: '0.100' });
    const [pos] = listOf(await rest(s, s.credentials, 'GET', '/v5/position/list', { category: 'linear', symbol: 'BTCUSDT' }));
    // Realized P&L net of both fees: 500 − 1 − 1.1.
    expect(pos).toMatchObject({ side: '', size: '0.000', cumRealisedPnl: '497.9' });
    const wallet = listOf(await rest(s, s.credentials, 'GET', '/v5/account/wallet-balance', { accountType: 'UNIFIED', coin: 'USDT' }));
    const usdt = (wallet[0]?.coin as Record<string, unknown>[])[0];
    expect(usdt).toMatchObject({ coin: 'USDT', walletBalance: '100497.9', cumRealisedPnl: '497.9' });
  });

  it('inverse: long 1000 BTCUSD 50000 → 55000 = 1000 × (1/50000 − 1/55000) BTC; down to 45000 loses more', async () => {
    const s = (sim = await startTestSim());
    const c = await privateSocket(s, ['execution']);
    clients.push(c);
    const open = await makerFill(s, c, 'inverse', 'BTCUSD', 'Buy', '1000', 50000, '0.5');
    // Value and fee in BTC: 1000 / 50000 = 0.02 BTC; maker 0.02 % of it.
    expect(open).toMatchObject({ execQty: '1000', execValue: '0.02', execFee: '0.000004', feeCurrency: 'BTC' });
    const close = await makerFill(s, c, 'inverse', 'BTCUSD', 'Sell', '1000', 55000, '0.5');
    const expected = Decimal.from(1000).times(Decimal.from(1).div(50000, 18).minus(Decimal.from(1).div(55000, 18)));
    expect(Number(close.execPnl)).toBeCloseTo(0.00181818, 8);
    expect(dec(String(close.execPnl)).minus(expected).abs().lte('0.000000001')).toBe(true);

    const loss = await makerFill(s, c, 'inverse', 'BTCUSD', 'Buy', '1000', 50000, '0.5');
    expect(loss.closedSize).toBe('0');
    const down = await makerFill(s, c, 'inverse', 'BTCUSD', 'Sell', '1000', 45000, '0.5');
    expect(Number(down.execPnl)).toBeCloseTo(-0.00222222, 8);
    const [pos] = listOf(await rest(s, s.credentials, 'GET', '/v5/position/list', { category: 'inverse', symbol: 'BTCUSD' }));
    expect(pos).toMatchObject({ size: '0', side: '' });
  });
});
