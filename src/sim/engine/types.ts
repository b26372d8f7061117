/**
 * Data types of the simulator's matching engine. Amounts are in the instrument's venue unit
 * (USD for inverse futures, base coin for inverse options); prices in the instrument's quote
 * (USD for futures, base coin for inverse options).
 */
import type { Decimal } from '../../domain/decimal.js';

export type Currency = 'BTC' | 'ETH';
export const CURRENCIES: readonly Currency[] = ['BTC', 'ETH'];

export type InstrumentKind = 'future' | 'option';
export type SettlementPeriod = 'perpetual' | 'day' | 'week' | 'month';
export type OptionType = 'call' | 'put';

export interface TickStep {
  readonly abovePrice: Decimal;
  readonly tickSize: Decimal;
}

export interface SimInstrument {
  readonly name: string;
  readonly id: number;
  readonly kind: InstrumentKind;
  readonly currency: Currency;
  readonly perpetual: boolean;
  readonly settlementPeriod: SettlementPeriod;
  /** USD per contract for inverse futures; coin per contract for options. */
  readonly contractSize: Decimal;
  readonly minTradeAmount: Decimal;
  /** Order amounts must be multiples of this (contract size for futures, min amount for options). */
  readonly amountStep: Decimal;
  readonly tickSize: Decimal;
  readonly tickSizeSteps: readonly TickStep[];
  readonly makerCommission: Decimal;
  readonly takerCommission: Decimal;
  readonly creationTimestamp: number;
  /** ms; 32503708800000 (3000-01-01T08:00Z) for perpetuals. */
  readonly expirationTimestamp: number;
  readonly maxLeverage: number;
  readonly optionType?: OptionType;
  readonly strike?: Decimal;
  /** Options: the dated future whose expiry matches, used as `underlying_index` if present. */
  readonly underlyingFuture?: string;
}

export type Direction = 'buy' | 'sell';
export type OrderType = 'limit' | 'market' | 'stop_limit' | 'stop_market' | 'take_limit' | 'take_market';
export type TriggerType = 'index_price' | 'mark_price' | 'last_price';
export type OrderState = 'open' | 'filled' | 'rejected' | 'cancelled' | 'untriggered' | 'triggered';
export type TimeInForce = 'good_til_cancelled' | 'good_til_day' | 'fill_or_kill' | 'immediate_or_cancel';
export type Liquidity = 'M' | 'T';

export const TRIGGER_ORDER_TYPES: readonly OrderType[] = ['stop_limit', 'stop_market', 'take_limit', 'take_market'];

export function isTriggerType(t: OrderType): boolean {
  return TRIGGER_ORDER_TYPES.includes(t);
}

/** An order as the engine keeps it. Snapshots handed to listeners are copies. */
export interface SimOrder {
  orderId: string;
  instrumentName: string;
  currency: Currency;
  kind: InstrumentKind;
  direction: Direction;
  orderType: OrderType;
  amount: Decimal;
  filledAmount: Decimal;
  averagePrice: Decimal;
  /** Sum of fill amount x price, for the average. */
  filledNotional: Decimal;
  /** Limit price; undefined for market-type orders whose price is not known yet ("market_price"). */
  price: Decimal | undefined;
  state: OrderState;
  label: string;
  reduceOnly: boolean;
  postOnly: boolean;
  rejectPostOnly: boolean;
  timeInForce: TimeInForce;
  trigger?: TriggerType;
  triggerPrice?: Decimal;
  triggered?: boolean;
  /** On an order spawned by a trigger order: that order's id. */
  triggerOrderId?: string;
  cancelReason?: string;
  /** Why a spawned order was rejected (e.g. reduce_direction). */
  rejectReason?: string;
  creationTimestamp: number;
  lastUpdateTimestamp: number;
  replaced: boolean;
  /** Opaque tag of who created the order (front-ends use a connection id for cancel-on-disconnect). */
  origin?: string;
  /** good_til_day orders end at this time (next 08:00 UTC). */
  expiresAt?: number;
}

export interface SimTrade {
  tradeId: string;
  tradeSeq: number;
  orderId: string;
  instrumentName: string;
  currency: Currency;
  kind: InstrumentKind;
  direction: Direction;
  amount: Decimal;
  price: Decimal;
  fee: Decimal;
  feeCurrency: Currency;
  liquidity: Liquidity;
  indexPrice: Decimal;
  markPrice: Decimal;
  timestamp: number;
  /** State of the order right after this fill. */
  state: OrderState;
  orderType: 'limit' | 'market';
  label: string;
  reduceOnly: boolean;
  postOnly: boolean;
  /** Realized P&L of this fill, in the settlement coin. */
  profitLoss: Decimal;
  /** 0 plus tick, 1 zero-plus tick, 2 minus tick, 3 zero-minus tick. */
  tickDirection: 0 | 1 | 2 | 3;
  /** Options: implied volatility in percent and the underlying price. */
  iv?: number;
  underlyingPrice?: Decimal;
}

/** The engine's view of one position, valued at the current marks. */
export interface SimPosition {
  instrumentName: string;
  currency: Currency;
  kind: InstrumentKind;
  /** Signed: negative for shorts. USD for futures, coin for options. */
  size: Decimal;
  direction: Direction | 'zero';
  averagePrice: Decimal;
  markPrice: Decimal;
  indexPrice: Decimal;
  /** Futures: size in coin at the mark (signed). */
  sizeCurrency: Decimal;
  floatingProfitLoss: Decimal;
  realizedProfitLoss: Decimal;
  totalProfitLoss: Decimal;
  delta: Decimal;
  initialMargin: Decimal;
  maintenanceMargin: Decimal;
  openOrdersMargin: Decimal;
  leverage: number;
  estimatedLiquidationPrice: Decimal | undefined;
  settlementPrice: Decimal;
  /** Options only. */
  gamma?: number;
  vega?: number;
  theta?: number;
  averagePriceUsd?: Decimal;
  floatingProfitLossUsd?: Decimal;
}

export interface SimAccountSummary {
  currency: Currency;
  balance: Decimal;
  equity: Decimal;
  availableFunds: Decimal;
  availableWithdrawalFunds: Decimal;
  marginBalance: Decimal;
  initialMargin: Decimal;
  maintenanceMargin: Decimal;
  projectedInitialMargin: Decimal;
  projectedMaintenanceMargin: Decimal;
  sessionUpl: Decimal;
  sessionRpl: Decimal;
  totalPl: Decimal;
  futuresPl: Decimal;
  futuresSessionUpl: Decimal;
  futuresSessionRpl: Decimal;
  optionsPl: Decimal;
  optionsSessionUpl: Decimal;
  optionsSessionRpl: Decimal;
  optionsValue: Decimal;
  deltaTotal: Decimal;
  optionsDelta: number;
  optionsGamma: number;
  optionsVega: number;
  optionsTheta: number;
  feeBalance: Decimal;
}

export interface Greeks {
  delta: number;
  gamma: number;
  vega: number;
  theta: number;
  rho: number;
}

export interface SimTicker {
  instrumentName: string;
  timestamp: number;
  /** Book lifecycle state (the venue's 2026 set): open, or delivered after expiry. */
  state: 'open' | 'delivered';
  bestBidPrice: Decimal | undefined;
  bestBidAmount: Decimal;
  bestAskPrice: Decimal | undefined;
  bestAskAmount: Decimal;
  lastPrice: Decimal | undefined;
  markPrice: Decimal;
  indexPrice: Decimal;
  minPrice: Decimal;
  maxPrice: Decimal;
  openInterest: Decimal;
  settlementPrice: Decimal;
  estimatedDeliveryPrice: Decimal;
  stats: { high: Decimal | undefined; low: Decimal | undefined; volume: Decimal; volumeUsd: Decimal; priceChange: Decimal | undefined };
  /** Perpetuals. */
  currentFunding?: Decimal;
  funding8h?: Decimal;
  interestValue?: Decimal;
  /** Options. */
  greeks?: Greeks;
  markIv?: number;
  bidIv?: number;
  askIv?: number;
  underlyingPrice?: Decimal;
  underlyingIndex?: string;
  interestRate?: number;
}

export interface BookLevel {
  price: Decimal;
  amount: Decimal;
}

/** Reasons the engine refuses a request; front-ends map them to venue error codes. */
export type RejectReason =
  | 'instrument_not_found'
  | 'instrument_not_open'
  | 'invalid_amount'
  | 'amount_not_multiple'
  | 'qty_too_low'
  | 'invalid_price'
  | 'price_wrong_tick'
  | 'trigger_price_wrong_tick'
  | 'trigger_price_too_high'
  | 'trigger_price_too_low'
  | 'missing_price'
  | 'missing_trigger'
  | 'post_only_reject'
  | 'reduce_only_would_increase'
  | 'not_enough_funds'
  | 'order_not_found'
  | 'not_open_order'
  | 'invalid_edit'
  | 'no_position';

export class EngineRejection extends Error {
  constructor(
    readonly reason: RejectReason,
    readonly param: string | undefined,
    detail: string,
  ) {
    super(detail);
    this.name = 'EngineRejection';
  }
}

/** A trade on the public tape printed by the simulated crowd (the account's own fills come as `trade`). */
export interface SimPublicTrade {
  tradeId: string;
  tradeSeq: number;
  instrumentName: string;
  currency: Currency;
  kind: InstrumentKind;
  /** Taker side. */
  direction: Direction;
  amount: Decimal;
  price: Decimal;
  indexPrice: Decimal;
  markPrice: Decimal;
  timestamp: number;
  tickDirection: 0 | 1 | 2 | 3;
  iv?: number;
}

/** Events the engine emits after each operation, in order. */
export type EngineEvent =
  | { readonly type: 'order'; readonly order: SimOrder }
  | { readonly type: 'trade'; readonly trade: SimTrade }
  | { readonly type: 'public_trade'; readonly trade: SimPublicTrade }
  | { readonly type: 'position'; readonly position: SimPosition }
  | { readonly type: 'ticker'; readonly instrumentName: string }
  | { readonly type: 'portfolio'; readonly currency: Currency };

export type EngineListener = (events: readonly EngineEvent[]) => void;

/** What a fault injector can tell the engine about fills; see `SimFaults.maxFillFor`. */
export interface FillHooks {
  /** The largest amount this order may fill in its next matching pass; undefined = no cap. */
  maxFillFor(order: Readonly<SimOrder>): Decimal | undefined;
}
