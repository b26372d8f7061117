/**
 * Zod schemas mirroring Deribit result objects (venue field names, numbers as sent). The same objects
 * come back over REST and WS. Unknown keys are stripped, never rejected: Deribit adds fields without notice.
 */
import { z } from 'zod';

import { WireIntegerSchema, WireNumberSchema } from './rpc.js';

const optNum = WireNumberSchema.nullish();
const optBool = z.boolean().nullish();
const optStr = z.string().nullish();

// ---- instruments ----------------------------------------------------------------------------

export const DeribitTickStepSchema = z.object({
  above_price: WireNumberSchema,
  tick_size: WireNumberSchema,
});

/** One record of `public/get_instruments` / `public/get_instrument` (spec 5.1). */
export const DeribitInstrumentSchema = z.object({
  instrument_name: z.string(),
  instrument_id: z.number().nullish(),
  kind: z.string(),
  /** `reversed` = inverse, `linear`; absent in some docs examples. */
  instrument_type: optStr,
  base_currency: z.string(),
  quote_currency: z.string(),
  counter_currency: optStr,
  settlement_currency: optStr,
  price_index: optStr,
  contract_size: WireNumberSchema,
  min_trade_amount: WireNumberSchema,
  tick_size: WireNumberSchema,
  tick_size_steps: z.array(DeribitTickStepSchema).nullish(),
  is_active: z.boolean(),
  /** Book lifecycle since Jan 2026 (`open`, `settlement`, …); absent in older payloads. */
  state: optStr,
  creation_timestamp: WireIntegerSchema.nullish(),
  /** ms; perpetuals report 32503708800000 (year 3000). */
  expiration_timestamp: WireIntegerSchema.nullish(),
  settlement_period: optStr,
  option_type: optStr,
  strike: optNum,
  maker_commission: optNum,
  taker_commission: optNum,
  max_leverage: optNum,
  rfq: optBool,
});
export type DeribitInstrument = z.infer<typeof DeribitInstrumentSchema>;

export const GetInstrumentsResultSchema = z.array(DeribitInstrumentSchema);

// ---- orders and trades ----------------------------------------------------------------------

/** An order object (spec 6.3). `filled_amount`/`average_price` are absent on untriggered trigger orders. */
export const DeribitOrderSchema = z.object({
  order_id: z.string(),
  instrument_name: z.string(),
  direction: z.string(),
  order_state: z.string(),
  order_type: z.string(),
  original_order_type: optStr,
  amount: WireNumberSchema,
  contracts: optNum,
  filled_amount: optNum,
  average_price: optNum,
  /** A number, or `"market_price"` on untriggered market-type trigger orders. */
  price: optNum,
  label: optStr,
  reduce_only: optBool,
  post_only: optBool,
  reject_post_only: optBool,
  time_in_force: optStr,
  trigger: optStr,
  trigger_price: optNum,
  trigger_offset: optNum,
  trigger_reference_price: optNum,
  triggered: optBool,
  trigger_order_id: optStr,
  trigger_fill_condition: optStr,
  oto_order_ids: z.array(z.string()).nullish(),
  is_primary_otoco: optBool,
  is_secondary_oto: optBool,
  primary_order_id: optStr,
  oco_ref: optStr,
  cancel_reason: optStr,
  creation_timestamp: WireIntegerSchema.nullish(),
  last_update_timestamp: WireIntegerSchema.nullish(),
  api: optBool,
  web: optBool,
  replaced: optBool,
  is_liquidation: optBool,
  risk_reducing: optBool,
  mmp: optBool,
  display_amount: optNum,
  max_show: optNum,
});
export type DeribitOrder = z.infer<typeof DeribitOrderSchema>;

/** A user trade (spec 6.3, "Trade object"). Old payloads may carry numeric trade ids. */
export const DeribitTradeSchema = z.object({
  trade_id: z.union([z.string(), z.number().transform(String)]),
  trade_seq: z.number().nullish(),
  order_id: z.string(),
  instrument_name: z.string(),
  direction: z.string(),
  amount: WireNumberSchema,
  price: WireNumberSchema,
  fee: WireNumberSchema,
  fee_currency: z.string(),
  /** `M` maker, `T` taker; liquidation trades may also carry `liquidation`. */
  liquidity: optStr,
  timestamp: WireIntegerSchema,
  label: optStr,
  order_type: optStr,
  state: optStr,
  reduce_only: optBool,
  post_only: optBool,
  index_price: optNum,
  mark_price: optNum,
  profit_loss: optNum,
  tick_direction: z.number().nullish(),
  iv: optNum,
  underlying_price: optNum,
  liquidation: optStr,
});
export type DeribitTrade = z.infer<typeof DeribitTradeSchema>;

/** Result of `private/buy|sell|edit|close_position`: the order and the trades filled synchronously. */
export const DeribitOrderResultSchema = z.object({
  order: DeribitOrderSchema,
  trades: z.array(DeribitTradeSchema).default([]),
});
export type DeribitOrderResult = z.infer<typeof DeribitOrderResultSchema>;

export const GetOpenOrdersResultSchema = z.array(DeribitOrderSchema);

/** Result of `private/get_user_trades_by_*`. */
export const GetUserTradesResultSchema = z.object({
  trades: z.array(DeribitTradeSchema),
  has_more: optBool,
});

// ---- positions and account ------------------------------------------------------------------

/** A position (spec 8). Shorts have negative `size` and `direction: "sell"`; flat is `size: 0`. */
export const DeribitPositionSchema = z.object({
  instrument_name: z.string(),
  kind: optStr,
  direction: z.string(),
  size: WireNumberSchema,
  size_currency: optNum,
  average_price: WireNumberSchema,
  average_price_usd: optNum,
  mark_price: optNum,
  index_price: optNum,
  settlement_price: optNum,
  floating_profit_loss: optNum,
  floating_profit_loss_usd: optNum,
  realized_profit_loss: optNum,
  total_profit_loss: optNum,
  realized_funding: optNum,
  interest_value: optNum,
  initial_margin: optNum,
  maintenance_margin: optNum,
  open_orders_margin: optNum,
  leverage: optNum,
  estimated_liquidation_price: optNum,
  delta: optNum,
  gamma: optNum,
  vega: optNum,
  theta: optNum,
});
export type DeribitPosition = z.infer<typeof DeribitPositionSchema>;

export const GetPositionsResultSchema = z.array(DeribitPositionSchema);

/** Result of `private/get_subaccounts_details`: positions per subaccount uid. */
export const GetSubaccountsDetailsResultSchema = z.array(
  z.object({
    uid: z.number(),
    positions: z.array(DeribitPositionSchema).default([]),
  }),
);

/** `private/get_account_summary` result and the `user.portfolio.{currency}` payload. */
export const DeribitAccountSummarySchema = z.object({
  currency: z.string(),
  balance: WireNumberSchema,
  equity: WireNumberSchema,
  available_funds: WireNumberSchema,
  available_withdrawal_funds: optNum,
  margin_balance: optNum,
  initial_margin: optNum,
  maintenance_margin: optNum,
  projected_initial_margin: optNum,
  projected_maintenance_margin: optNum,
  session_upl: optNum,
  session_rpl: optNum,
  total_pl: optNum,
  futures_pl: optNum,
  options_pl: optNum,
  delta_total: optNum,
  options_delta: optNum,
  options_gamma: optNum,
  options_vega: optNum,
  options_theta: optNum,
  fee_balance: optNum,
  margin_model: optStr,
  portfolio_margining_enabled: optBool,
  cross_collateral_enabled: optBool,
  total_equity_usd: optNum,
  total_margin_balance_usd: optNum,
  /** Rate limits (only on `get_account_summary`); kept opaque. */
  limits: z.unknown().optional(),
});
export type DeribitAccountSummary = z.infer<typeof DeribitAccountSummarySchema>;

// ---- market data ----------------------------------------------------------------------------

export const DeribitGreeksSchema = z.object({
  delta: WireNumberSchema,
  gamma: WireNumberSchema,
  vega: WireNumberSchema,
  theta: WireNumberSchema,
  rho: optNum,
});

/** A full ticker (`ticker.{instrument}.{interval}` data and `public/ticker` result, spec 4.3). */
export const DeribitTickerSchema = z.object({
  instrument_name: z.string(),
  timestamp: WireIntegerSchema,
  state: optStr,
  best_bid_price: optNum,
  best_bid_amount: optNum,
  best_ask_price: optNum,
  best_ask_amount: optNum,
  last_price: optNum,
  mark_price: optNum,
  index_price: optNum,
  min_price: optNum,
  max_price: optNum,
  open_interest: optNum,
  settlement_price: optNum,
  delivery_price: optNum,
  estimated_delivery_price: optNum,
  stats: z
    .object({
      high: optNum,
      low: optNum,
      volume: optNum,
      volume_usd: optNum,
      volume_notional: optNum,
      price_change: optNum,
    })
    .nullish(),
  current_funding: optNum,
  funding_8h: optNum,
  interest_value: optNum,
  /** Options only. IVs are percentages (`mark_iv: 52.3`). */
  greeks: DeribitGreeksSchema.nullish(),
  mark_iv: optNum,
  bid_iv: optNum,
  ask_iv: optNum,
  underlying_price: optNum,
  underlying_index: optStr,
  interest_rate: optNum,
});
export type DeribitTicker = z.infer<typeof DeribitTickerSchema>;

// ---- auth and session -----------------------------------------------------------------------

/** Result of `public/auth`. Read `scope`: the granted scope may be narrower than requested. */
export const DeribitAuthResultSchema = z.object({
  access_token: z.string(),
  refresh_token: z.string(),
  expires_in: z.number(),
  scope: z.string(),
  token_type: optStr,
  enabled_features: z.array(z.string()).nullish(),
  sid: optStr,
  state: optStr,
});
export type DeribitAuthResult = z.infer<typeof DeribitAuthResultSchema>;

/** Result of `public/test` and `public/hello`. */
export const DeribitVersionResultSchema = z.object({ version: z.string() });

/** Result of `public/set_heartbeat`, `*_unsubscribe_all`, COD toggles: the string `"ok"`. */
export const DeribitOkResultSchema = z.string();

/** Result of `public/subscribe` / `private/subscribe`: the channels actually subscribed. */
export const DeribitSubscribeResultSchema = z.array(z.string());
