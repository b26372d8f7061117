/**
 * What came of a command sent to a venue (order placed, cancelled, looked up): accepted, rejected,
 * or unknown.
 */
import type { OrderSnapshot } from './order.js';

/**
 * What came of a command sent to a venue.
 * - accepted: the venue acknowledged it (the snapshot is what it said)
 * - rejected: definite evidence from the venue that it did nothing (error code and message)
 * - unknown: timeout, disconnect, 5xx, 429 — the request may have reached the venue; reconcile
 *   by client id before trying again. Never treat unknown as rejected.
 */
export type CommandOutcome =
  | { readonly status: 'accepted'; readonly order: OrderSnapshot }
  | {
      readonly status: 'rejected';
      readonly code: string;
      readonly reason: string;
      readonly retryable: boolean;
      /**
       * The venue refused a stop/take because its trigger is already on the wrong side of the
       * market: it would fire at once. The adapter decides this from its venue's codes.
       */
      readonly wouldTriggerImmediately?: boolean;
    }
  | { readonly status: 'unknown'; readonly reason: string };

export type CancelOutcome =
  | { readonly status: 'accepted'; readonly order?: OrderSnapshot }
  | { readonly status: 'rejected'; readonly code: string; readonly reason: string; readonly notFound: boolean }
  | { readonly status: 'unknown'; readonly reason: string };

/** Answer to "does this order exist?": found, definitely not found, or could not tell. */
export type OrderLookup =
  | { readonly status: 'found'; readonly order: OrderSnapshot }
  | { readonly status: 'not_found' }
  | { readonly status: 'unknown'; readonly reason: string };
