/**
 * Engine objects rendered as Deribit wire objects (field names and types as in the recorded
 * payloads under venues/fixtures/deribit): numbers as JSON numbers, `"market_price"` for untriggered
 * market-type trigger orders, signed position sizes for shorts.
 */
import type { Decimal } from '../../domain/decimal.js';
import {
  type CancelReason,
  isTriggerType,
  type OrderState,
  type RejectReason,
  type SimAccountSummary,
  type SimInstrument,
  type SimOrder,
  type SimPosition,
  type SimPublicTrade,
  type SimTicker,
  type SimTrade,
} from '../engine/types.js';

/** The simulated account's user id (present on 2025/26 order payloads). */
export const USER_ID = 100_001;

type Json = Record<string, unknown>;

const num = (d: Decimal): number => d.toNumber();

/** Deribit's order_state: a partly filled working order is still `open`. */
export function orderStateToWire(state: OrderState): string {
  return state === 'partially_filled' ? 'open' : state;
}

/** Deribit's cancel_reason for a neutral one; reasons Deribit does not report are left out (as before). */
export function cancelReasonToWire(reason: CancelReason): string | undefined {
  switch (reason) {
    case 'user_request':
    case 'reduce_only':
    case 'settlement':
      return reason;
    case 'disconnect':
      return 'cancel_on_disconnect';
    case 'unfilled_remainder':
    case 'expired':
    case 'oco_sibling':
    case 'position_closed':
    case 'post_only':
      return undefined;
  }
}

/** Deribit's reject_reason of a spawned order. */
export function rejectReasonToWire(reason: RejectReason): string {
  return reason === 'reduce_only_would_increase' ? 'reduce_direction' : reason;
}
const numOrNull = (d: Decimal | undefined): number | null => (d === undefined ? null : d.toNumber());

export function orderToWire(o: SimOrder, inst: SimInstrument | undefined): Json {
  const trigger = isTriggerType(o.orderType);
  const neverTriggered = trigger && o.triggered !== true;
  const out: Json = {
    web: false,
    api: true,
    user_id: USER_ID,
    time_in_force: o.timeInForce,
    replaced: o.replaced,
    reduce_only: o.reduceOnly,
    risk_reducing: o.reduceOnly,
    price: o.price === undefined ? 'market_price' : num(o.price),
    post_only: o.postOnly,
    reject_post_only: o.rejectPostOnly,
    order_type: o.orderType,
    order_state: orderStateToWire(o.state),
    order_id: o.orderId,
    last_update_timestamp: o.lastUpdateTimestamp,
    label: o.label,
    is_liquidation: false,
    instrument_name: o.instrumentName,
    direction: o.direction,
    creation_timestamp: o.creationTimestamp,
    amount: num(o.amount),
    mmp: false,
  };
  if (inst) out['contracts'] = num(o.amount.div(inst.contractSize, 8));
  // Untriggered trigger orders carry no filled_amount / average_price (docs examples, Nautilus #3995).
  if (!neverTriggered) {
    out['filled_amount'] = num(o.filledAmount);
    out['average_price'] = num(o.averagePrice);
  }
  if (trigger) {
    if (o.trigger !== undefined) out['trigger'] = o.trigger;
    if (o.triggerPrice !== undefined) out['trigger_price'] = num(o.triggerPrice);
    out['triggered'] = o.triggered === true;
  }
  if (o.triggerOrderId !== undefined) out['trigger_order_id'] = o.triggerOrderId;
  const cancelReason = o.state === 'cancelled' && o.cancelReason !== undefined ? cancelReasonToWire(o.cancelReason) : undefined;
  if (cancelReason !== undefined) out['cancel_reason'] = cancelReason;
  if (o.state === 'rejected' && o.rejectReason !== undefined) out['reject_reason'] = rejectReasonToWire(o.rejectReason);
  return out;
}

/** A trade of the public tape (`trades.*` channels): no account fields (docs' trades example). */
export function publicTradeToWire(t: SimPublicTrade, inst: SimInstrument | undefined): Json {
  const out: Json = {
    trade_seq: t.tradeSeq,
    trade_id: t.tradeId,
    timestamp: t.timestamp,
    tick_direction: t.tickDirection,
    price: num(t.price),
    mark_price: num(t.markPrice),
    instrument_name: t.instrumentName,
    index_price: num(t.indexPrice),
    direction: t.direction,
    amount: num(t.amount),
  };
  if (inst) out['contracts'] = num(t.amount.div(inst.contractSize, 8));
  if (t.iv !== undefined) out['iv'] = t.iv;
  return out;
}

export function tradeToWire(t: SimTrade, inst: SimInstrument | undefined): Json {
  const out: Json = {
    trade_seq: t.tradeSeq,
    trade_id: t.tradeId,
    timestamp: t.timestamp,
    tick_direction: t.tickDirection,
    state: orderStateToWire(t.state),
    reduce_only: t.reduceOnly,
    price: num(t.price),
    post_only: t.postOnly,
    order_type: t.orderType,
    order_id: t.orderId,
    matching_id: null,
    mark_price: num(t.markPrice),
    liquidity: t.liquidity,
    label: t.label,
    instrument_name: t.instrumentName,
    index_price: num(t.indexPrice),
    fee_currency: t.feeCurrency,
    fee: num(t.fee),
    direction: t.direction,
    amount: num(t.amount),
    profit_loss: num(t.profitLoss),
    api: true,
    mmp: false,
    risk_reducing: t.reduceOnly,
  };
  if (inst) out['contracts'] = num(t.amount.div(inst.contractSize, 8));
  if (t.iv !== undefined) out['iv'] = t.iv;
  if (t.underlyingPrice !== undefined) out['underlying_price'] = num(t.underlyingPrice);
  return out;
}

export function positionToWire(p: SimPosition): Json {
  const out: Json = {
    average_price: num(p.averagePrice),
    delta: num(p.delta),
    direction: p.direction,
    estimated_liquidation_price: numOrNull(p.estimatedLiquidationPrice),
    floating_profit_loss: num(p.floatingProfitLoss),
    index_price: num(p.indexPrice),
    initial_margin: num(p.initialMargin),
    instrument_name: p.instrumentName,
    kind: p.kind,
    leverage: p.leverage,
    maintenance_margin: num(p.maintenanceMargin),
    mark_price: num(p.markPrice),
    open_orders_margin: num(p.openOrdersMargin),
    realized_profit_loss: num(p.realizedProfitLoss),
    settlement_price: num(p.settlementPrice),
    size: num(p.size),
    total_profit_loss: num(p.totalProfitLoss),
  };
  if (p.kind === 'future') {
    out['size_currency'] = num(p.sizeCurrency);
    out['realized_funding'] = 0;
    if (p.instrumentName.endsWith('-PERPETUAL')) out['interest_value'] = 0;
  } else {
    if (p.averagePriceUsd !== undefined) out['average_price_usd'] = num(p.averagePriceUsd);
    if (p.floatingProfitLossUsd !== undefined) out['floating_profit_loss_usd'] = num(p.floatingProfitLossUsd);
    out['gamma'] = p.gamma ?? 0;
    out['vega'] = p.vega ?? 0;
    out['theta'] = p.theta ?? 0;
  }
  return out;
}

export function tickerToWire(t: SimTicker): Json {
  const out: Json = {
    timestamp: t.timestamp,
    stats: {
      volume_usd: num(t.stats.volumeUsd),
      volume_notional: num(t.stats.volumeUsd),
      volume: num(t.stats.volume),
      price_change: numOrNull(t.stats.priceChange),
      low: numOrNull(t.stats.low),
      high: numOrNull(t.stats.high),
    },
    state: t.state,
    settlement_price: num(t.settlementPrice),
    open_interest: num(t.openInterest),
    min_price: num(t.minPrice),
    max_price: num(t.maxPrice),
    mark_price: num(t.markPrice),
    last_price: numOrNull(t.lastPrice),
    instrument_name: t.instrumentName,
    index_price: num(t.indexPrice),
    estimated_delivery_price: num(t.estimatedDeliveryPrice),
    best_bid_price: numOrNull(t.bestBidPrice),
    best_bid_amount: num(t.bestBidAmount),
    best_ask_price: numOrNull(t.bestAskPrice),
    best_ask_amount: num(t.bestAskAmount),
  };
  if (t.currentFunding !== undefined) out['current_funding'] = num(t.currentFunding);
  if (t.funding8h !== undefined) out['funding_8h'] = num(t.funding8h);
  if (t.interestValue !== undefined) out['interest_value'] = num(t.interestValue);
  if (t.greeks !== undefined) out['greeks'] = { ...t.greeks };
  if (t.markIv !== undefined) out['mark_iv'] = t.markIv;
  if (t.bidIv !== undefined) out['bid_iv'] = t.bidIv;
  if (t.askIv !== undefined) out['ask_iv'] = t.askIv;
  if (t.underlyingPrice !== undefined) out['underlying_price'] = num(t.underlyingPrice);
  if (t.underlyingIndex !== undefined) out['underlying_index'] = t.underlyingIndex;
  if (t.interestRate !== undefined) out['interest_rate'] = t.interestRate;
  return out;
}

export function instrumentToWire(i: SimInstrument, active: boolean): Json {
  const option = i.kind === 'option';
  const out: Json = {
    tick_size: num(i.tickSize),
    tick_size_steps: i.tickSizeSteps.map((s) => ({ above_price: num(s.abovePrice), tick_size: num(s.tickSize) })),
    taker_commission: num(i.takerCommission),
    settlement_period: i.settlementPeriod,
    settlement_currency: i.currency,
    quote_currency: option ? i.currency : 'USD',
    price_index: `${i.currency.toLowerCase()}_usd`,
    min_trade_amount: num(i.minTradeAmount),
    maker_commission: num(i.makerCommission),
    kind: i.kind,
    is_active: active,
    state: active ? 'open' : 'delivered',
    instrument_name: i.name,
    instrument_id: i.id,
    instrument_type: 'reversed',
    expiration_timestamp: i.expirationTimestamp,
    creation_timestamp: i.creationTimestamp,
    counter_currency: 'USD',
    contract_size: num(i.contractSize),
    block_trade_tick_size: option ? 0.0001 : 0.01,
    block_trade_min_trade_amount: option ? 25 : 200000,
    block_trade_commission: option ? 0.00015 : 0.00025,
    base_currency: i.currency,
    rfq: false,
  };
  if (option) {
    out['strike'] = i.strike !== undefined ? num(i.strike) : 0;
    out['option_type'] = i.optionType ?? 'call';
  } else {
    out['max_liquidation_commission'] = 0.0075;
    out['max_leverage'] = i.maxLeverage;
  }
  return out;
}

/** user.portfolio / get_account_summary body. `extra` adds get_account_summary-only fields. */
export function summaryToWire(s: SimAccountSummary, extra: Json = {}): Json {
  const index = `${s.currency.toLowerCase()}_usd`;
  return {
    currency: s.currency,
    balance: num(s.balance),
    equity: num(s.equity),
    available_funds: num(s.availableFunds),
    available_withdrawal_funds: num(s.availableWithdrawalFunds),
    margin_balance: num(s.marginBalance),
    initial_margin: num(s.initialMargin),
    maintenance_margin: num(s.maintenanceMargin),
    projected_initial_margin: num(s.projectedInitialMargin),
    projected_maintenance_margin: num(s.projectedMaintenanceMargin),
    session_upl: num(s.sessionUpl),
    session_rpl: num(s.sessionRpl),
    total_pl: num(s.totalPl),
    futures_pl: num(s.futuresPl),
    futures_session_upl: num(s.futuresSessionUpl),
    futures_session_rpl: num(s.futuresSessionRpl),
    options_pl: num(s.optionsPl),
    options_session_upl: num(s.optionsSessionUpl),
    options_session_rpl: num(s.optionsSessionRpl),
    options_value: num(s.optionsValue),
    delta_total: num(s.deltaTotal),
    projected_delta_total: num(s.deltaTotal),
    delta_total_map: { [index]: num(s.deltaTotal) },
    options_delta: s.optionsDelta,
    options_gamma: s.optionsGamma,
    options_vega: s.optionsVega,
    options_theta: s.optionsTheta,
    options_gamma_map: { [index]: s.optionsGamma },
    options_vega_map: { [index]: s.optionsVega },
    options_theta_map: { [index]: s.optionsTheta },
    fee_balance: num(s.feeBalance),
    additional_reserve: 0,
    spot_reserve: 0,
    locked_balance: 0,
    margin_model: 'segregated_sm',
    portfolio_margining_enabled: false,
    cross_collateral_enabled: false,
    ...extra,
  };
}
