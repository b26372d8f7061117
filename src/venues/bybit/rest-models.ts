/**
 * Zod schemas of Bybit v5 wire objects (spec 2, 5, 8): the REST envelope, instruments, orders
 * (REST rows and `order` pushes share a shape), executions, positions (REST `avgPrice`, WS
 * `entryPrice`), wallet, market time and the create/cancel acks. Loose objects: unknown extra
 * fields pass; decimals stay strings here and are read by parse.ts (`""` = not set).
 */
import { z } from 'zod';

const str = z.string();
/** A decimal string, or `""` for "not set"; some fields may be absent. */
const dec = z.string().optional();
/** Milliseconds as a string (bodies) or a number (envelopes). */
const millis = z.union([z.string(), z.number()]);

export const BybitEnvelopeSchema = z.looseObject({
  retCode: z.number().int(),
  retMsg: z.string(),
  result: z.unknown().optional(),
  retExtInfo: z.unknown().optional(),
  time: z.number().optional(),
});
export type BybitEnvelope = z.output<typeof BybitEnvelopeSchema>;

export const BybitListSchema = z.looseObject({
  list: z.array(z.unknown()),
  nextPageCursor: z.string().optional(),
  category: z.string().optional(),
});

export const BybitInstrumentSchema = z.looseObject({
  symbol: str,
  contractType: str,
  status: str,
  baseCoin: str,
  quoteCoin: str,
  settleCoin: str.optional(),
  priceFilter: z.looseObject({ tickSize: str, minPrice: dec, maxPrice: dec }),
  lotSizeFilter: z.looseObject({
    qtyStep: str,
    minOrderQty: str,
    maxOrderQty: dec,
    maxMktOrderQty: dec,
    minNotionalValue: dec,
  }),
  deliveryTime: z.union([str, z.number()]).optional(),
});
export type BybitInstrument = z.output<typeof BybitInstrumentSchema>;

export const BybitOrderSchema = z.looseObject({
  category: str.optional(),
  symbol: str,
  orderId: str,
  orderLinkId: z.string().optional(),
  positionIdx: z.number().int().optional(),
  side: z.enum(['Buy', 'Sell']),
  orderType: z.enum(['Market', 'Limit']),
  price: dec,
  qty: str,
  orderStatus: str,
  cumExecQty: str,
  avgPrice: dec,
  leavesQty: dec,
  reduceOnly: z.boolean().optional(),
  closeOnTrigger: z.boolean().optional(),
  triggerPrice: dec,
  triggerDirection: z.number().int().optional(),
  triggerBy: z.string().optional(),
  stopOrderType: z.string().optional(),
  cancelType: z.string().optional(),
  rejectReason: z.string().optional(),
  createdTime: millis.optional(),
  updatedTime: millis.optional(),
});
export type BybitOrder = z.output<typeof BybitOrderSchema>;

export const BybitExecutionSchema = z.looseObject({
  category: str.optional(),
  symbol: str,
  orderId: str,
  orderLinkId: z.string().optional(),
  side: z.enum(['Buy', 'Sell']),
  execId: str,
  execPrice: str,
  execQty: str,
  execFee: dec,
  feeCurrency: z.string().optional(),
  execType: str,
  isMaker: z.boolean().optional(),
  execTime: millis,
});
export type BybitExecution = z.output<typeof BybitExecutionSchema>;

export const BybitPositionSchema = z.looseObject({
  category: str.optional(),
  symbol: str,
  side: z.enum(['Buy', 'Sell', '', 'None']),
  size: str,
  positionIdx: z.number().int().optional(),
  /** REST name of the entry price. */
  avgPrice: dec,
  /** WS name of the entry price. */
  entryPrice: dec,
  markPrice: dec,
  unrealisedPnl: dec,
  cumRealisedPnl: dec,
  curRealisedPnl: dec,
  takeProfit: dec,
  stopLoss: dec,
  seq: z.number().optional(),
  updatedTime: millis.optional(),
});
export type BybitPosition = z.output<typeof BybitPositionSchema>;

export const BybitWalletCoinSchema = z.looseObject({
  coin: str,
  equity: dec,
  walletBalance: dec,
  locked: dec,
  totalOrderIM: dec,
  totalPositionIM: dec,
  unrealisedPnl: dec,
});

export const BybitWalletSchema = z.looseObject({
  accountType: str.optional(),
  coin: z.array(z.unknown()),
});
export type BybitWallet = z.output<typeof BybitWalletSchema>;

export const BybitMarketTimeSchema = z.looseObject({ timeSecond: str, timeNano: str.optional() });

export const BybitOrderAckSchema = z.looseObject({ orderId: z.string(), orderLinkId: z.string().optional() });
export type BybitOrderAck = z.output<typeof BybitOrderAckSchema>;
