/**
 * The engine port of the Bybit front-end: what it needs from a matching engine, in venue-neutral
 * terms. Amounts are in the instrument's own unit (base coin for linear, USD contracts for inverse),
 * prices in its quote (USDT or USD), money in its settle coin (USDT for linear, the coin for inverse).
 * `engine-binding.ts` implements it on the shared neutral engine (`SimEngine` on the Bybit catalogue).
 */
import type { Decimal } from '../../domain/decimal.js';
import type { CancelReason, RejectReason } from '../engine/types.js';

export type PortSide = 'buy' | 'sell';
export type PortCategory = 'linear' | 'inverse';

export interface PortInstrument {
  /** `BTCUSDT`, `BTCUSD`. */
  readonly name: string;
  readonly id: number;
  readonly category: PortCategory;
  readonly baseCoin: string;
  /** USDT (linear) or USD (inverse). */
  readonly quoteCoin: string;
  /** USDT (linear) or the base coin (inverse). */
  readonly settleCoin: string;
  readonly tickSize: Decimal;
  /** Digits of prices on the wire (Bybit `priceScale`). */
  readonly priceScale: number;
  readonly qtyStep: Decimal;
  readonly minQty: Decimal;
  readonly maxLimitQty: Decimal;
  readonly maxMarketQty: Decimal;
  /** Linear only: smallest order value in USDT. */
  readonly minNotional: Decimal | undefined;
  readonly maxLeverage: number;
  readonly makerFeeRate: Decimal;
  readonly takerFeeRate: Decimal;
  readonly launchTime: number;
}

export interface PortTicker {
  readonly instrument: string;
  readonly bestBid: Decimal | undefined;
  readonly bestBidSize: Decimal;
  readonly bestAsk: Decimal | undefined;
  readonly bestAskSize: Decimal;
  readonly last: Decimal | undefined;
  readonly mark: Decimal;
  readonly index: Decimal;
  readonly open24h: Decimal;
  readonly high24h: Decimal;
  readonly low24h: Decimal;
  readonly volume24h: Decimal;
  readonly openInterest: Decimal;
  readonly fundingRate: Decimal;
}

export type PortOrderType = 'market' | 'limit';
export type PortTimeInForce = 'gtc' | 'ioc' | 'fok' | 'post_only';
export type PortTriggerRef = 'last' | 'index' | 'mark';
export type PortTriggerDirection = 'rising' | 'falling';
/** What the order is: a plain order, a conditional (stop) order, or a position take-profit / stop-loss. */
export type PortOrderKind = 'order' | 'conditional' | 'take_profit' | 'stop_loss';
/**
 * Neutral states: waiting for the trigger, just fired (the order it places is not in yet), working,
 * and final. wire.ts names them (Untriggered, Triggered, New, PartiallyFilled, Filled, Cancelled /
 * Deactivated, Rejected).
 */
export type PortOrderState = 'untriggered' | 'triggered' | 'open' | 'partially_filled' | 'filled' | 'cancelled' | 'rejected';
export type PortCancelReason = CancelReason;
export type PortRejectReason = RejectReason;
export { EngineRejection as PortRejection } from '../engine/types.js';

export interface PortTrigger {
  readonly price: Decimal;
  readonly ref: PortTriggerRef;
  readonly direction: PortTriggerDirection;
}

export interface PortOrder {
  /** One id for the whole life of the order, conditional ones included. */
  readonly orderId: string;
  readonly instrument: string;
  readonly side: PortSide;
  readonly type: PortOrderType;
  readonly timeInForce: PortTimeInForce;
  readonly kind: PortOrderKind;
  /** Amount ordered; 0 for a whole-position take-profit / stop-loss or close. */
  readonly qty: Decimal;
  readonly filledQty: Decimal;
  /** Sum of fill values in the settle coin (linear qty×price, inverse qty/price). */
  readonly filledValue: Decimal;
  readonly averagePrice: Decimal | undefined;
  readonly price: Decimal | undefined;
  readonly trigger: PortTrigger | undefined;
  /** Was placed as conditional and has fired. */
  readonly triggered: boolean;
  readonly state: PortOrderState;
  readonly reduceOnly: boolean;
  readonly closeOnTrigger: boolean;
  readonly cancelReason: PortCancelReason | undefined;
  readonly rejectReason: PortRejectReason | undefined;
  /** Fee so far in the settle coin (positive = paid). */
  readonly fee: Decimal;
  readonly pnl: Decimal;
  /** Attached take-profit / stop-loss prices (set on the position once the order fills). */
  readonly takeProfit: Decimal | undefined;
  readonly stopLoss: Decimal | undefined;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface PortFill {
  readonly execId: string;
  readonly orderId: string;
  readonly instrument: string;
  readonly side: PortSide;
  readonly qty: Decimal;
  readonly price: Decimal;
  /** Settle coin. */
  readonly value: Decimal;
  readonly fee: Decimal;
  readonly feeRate: Decimal;
  readonly pnl: Decimal;
  /** The part of the fill that closed position. */
  readonly closedQty: Decimal;
  readonly isMaker: boolean;
  readonly mark: Decimal;
  readonly index: Decimal;
  readonly orderQty: Decimal;
  readonly orderPrice: Decimal | undefined;
  readonly orderType: PortOrderType;
  readonly orderKind: PortOrderKind;
  readonly leavesQty: Decimal;
  readonly seq: number;
  readonly timestamp: number;
}

/** One-way position; size signed in the instrument's unit (0 = flat). */
export interface PortPosition {
  readonly instrument: string;
  readonly size: Decimal;
  readonly averagePrice: Decimal;
  readonly mark: Decimal;
  /** Settle coin at the mark. */
  readonly value: Decimal;
  readonly unrealizedPnl: Decimal;
  /** Realized since the position was opened, fees included. */
  readonly curRealizedPnl: Decimal;
  /** Realized over the account's life, fees included. */
  readonly cumRealizedPnl: Decimal;
  readonly initialMargin: Decimal;
  readonly maintenanceMargin: Decimal;
  readonly leverage: number;
  readonly liquidationPrice: Decimal | undefined;
  readonly takeProfit: Decimal | undefined;
  readonly stopLoss: Decimal | undefined;
  readonly seq: number;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface PortCoinBalance {
  readonly coin: string;
  /** Deposits + realized − fees. */
  readonly walletBalance: Decimal;
  readonly equity: Decimal;
  readonly available: Decimal;
  readonly unrealizedPnl: Decimal;
  readonly cumRealizedPnl: Decimal;
  readonly positionIM: Decimal;
  readonly positionMM: Decimal;
  /** USD value per coin (USDT at 1, the coin at its index). */
  readonly usdPrice: Decimal;
}

export interface PlaceOrderRequest {
  readonly instrument: string;
  readonly side: PortSide;
  readonly type: PortOrderType;
  readonly timeInForce: PortTimeInForce;
  /** undefined with `closePosition` (qty "0" + reduceOnly + closeOnTrigger). */
  readonly qty: Decimal | undefined;
  readonly price: Decimal | undefined;
  readonly reduceOnly: boolean;
  readonly closeOnTrigger: boolean;
  readonly closePosition: boolean;
  readonly trigger: PortTrigger | undefined;
  readonly takeProfit: Decimal | undefined;
  readonly stopLoss: Decimal | undefined;
}

export interface AmendOrderRequest {
  readonly orderId: string;
  readonly qty: Decimal | undefined;
  readonly price: Decimal | undefined;
  readonly triggerPrice: Decimal | undefined;
}

/** Position take-profit / stop-loss: undefined = leave, 0 = remove, else set. */
export interface TradingStopRequest {
  readonly instrument: string;
  readonly takeProfit: Decimal | undefined;
  readonly stopLoss: Decimal | undefined;
  readonly tpTriggerRef: PortTriggerRef;
  readonly slTriggerRef: PortTriggerRef;
}

export type PortEvent =
  | { readonly type: 'order'; readonly order: PortOrder }
  | { readonly type: 'fill'; readonly fill: PortFill }
  | { readonly type: 'position'; readonly position: PortPosition }
  | { readonly type: 'balance'; readonly coin: string }
  | { readonly type: 'ticker'; readonly instrument: string };

export type PortListener = (events: readonly PortEvent[]) => void;

/**
 * What the Bybit front-end asks of the engine. Mutating calls take `now` (ms) and throw
 * `PortRejection` on refusal; events of that call reach listeners before it returns.
 */
export interface BybitEnginePort {
  instruments(): readonly PortInstrument[];
  instrument(name: string): PortInstrument | undefined;
  ticker(name: string, now: number): PortTicker;
  onEvents(listener: PortListener): () => void;
  /** Moves prices along (random walk) up to `now`; a no-op when prices are frozen. */
  step(now: number): void;
  setMarkPrice(name: string, price: Decimal, now: number): void;

  placeOrder(req: PlaceOrderRequest, now: number): PortOrder;
  cancelOrder(orderId: string, reason: PortCancelReason, now: number): PortOrder;
  amendOrder(req: AmendOrderRequest, now: number): PortOrder;
  order(orderId: string): PortOrder | undefined;
  /** Working orders (untriggered, open, partially filled), oldest first. */
  openOrders(instrument?: string): readonly PortOrder[];
  /** Every order, newest first. */
  orders(instrument?: string): readonly PortOrder[];
  setTradingStop(req: TradingStopRequest, now: number): void;
  /** The position's leverage as the account set it (shown on position rows; margins stay at the instrument's maximum). */
  leverage(name: string): number;
  setLeverage(name: string, leverage: number, now: number): void;

  /** Newest first. */
  fills(filter: { instrument?: string; orderId?: string }): readonly PortFill[];
  /** One record per instrument (size 0 when flat). */
  position(name: string): PortPosition;
  /** Positions with a size. */
  positions(): readonly PortPosition[];
  balances(now: number): readonly PortCoinBalance[];
}
