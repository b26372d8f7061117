/**
 * Zod schemas mirroring OKX v5 objects (venue field names, every number a JSON string as sent). The
 * same records come over REST and WS pushes. Unknown keys are stripped, never rejected (OKX adds
 * fields without notice); absent optional strings read as `""`, OKX's own "not set". Decimal
 * syntax is checked by the parsers in parse.ts, which name the field.
 */
import { z } from 'zod';

/** An optional string field: absent or `null` → `""` (OKX's own "not set"). */
const s = z
  .string()
  .nullish()
  .transform((v) => v ?? '');
/** Booleans come back as `"true"`/`"false"` strings in most responses, as real booleans in a few. */
const boolish = z
  .union([z.boolean(), z.enum(['true', 'false', ''])])
  .nullish()
  .transform((v) => v ?? '');

/** True for `true` and `"true"`. */
export function boolFromWire(value: boolean | 'true' | 'false' | ''): boolean {
  return value === true || value === 'true';
}

// ---- envelopes ------------------------------------------------------------------------------

/**
 * A REST reply `{code, msg, data?, inTime?, outTime?}`. `data` is optional: HTTP 401 auth errors
 * carry only `{msg, code}`. Items stay unvalidated here, so that one bad item cannot hide the others.
 */
export const OkxRestEnvelopeSchema = z.object({
  code: z.string(),
  msg: s,
  data: z.array(z.unknown()).optional(),
  inTime: z.string().optional(),
  outTime: z.string().optional(),
});
export type OkxRestEnvelope = z.infer<typeof OkxRestEnvelopeSchema>;

/** A WS trading-op reply `{id, op, code, msg, data, inTime, outTime}` (correlate by `id`). */
export const OkxWsOpResponseSchema = OkxRestEnvelopeSchema.extend({
  id: z.string(),
  op: z.string(),
});
export type OkxWsOpResponse = z.infer<typeof OkxWsOpResponseSchema>;

/** One per-item result (`sCode`/`sMsg`, optional `subCode`) as it rides inside order, cancel, amend and algo replies. */
export const OkxItemResultSchema = z.object({
  sCode: z.string(),
  sMsg: s,
  subCode: s,
});

/** An item of `trade/order`, `batch-orders`, `cancel-order`, `amend-order` replies (REST and WS ops). */
export const OkxOrderAckSchema = OkxItemResultSchema.extend({
  ordId: s,
  clOrdId: s,
  tag: s,
  ts: s,
  /** amend-order only. */
  reqId: s,
});
export type OkxOrderAck = z.infer<typeof OkxOrderAckSchema>;

/** An item of `trade/order-algo` and `trade/cancel-algos` replies. */
export const OkxAlgoAckSchema = OkxItemResultSchema.extend({
  algoId: s,
  algoClOrdId: s,
  clOrdId: s,
  tag: s,
});
export type OkxAlgoAck = z.infer<typeof OkxAlgoAckSchema>;

/** The item of `trade/cancel-all-after`: `triggerTime`/`ts` in **seconds** (`"0"` = disabled). */
export const OkxCancelAllAfterAckSchema = z.object({
  triggerTime: z.string(),
  tag: s,
  ts: s,
});
export type OkxCancelAllAfterAck = z.infer<typeof OkxCancelAllAfterAckSchema>;

/** The item of `trade/close-position` (no sCode: success is the top-level code). */
export const OkxClosePositionAckSchema = z.object({
  instId: z.string(),
  posSide: s,
  clOrdId: s,
  tag: s,
});
export type OkxClosePositionAck = z.infer<typeof OkxClosePositionAckSchema>;

/** `GET /api/v5/public/time`: `ts` in ms. */
export const OkxTimeSchema = z.object({ ts: z.string() });

// ---- orders, fills --------------------------------------------------------------------------

/**
 * An order record: the `orders` push, `GET trade/order`, `trade/orders-pending`. `accFillSz` is
 * cumulative; `fillSz`/`fillPx`/`tradeId`/`fillFee`/`execType` describe this update only (push);
 * REST leaves `avgPx`/`fillPx`/`tradeId` as `""` when nothing filled, the push uses `avgPx:"0"`.
 */
export const OkxOrderSchema = z.object({
  instType: s,
  instId: z.string(),
  ordId: z.string(),
  clOrdId: s,
  tag: s,
  side: z.string(),
  posSide: s,
  tdMode: s,
  ordType: z.string(),
  px: s,
  sz: z.string(),
  state: z.string(),
  accFillSz: z.string(),
  fillSz: s,
  fillPx: s,
  avgPx: s,
  tradeId: s,
  fillTime: s,
  execType: s,
  fillFee: s,
  fillFeeCcy: s,
  fee: s,
  feeCcy: s,
  fillPnl: s,
  pnl: s,
  reduceOnly: boolish,
  algoId: s,
  algoClOrdId: s,
  attachAlgoClOrdId: s,
  source: s,
  category: s,
  cancelSource: s,
  cancelSourceReason: s,
  amendResult: s,
  reqId: s,
  code: s,
  msg: s,
  slTriggerPx: s,
  tpTriggerPx: s,
  cTime: s,
  uTime: s,
});
export type OkxOrder = z.infer<typeof OkxOrderSchema>;

/** A record of `GET trade/fills` (`fillTime` = execution time, `ts` = record time; liquidation fills have a negative `tradeId`). */
export const OkxFillSchema = z.object({
  instType: s,
  instId: z.string(),
  tradeId: z.string(),
  ordId: z.string(),
  clOrdId: s,
  billId: s,
  tag: s,
  side: z.string(),
  posSide: s,
  fillPx: z.string(),
  fillSz: z.string(),
  fee: s,
  feeCcy: s,
  fillPnl: s,
  execType: s,
  fillTime: s,
  ts: s,
});
export type OkxFill = z.infer<typeof OkxFillSchema>;

/**
 * An algo order: the business `orders-algo` push and `trade/orders-algo-pending`. `ordIdList`
 * names the order(s) a triggered algo spawned (`ordId` is deprecated); `actualSide` says which
 * leg fired (`tp`/`sl`).
 */
export const OkxAlgoOrderSchema = z.object({
  instType: s,
  instId: z.string(),
  algoId: z.string(),
  algoClOrdId: s,
  clOrdId: s,
  ordType: z.string(),
  side: z.string(),
  posSide: s,
  tdMode: s,
  sz: s,
  state: z.string(),
  reduceOnly: boolish,
  closeFraction: s,
  tpTriggerPx: s,
  tpTriggerPxType: s,
  tpOrdPx: s,
  slTriggerPx: s,
  slTriggerPxType: s,
  slOrdPx: s,
  triggerPx: s,
  triggerPxType: s,
  ordPx: s,
  actualSz: s,
  actualPx: s,
  actualSide: s,
  triggerTime: s,
  failCode: s,
  ordId: s,
  ordIdList: z
    .array(z.string())
    .nullish()
    .transform((v) => v ?? []),
  tag: s,
  cTime: s,
  uTime: s,
});
export type OkxAlgoOrder = z.infer<typeof OkxAlgoOrderSchema>;

// ---- positions, balance, account ------------------------------------------------------------

/** A position record: `positions` push and `GET account/positions`. Net mode: `posSide:"net"`, the sign of `pos` is the direction. */
export const OkxPositionSchema = z.object({
  instType: s,
  instId: z.string(),
  mgnMode: s,
  posSide: s,
  pos: z.string(),
  posId: s,
  avgPx: s,
  markPx: s,
  upl: s,
  realizedPnl: s,
  lever: s,
  liqPx: s,
  ccy: s,
  tradeId: s,
  cTime: s,
  uTime: s,
  pTime: s,
});
export type OkxPosition = z.infer<typeof OkxPositionSchema>;

/** A `balance_and_position` push item: only the changed balances/positions (all non-zero ones on `snapshot`). */
export const OkxBalanceAndPositionSchema = z.object({
  pTime: s,
  eventType: s,
  balData: z.array(z.object({ ccy: z.string(), cashBal: z.string(), uTime: s })).default([]),
  posData: z
    .array(
      z.object({
        posId: s,
        tradeId: s,
        instId: z.string(),
        instType: s,
        mgnMode: s,
        posSide: s,
        pos: z.string(),
        ccy: s,
        avgPx: s,
        uTime: s,
      }),
    )
    .default([]),
  trades: z.array(z.object({ instId: z.string(), tradeId: z.string() })).default([]),
});
export type OkxBalanceAndPosition = z.infer<typeof OkxBalanceAndPositionSchema>;

/** A `GET account/balance` per-currency detail. */
export const OkxBalanceDetailSchema = z.object({
  ccy: z.string(),
  eq: s,
  cashBal: s,
  availBal: s,
  availEq: s,
  frozenBal: s,
  upl: s,
  uTime: s,
});

/** A `GET account/balance` record (`details[]` per currency). */
export const OkxAccountBalanceSchema = z.object({
  totalEq: s,
  uTime: s,
  details: z.array(OkxBalanceDetailSchema).default([]),
});
export type OkxAccountBalance = z.infer<typeof OkxAccountBalanceSchema>;

/** `GET account/config`. `posMode` must be `net_mode` for this daemon. */
export const OkxAccountConfigSchema = z.object({
  uid: s,
  mainUid: s,
  acctLv: s,
  posMode: z.string(),
  perm: s,
  acctStpMode: s,
  ctIsoMode: s,
  mgnIsoMode: s,
  settleCcy: s,
  label: s,
  autoLoan: z.boolean().optional(),
});
export type OkxAccountConfig = z.infer<typeof OkxAccountConfigSchema>;

// ---- instruments ----------------------------------------------------------------------------

/** A `GET public/instruments` record. `instIdCode` is a JSON integer (null until generated); sizing fields are `""` on spot. */
export const OkxInstrumentSchema = z.object({
  instType: z.string(),
  instId: z.string(),
  instIdCode: z.number().int().nullish(),
  instFamily: s,
  uly: s,
  baseCcy: s,
  quoteCcy: s,
  settleCcy: s,
  ctVal: s,
  ctMult: s,
  ctValCcy: s,
  ctType: s,
  tickSz: z.string(),
  lotSz: z.string(),
  minSz: z.string(),
  maxLmtSz: s,
  maxMktSz: s,
  lever: s,
  state: z.string(),
  ruleType: s,
  listTime: s,
  expTime: s,
  optType: s,
  stk: s,
  upcChg: z.array(z.object({ param: z.string(), newValue: z.string(), effTime: z.string() })).default([]),
});
export type OkxInstrument = z.infer<typeof OkxInstrumentSchema>;
