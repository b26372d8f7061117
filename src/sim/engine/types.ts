/**
 * Data types of the simulator's matching engine, venue-neutral. Amounts are in the instrument's
 * `amountUnit` (USD for Deribit inverse futures, contracts of `contractSize` coin for OKX swaps, base
 * coin for Bybit linear and Deribit options); prices in the instrument's quote (USD or USDT for
 * futures, base coin for inverse options). Front-ends map these types to their wire names.
 */
import type { Decimal } from '../../domain/decimal.js';

/** The underlying coin of an instrument (its index). */
export type Currency = 'BTC' | 'ETH';
export const CURRENCIES: readonly Currency[] = ['BTC', 'ETH'];
/** The currency an instrument settles in: the coin itself (inverse) or USDT (linear). */
export type SettleCurrency = Currency | 'USDT';
export const SETTLE_CURRENCIES: readonly SettleCurrency[] = ['BTC', 'ETH', 'USDT'];

/** The simulated venues, each with its own catalogue. */
export type SimVenue = 'deribit' | 'okx' | 'bybit';

export type InstrumentKind = 'future' | 'option';
/**
 * Inverse: quoted in USD, settled in the coin, P&L `usd * (1/avg - 1/price)` (Deribit perpetuals).
 * Linear: quoted and settled in USDT, P&L `coin * (price - avg)` (OKX `-USDT-SWAP`, Bybit linear).
 * Deribit options are inverse too, but priced in coin, so their P&L is linear in that coin price.
 */
export type ContractType = 'inverse' | 'linear';
/**
 * The unit of an order's amount (as the domain's SizeUnit): `quote` USD notional (Deribit inverse
 * futures), `contracts` of `contractSize` (OKX swaps: `ctVal` coin each), `base` coin (Bybit linear, options).
 */
export type AmountUnit = 'quote' | 'contracts' | 'base';
export type SettlementPeriod = 'perpetual' | 'day' | 'week' | 'month';
export type OptionType = 'call' | 'put';

export interface TickStep {
  readonly abovePrice: Decimal;
  readonly tickSize: Decimal;
}

export interface SimInstrument {
  /** The venue's own name: BTC-PERPETUAL, BTC-USDT-SWAP, BTCUSDT. */
  readonly name: string;
  /** Numeric id (Deribit instrument_id, OKX instIdCode, Bybit symbolId). */
  readonly id: number;
  readonly kind: InstrumentKind;
  /** Underlying coin (its index drives the marks). */
  readonly currency: Currency;
  /** Quote currency of the price: USD (Deribit futures), USDT (linear), or the coin (inverse options). */
  readonly quoteCurrency: 'USD' | 'USDT' | Currency;
  readonly settleCurrency: SettleCurrency;
  readonly contractType: ContractType;
  readonly amountUnit: AmountUnit;
  readonly perpetual: boolean;
  readonly settlementPeriod: SettlementPeriod;
  /**
   * The venue's contract size: USD per contract for Deribit inverse futures (amounts are USD, multiples
   * of it), coin per contract for linear swaps (OKX `ctVal`; 1 on Bybit), coin per contract for options.
   */
  readonly contractSize: Decimal;
  readonly minTradeAmount: Decimal;
  /** Order amounts must be multiples of this (contract size for Deribit futures, `lotSz`, `qtyStep`, min amount for options). */
  readonly amountStep: Decimal;
  /** Largest market / limit order amount, when the venue caps it (OKX `maxMktSz`, Bybit `maxMktOrderQty`). */
  readonly maxMarketAmount?: Decimal;
  readonly maxLimitAmount?: Decimal;
  /** Smallest order notional in the quote currency (Bybit `minNotionalValue`). */
  readonly minNotional?: Decimal;
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
/**
 * Neutral order states. Working: `open`, `partially_filled` (some filled, the rest working),
 * `untriggered` (a stop / take-profit waiting for its trigger). Final: `filled`, `cancelled` (may carry
 * a filled amount), `rejected`, `triggered` (the trigger fired and spawned a market/limit order).
 * Front-ends map them: Deribit open/open/untriggered/filled/cancelled/rejected/triggered; OKX
 * live/partially_filled, algo live/effective; Bybit New/PartiallyFilled/Untriggered/Triggered/...
 */
export type OrderState = 'open' | 'partially_filled' | 'filled' | 'rejected' | 'cancelled' | 'untriggered' | 'triggered';
/** Which way the reference price must move to fire a trigger order. */
export type TriggerDirection = 'rising' | 'falling';
/** Why the engine cancelled an order; front-ends map to their wire values (Deribit cancel_reason, OKX cancelSource, Bybit cancelType). */
export type CancelReason =
  | 'user_request'
  /** The connection that placed it went away (cancel-on-disconnect). */
  | 'disconnect'
  /** A reduce-only order with nothing left to reduce. */
  | 'reduce_only'
  /** Instrument expired and settled. */
  | 'settlement'
  /** IOC / market / FOK remainder that could not fill. */
  | 'unfilled_remainder'
  /** good_til_day ended. */
  | 'expired'
  /** The other leg of its OCO group triggered. */
  | 'oco_sibling'
  /** Tied to the position (OKX cxlOnClosePos, Bybit TP/SL): the position went flat. */
  | 'position_closed'
  /** A post-only order that would have taken liquidity (OKX cancelSource 31, Bybit PostOnly). */
  | 'post_only';
/** Working states: the order is live on the book or waiting for its trigger. */
export function isWorkingState(s: OrderState): boolean {
  return s === 'open' || s === 'partially_filled' || s === 'untriggered';
}
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
  cancelReason?: CancelReason;
  /** Why a spawned order was rejected (e.g. reduce_only_would_increase when its position is gone). */
  rejectReason?: RejectReason;
  /** Trigger orders: which way the reference must move (derived from stop/take and side unless given). */
  triggerDirection?: TriggerDirection;
  /** Trigger orders sharing a group cancel each other when one fires (OKX `oco`). */
  ocoGroup?: string;
  /** Cancelled when the position in the instrument goes flat (OKX `cxlOnClosePos`, Bybit TP/SL). */
  cancelOnPositionClose?: boolean;
  /** Post-only that would take: accepted, then cancelled (OKX, Bybit) instead of re-priced (Deribit) or refused (`rejectPostOnly`). */
  cancelPostOnly?: boolean;
  /** Trigger orders: the spawned order's amount is the whole position when it fires (OKX `closeFraction: "1"`), not `amount`. */
  closePosition?: boolean;
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
  /** Fee charged, in the settle currency (positive = paid). */
  fee: Decimal;
  feeCurrency: SettleCurrency;
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
  /** Realized P&L of this fill, in the settle currency. */
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
  settleCurrency: SettleCurrency;
  /** Signed: negative for shorts. In the instrument's amount unit. */
  size: Decimal;
  direction: Direction | 'zero';
  averagePrice: Decimal;
  markPrice: Decimal;
  indexPrice: Decimal;
  /** Futures: size in the underlying coin (signed; inverse at the mark). */
  sizeCurrency: Decimal;
  /** Absolute position value at the mark, in the settle currency. */
  notional: Decimal;
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

/** One settle currency's account: coin for inverse instruments, USDT for linear ones. */
export interface SimAccountSummary {
  currency: SettleCurrency;
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

/**
 * Neutral reasons the engine refuses a request (or rejects a spawned order); each front-end maps
 * them to its own error codes (Deribit `errors.ts`). No venue code lives in the engine.
 */
export type RejectReason =
  | 'instrument_not_found'
  | 'instrument_not_open'
  | 'invalid_amount'
  | 'amount_not_multiple'
  | 'qty_too_low'
  | 'qty_too_high'
  | 'notional_too_low'
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
  | 'no_position'
  /** Fault injection: the venue refused for a reason of its own (maps to a generic venue error). */
  | 'venue_refused';

/** Every RejectReason once (a Record, so a reason added to the type must be listed here too). */
const REJECT_REASON_SET: Record<RejectReason, true> = {
  instrument_not_found: true,
  instrument_not_open: true,
  invalid_amount: true,
  amount_not_multiple: true,
  qty_too_low: true,
  qty_too_high: true,
  notional_too_low: true,
  invalid_price: true,
  price_wrong_tick: true,
  trigger_price_wrong_tick: true,
  trigger_price_too_high: true,
  trigger_price_too_low: true,
  missing_price: true,
  missing_trigger: true,
  post_only_reject: true,
  reduce_only_would_increase: true,
  not_enough_funds: true,
  order_not_found: true,
  not_open_order: true,
  invalid_edit: true,
  no_position: true,
  venue_refused: true,
};
export const REJECT_REASONS: readonly RejectReason[] = Object.keys(REJECT_REASON_SET) as RejectReason[];

/** True for the refusals of a trigger order whose trigger price is already crossed (it would fire at once). */
export function wouldTriggerImmediately(reason: RejectReason): boolean {
  return reason === 'trigger_price_too_high' || reason === 'trigger_price_too_low';
}

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
  | { readonly type: 'portfolio'; readonly currency: SettleCurrency };

export type EngineListener = (events: readonly EngineEvent[]) => void;

/**
 * How the engine names orders, trigger orders and trades. Each front-end passes its venue's scheme
 * (Deribit: `deribit/ids.ts`); the default is plain sequence numbers (`algo-N` for trigger orders).
 */
export interface IdScheme {
  order(inst: SimInstrument, seq: number): string;
  trigger(
    inst: SimInstrument,
    order: { readonly type: OrderType; readonly trigger: TriggerType; readonly direction: Direction },
    seq: number,
  ): string;
  trade(inst: SimInstrument, seq: number): string;
}

export const SEQUENCE_IDS: IdScheme = {
  order: (_inst, seq) => String(seq),
  trigger: (_inst, _order, seq) => `algo-${seq}`,
  trade: (_inst, seq) => String(seq),
};

/** What a fault injector can tell the engine about fills; see `SimFaults.maxFillFor`. */
export interface FillHooks {
  /** The largest amount this order may fill in its next matching pass; undefined = no cap. */
  maxFillFor(order: Readonly<SimOrder>): Decimal | undefined;
}
