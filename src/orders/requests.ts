/**
 * Pure builders of what the OrderManager persists and sends: the trade and its entry, protective
 * orders (stop-loss, take-profit) and reduce-only closes, each with the leg record that tracks it.
 */
import { Decimal } from '../domain/decimal.js';
import { type Instrument, roundPrice } from '../domain/instrument.js';
import { oppositeSide, type OrderRequest } from '../domain/order.js';
import type { LegRecord, TradeRecord } from '../domain/trade.js';
import type { OrdersConfig } from './config.js';
import type { ValidatedIntent } from './validation.js';

/** The entry order of a validated intent. */
export function entryRequest(v: ValidatedIntent, clientId: string): OrderRequest {
  return {
    clientId,
    symbol: v.symbol,
    side: v.side,
    type: v.entryType,
    size: v.size,
    ...(v.entryPrice !== undefined ? { price: v.entryPrice } : {}),
    reduceOnly: false,
    priority: 'normal',
  };
}

/** The trade record and its entry leg, as persisted before the entry is sent. */
export function newTrade(v: ValidatedIntent, tradeId: string, clientId: string, nowMs: number): { trade: TradeRecord; entry: LegRecord } {
  const trade: TradeRecord = {
    id: tradeId,
    venue: v.venue,
    symbol: v.symbol,
    side: v.side,
    size: v.size,
    entryType: v.entryType,
    ...(v.entryPrice !== undefined ? { entryPrice: v.entryPrice } : {}),
    stopPrice: v.stopPrice,
    ...(v.takeProfitPrice !== undefined ? { takeProfitPrice: v.takeProfitPrice } : {}),
    state: 'pending',
    source: v.source,
    ...(v.label !== undefined ? { label: v.label } : {}),
    filledSize: Decimal.ZERO,
    createdAtMs: nowMs,
    updatedAtMs: nowMs,
  };
  const entry: LegRecord = {
    tradeId,
    kind: 'entry',
    clientId,
    state: 'pending',
    side: v.side,
    type: v.entryType,
    size: v.size,
    filledSize: Decimal.ZERO,
    ...(v.entryPrice !== undefined ? { price: v.entryPrice } : {}),
    createdAtMs: nowMs,
    updatedAtMs: nowMs,
  };
  return { trade, entry };
}

type ProtectiveConfig = Pick<OrdersConfig, 'stopOrderType' | 'stopLimitSlippagePct' | 'triggerReference'>;

/**
 * A reduce-only stop-loss (stop-market, or stop-limit with its limit `stopLimitSlippagePct` beyond
 * the trigger, rounded away from the market) or take-profit for `qty` of the trade.
 */
export function protectiveRequest(
  trade: TradeRecord,
  kind: 'stop_loss' | 'take_profit',
  clientId: string,
  qty: Decimal,
  config: ProtectiveConfig,
  instrument: Instrument | undefined,
): OrderRequest {
  const side = oppositeSide(trade.side);
  if (kind === 'stop_loss') {
    const limit = config.stopOrderType === 'stop_limit';
    let price: Decimal | undefined;
    if (limit) {
      const slip = trade.stopPrice.times(config.stopLimitSlippagePct).div(100, 12);
      const raw = side === 'sell' ? trade.stopPrice.minus(slip) : trade.stopPrice.plus(slip);
      price = instrument ? roundPrice(instrument, raw, side === 'sell' ? 'floor' : 'ceil') : raw;
    }
    return {
      clientId,
      symbol: trade.symbol,
      side,
      type: config.stopOrderType,
      size: qty,
      triggerPrice: trade.stopPrice,
      trigger: config.triggerReference,
      ...(price !== undefined ? { price } : {}),
      reduceOnly: true,
      priority: 'protective',
    };
  }
  return {
    clientId,
    symbol: trade.symbol,
    side,
    type: 'take_market',
    size: qty,
    triggerPrice: trade.takeProfitPrice ?? trade.stopPrice,
    trigger: config.triggerReference,
    reduceOnly: true,
    priority: 'normal',
  };
}

/** The reduce-only market order that closes `qty` of the trade. */
export function closeRequest(trade: TradeRecord, clientId: string, qty: Decimal): OrderRequest {
  return {
    clientId,
    symbol: trade.symbol,
    side: oppositeSide(trade.side),
    type: 'market',
    size: qty,
    reduceOnly: true,
    priority: 'protective',
  };
}

/** The pending leg that tracks an exit order (stop-loss, take-profit or close) before it is sent. */
export function exitLeg(trade: TradeRecord, kind: 'stop_loss' | 'take_profit' | 'close', request: OrderRequest, nowMs: number): LegRecord {
  return {
    tradeId: trade.id,
    kind,
    clientId: request.clientId,
    state: 'pending',
    side: request.side,
    type: request.type,
    size: request.size,
    filledSize: Decimal.ZERO,
    ...(request.price !== undefined ? { price: request.price } : {}),
    ...(request.triggerPrice !== undefined ? { triggerPrice: request.triggerPrice } : {}),
    createdAtMs: nowMs,
    updatedAtMs: nowMs,
  };
}
