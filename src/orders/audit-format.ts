/** Pure formatting of venue requests, outcomes and errors for audit entries and logs. */
import type { CommandOutcome } from '../domain/commands.js';
import type { OrderRequest } from '../domain/order.js';

export function describeOutcome(outcome: CommandOutcome): Record<string, unknown> {
  switch (outcome.status) {
    case 'accepted':
      return {
        status: 'accepted',
        venueOrderId: outcome.order.venueOrderId,
        orderStatus: outcome.order.status,
        filled: outcome.order.filledSize.toString(),
      };
    case 'rejected':
      return { status: 'rejected', code: outcome.code, reason: outcome.reason, retryable: outcome.retryable };
    case 'unknown':
      return { status: 'unknown', reason: outcome.reason };
  }
}

export function describeRequest(r: OrderRequest): Record<string, unknown> {
  return {
    clientId: r.clientId,
    symbol: r.symbol,
    side: r.side,
    type: r.type,
    size: r.size.toString(),
    ...(r.price !== undefined ? { price: r.price.toString() } : {}),
    ...(r.triggerPrice !== undefined ? { triggerPrice: r.triggerPrice.toString(), trigger: r.trigger } : {}),
    reduceOnly: r.reduceOnly,
  };
}

/** Short text of an outcome that was not accepted, for errors and audit entries. */
export function outcomeError(
  outcome: { status: 'rejected'; code: string; reason: string } | { status: 'unknown'; reason: string },
): string {
  return outcome.status === 'rejected' ? `${outcome.code} ${outcome.reason}` : `unknown: ${outcome.reason}`;
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
