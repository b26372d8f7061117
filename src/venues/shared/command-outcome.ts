/** Maps a venue error, once the venue's own code table has classified it, to the Venue port's command and cancel outcomes. */
import type { CancelOutcome, CommandOutcome } from '../../domain/commands.js';
import { DaemonError, TransportError, VenueRejectedError } from '../../domain/errors.js';

/**
 * - `rejected`: the venue definitely did nothing, and sending the same request again will not help.
 * - `retryable`: the venue definitely did nothing, and the same request may succeed later.
 * - `unknown`: the request may have been executed; reconcile before sending it again.
 */
export type ErrorClass = 'rejected' | 'retryable' | 'unknown';

/** What only the venue knows about its errors (its code table); the outcome mapping below is the same for every venue. */
export interface VenueErrorFacts {
  /** The class of any error from a call to this venue. */
  classify(error: unknown): ErrorClass;
  /** The venue says it does not know the order (Deribit 10004, OKX 51603, Bybit 110001). */
  isOrderNotFound(error: unknown): boolean;
  /** The venue refused a stop/take because its trigger is already on the wrong side of the market. */
  wouldTriggerImmediately(error: unknown): boolean;
}

/**
 * The class of a transport failure: a request that never left (`NOT_CONNECTED`) is `retryable`;
 * every other one (timeout, disconnect, network, 5xx, 429) is `unknown`.
 */
export function classifyTransportError(error: TransportError): ErrorClass {
  return error.code === 'NOT_CONNECTED' ? 'retryable' : 'unknown';
}

/** The message of anything thrown. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The venue's own code of a refusal (e.g. `'10028'`, `'51008'`), or undefined for anything else. */
export function venueCodeOf(error: unknown): string | undefined {
  return error instanceof VenueRejectedError ? error.venueCode : undefined;
}

/** A request the adapter could not express for the venue (rounding, missing fields): nothing was sent. */
export function invalidRequestOutcome(error: unknown): CommandOutcome {
  return { status: 'rejected', code: 'INVALID_REQUEST', reason: errorMessage(error), retryable: false };
}

/**
 * The outcome of a failed submit or amend: `unknown` when the venue may have acted, else
 * `rejected` with the venue's code (or our own error code), `retryable` for the retryable class
 * and `wouldTriggerImmediately` when the venue said so.
 */
export function commandOutcomeOf(error: unknown, facts: VenueErrorFacts): CommandOutcome {
  const kind = facts.classify(error);
  const reason = errorMessage(error);
  if (kind === 'unknown') return { status: 'unknown', reason };
  const code = venueCodeOf(error) ?? (error instanceof DaemonError ? error.code : 'ERROR');
  return {
    status: 'rejected',
    code,
    reason,
    retryable: kind === 'retryable',
    ...(facts.wouldTriggerImmediately(error) ? { wouldTriggerImmediately: true } : {}),
  };
}

/** The outcome of a failed cancel: `notFound` when the venue does not know the order, `unknown` when it may have acted. */
export function cancelOutcomeOf(error: unknown, facts: VenueErrorFacts): CancelOutcome {
  const reason = errorMessage(error);
  const code = venueCodeOf(error) ?? 'ERROR';
  if (facts.isOrderNotFound(error)) return { status: 'rejected', code, reason, notFound: true };
  if (facts.classify(error) === 'unknown') return { status: 'unknown', reason };
  return { status: 'rejected', code, reason, notFound: false };
}
