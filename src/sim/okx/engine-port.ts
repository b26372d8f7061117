/**
 * The engine port of the OKX front-end: exactly what it needs from a matching engine, in
 * venue-neutral terms (amounts in contracts of `contractSize` coin, prices and money in USDT).
 * `engine-binding.ts` implements it on the shared neutral engine (`SimEngine` on the OKX catalogue).
 */
import type { Decimal } from '../../domain/decimal.js';
import type { CancelReason, RejectReason } from '../engine/types.js';

export type PortSide = 'buy' | 'sell';

/** A linear USDT-settled perpetual sized in contracts (OKX `-USDT-SWAP`). */
export interface PortInstrument {
  /** Venue name: `BTC-USDT-SWAP`. */
  readonly name: string;
  /** Numeric id (OKX `instIdCode`). */
  readonly id: number;
  /** Underlying coin: `BTC`. */
  readonly baseCurrency: string;
  /** Quote and settle currency: `USDT`. */
  readonly settleCurrency: string;
  /** Coin per contract (OKX `ctVal`). */
  readonly contractSize: Decimal;
  /** Order sizes are multiples of this (OKX `lotSz`), in contracts. */
  readonly amountStep: Decimal;
  /** Smallest order size (OKX `minSz`), in contracts. */
  readonly minAmount: Decimal;
  readonly maxMarketAmount: Decimal;
  readonly maxLimitAmount: Decimal;
  readonly tickSize: Decimal;
  readonly maxLeverage: number;
  readonly listedAt: number;
}

export interface PortTicker {
  readonly instrument: string;
  readonly bestBid: Decimal | undefined;
  readonly bestBidAmount: Decimal;
  readonly bestAsk: Decimal | undefined;
  readonly bestAskAmount: Decimal;
  readonly last: Decimal | undefined;
  readonly lastAmount: Decimal;
  readonly mark: Decimal;
  readonly index: Decimal;
  readonly open24h: Decimal;
  readonly high24h: Decimal;
  readonly low24h: Decimal;
  /** Contracts traded in 24 h. */
  readonly volume24h: Decimal;
  readonly timestamp: number;
}

export type PortOrderType = 'market' | 'limit';
export type PortTimeInForce = 'gtc' | 'ioc' | 'fok' | 'post_only';
/** Neutral order states (the shared engine's names). */
export type PortOrderState = 'open' | 'partially_filled' | 'filled' | 'cancelled' | 'rejected';
/** Why an order ended cancelled: the shared engine's `CancelReason` (wire.ts maps it to `cancelSource`). */
export type PortCancelReason = CancelReason;

/** Why the engine refuses a request: the shared engine's `RejectReason`; errors.ts maps each to an OKX code. */
export type PortRejectReason = RejectReason;

/** A refusal: the shared engine's `EngineRejection` (neutral reason, parameter, detail). */
export { EngineRejection as PortRejection } from '../engine/types.js';

export interface PortOrder {
  readonly orderId: string;
  readonly instrument: string;
  readonly side: PortSide;
  readonly type: PortOrderType;
  readonly timeInForce: PortTimeInForce;
  /** Contracts. */
  readonly amount: Decimal;
  readonly filledAmount: Decimal;
  /** Undefined until something filled. */
  readonly averagePrice: Decimal | undefined;
  readonly price: Decimal | undefined;
  readonly state: PortOrderState;
  readonly reduceOnly: boolean;
  readonly cancelReason: PortCancelReason | undefined;
  /** Total fee charged so far, USDT (positive = paid). */
  readonly fee: Decimal;
  /** Realized P&L of the fills so far, USDT. */
  readonly pnl: Decimal;
  /** When a conditional order spawned this one: its id and which leg fired. */
  readonly algoId: string | undefined;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface PortFill {
  readonly tradeId: string;
  readonly orderId: string;
  readonly instrument: string;
  readonly side: PortSide;
  readonly amount: Decimal;
  readonly price: Decimal;
  /** USDT; positive = paid. */
  readonly fee: Decimal;
  readonly pnl: Decimal;
  readonly liquidity: 'M' | 'T';
  readonly timestamp: number;
}

/** Net-mode position; size signed in contracts (0 = flat). */
export interface PortPosition {
  readonly instrument: string;
  readonly size: Decimal;
  readonly averagePrice: Decimal;
  readonly mark: Decimal;
  /** USDT, at the mark. */
  readonly unrealizedPnl: Decimal;
  readonly realizedPnl: Decimal;
  readonly fees: Decimal;
  readonly initialMargin: Decimal;
  readonly maintenanceMargin: Decimal;
  readonly leverage: number;
  readonly liquidationPrice: Decimal | undefined;
  /** Last fill that changed it. */
  readonly lastTradeId: string;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface PortBalance {
  readonly currency: string;
  readonly cash: Decimal;
  readonly equity: Decimal;
  readonly available: Decimal;
  readonly frozen: Decimal;
  readonly unrealizedPnl: Decimal;
  readonly initialMargin: Decimal;
  readonly maintenanceMargin: Decimal;
  readonly updatedAt: number;
}

export type PortTriggerRef = 'last' | 'index' | 'mark';

/** One leg of a conditional order: trigger, and the order it places (price undefined = market). */
export interface PortAlgoLeg {
  readonly triggerPrice: Decimal;
  readonly triggerRef: PortTriggerRef;
  readonly orderPrice: Decimal | undefined;
}

export interface PlaceAlgoRequest {
  readonly instrument: string;
  readonly side: PortSide;
  /** Contracts; undefined with `closeWholePosition`. */
  readonly amount: Decimal | undefined;
  readonly closeWholePosition: boolean;
  readonly reduceOnly: boolean;
  /** Cancelled when the position goes flat (OKX `cxlOnClosePos`). */
  readonly cancelOnPositionClose: boolean;
  /** Take-profit and/or stop-loss; with both it is a one-cancels-other pair. */
  readonly takeProfit: PortAlgoLeg | undefined;
  readonly stopLoss: PortAlgoLeg | undefined;
}

/** Neutral algo states: waiting, fired (child order placed), cancelled, fired but the child failed. */
export type PortAlgoState = 'untriggered' | 'triggered' | 'cancelled' | 'failed';

export interface PortAlgo {
  readonly algoId: string;
  readonly instrument: string;
  readonly side: PortSide;
  readonly amount: Decimal | undefined;
  readonly closeWholePosition: boolean;
  readonly reduceOnly: boolean;
  readonly cancelOnPositionClose: boolean;
  readonly takeProfit: PortAlgoLeg | undefined;
  readonly stopLoss: PortAlgoLeg | undefined;
  readonly state: PortAlgoState;
  /** Which leg fired. */
  readonly firedLeg: 'tp' | 'sl' | undefined;
  readonly firedAt: number | undefined;
  /** The order the firing placed. */
  readonly childOrderId: string | undefined;
  /** Filled size and price of the child. */
  readonly childAmount: Decimal | undefined;
  readonly childPrice: Decimal | undefined;
  /** Why the child could not be placed. */
  readonly failReason: PortRejectReason | undefined;
  readonly cancelReason: PortCancelReason | undefined;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface PlaceOrderRequest {
  readonly instrument: string;
  readonly side: PortSide;
  readonly type: PortOrderType;
  readonly timeInForce: PortTimeInForce;
  readonly amount: Decimal;
  readonly price: Decimal | undefined;
  readonly reduceOnly: boolean;
}

export interface AmendOrderRequest {
  readonly orderId: string;
  readonly newAmount: Decimal | undefined;
  readonly newPrice: Decimal | undefined;
}

/** Changes the engine reports after each operation or price move, in order. */
export type PortEvent =
  | { readonly type: 'order'; readonly order: PortOrder }
  | { readonly type: 'fill'; readonly fill: PortFill }
  | { readonly type: 'algo'; readonly algo: PortAlgo }
  | { readonly type: 'position'; readonly position: PortPosition }
  | { readonly type: 'balance'; readonly balance: PortBalance }
  | { readonly type: 'ticker'; readonly instrument: string }
  | { readonly type: 'mark'; readonly instrument: string };

export type PortListener = (events: readonly PortEvent[]) => void;

/**
 * What the OKX front-end asks of the engine. Every mutating call takes `now` (ms) and throws
 * `PortRejection` on refusal; events of that call are delivered to listeners before it returns.
 */
export interface OkxEnginePort {
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
  /** Working orders (open, partially_filled), oldest first. */
  openOrders(instrument?: string): readonly PortOrder[];

  placeAlgo(req: PlaceAlgoRequest, now: number): PortAlgo;
  cancelAlgo(algoId: string, now: number): PortAlgo;
  algo(algoId: string): PortAlgo | undefined;
  /** Untriggered algos, oldest first. */
  openAlgos(instrument?: string): readonly PortAlgo[];

  /** Newest first. */
  fills(filter: { instrument?: string; orderId?: string }): readonly PortFill[];
  /** One record per instrument ever traded (size 0 when flat). */
  positions(): readonly PortPosition[];
  position(name: string): PortPosition | undefined;
  leverage(name: string): number;
  balance(now: number): PortBalance;
}
