/** The JSON-RPC 2.0 envelope as Deribit speaks it: wire primitives, request builder, response unwrapping. */
import { z } from 'zod';

import { DeribitApiError, DeribitParseError } from './errors.js';
import { deribitWire } from './wire-fields.js';

/**
 * A decimal exactly as the venue sent it. Deribit sends JSON numbers, but some fields are strings
 * (`price: "market_price"` on trigger orders); `parse.ts` converts and names the field on failure.
 */
export const WireNumberSchema = z.union([z.number(), z.string()]);
export type WireNumber = z.infer<typeof WireNumberSchema>;

/** An integer that some captures send as a string (`usIn`/`usOut`, spec 1.3); normalised to a number. */
export const WireIntegerSchema = z.union([
  z.number().int(),
  z
    .string()
    .regex(/^-?\d+$/)
    .transform(Number),
]);

export const RpcIdSchema = z.union([z.number(), z.string()]);
export type RpcId = z.infer<typeof RpcIdSchema>;

/** Deribit's extensions on every response: server receive/send times in µs and the testnet flag. */
const rpcMetaShape = {
  jsonrpc: z.string().optional(),
  usIn: WireIntegerSchema.optional(),
  usOut: WireIntegerSchema.optional(),
  usDiff: WireIntegerSchema.optional(),
  testnet: z.boolean().optional(),
};

export const RpcErrorObjectSchema = z.object({
  code: z.number().int(),
  message: z.string(),
  data: z.unknown().optional(),
});
export type RpcErrorObject = z.infer<typeof RpcErrorObjectSchema>;

/** An error response. Some connection-level errors (e.g. -32600 on an oversized frame) arrive without an id. */
export const RpcErrorResponseSchema = z.object({
  ...rpcMetaShape,
  id: RpcIdSchema.nullish(),
  error: RpcErrorObjectSchema,
});
export type RpcErrorResponse = z.infer<typeof RpcErrorResponseSchema>;

/** A success response whose `result` is validated by `result`. Some documented replies carry no id. */
export function rpcSuccessSchema<T extends z.ZodType>(result: T) {
  return z.object({ ...rpcMetaShape, id: RpcIdSchema.optional(), result });
}

/** A response: the error form first, because an error frame has no `result`. */
export function rpcResponseSchema<T extends z.ZodType>(result: T) {
  return z.union([RpcErrorResponseSchema, rpcSuccessSchema(result)]);
}

/** A success response with an unvalidated result, for routing by id before the method is known. */
export const RpcSuccessEnvelopeSchema = rpcSuccessSchema(z.unknown());
export type RpcSuccessEnvelope = z.infer<typeof RpcSuccessEnvelopeSchema>;

export interface RpcRequest<P extends object = Record<string, unknown>> {
  readonly jsonrpc: '2.0';
  readonly id: number;
  readonly method: string;
  readonly params: P;
}

/** Builds a request frame. Deribit takes named params only and no batches; `id` is echoed in the reply. */
export function buildRpcRequest<P extends object>(id: number, method: string, params: P): RpcRequest<P> {
  return { jsonrpc: '2.0', id, method, params };
}

/**
 * Validates `value` against a wire schema; on failure throws a DeribitParseError naming the first
 * bad field under `root` (e.g. `private/buy.result.order.amount`).
 */
export function validateWire<T extends z.ZodType>(schema: T, value: unknown, root: string): z.output<T> {
  return deribitWire.validate(schema, value, root);
}

/**
 * Unwraps a response to `method`: returns the validated `result`, or throws DeribitApiError when the
 * venue answered with `error`, or DeribitParseError when the frame or result has the wrong shape.
 */
export function unwrapRpcResponse<T extends z.ZodType>(frame: unknown, resultSchema: T, method: string): z.output<T> {
  const error = RpcErrorResponseSchema.safeParse(frame);
  if (error.success) throw new DeribitApiError(error.data.error, method, error.data.id ?? undefined);
  if (typeof frame !== 'object' || frame === null || !('result' in frame)) {
    throw new DeribitParseError(`${method}.result`, 'missing (neither result nor error in the response)');
  }
  const envelope = validateWire(RpcSuccessEnvelopeSchema, frame, method);
  return validateWire(resultSchema, envelope.result, `${method}.result`);
}
