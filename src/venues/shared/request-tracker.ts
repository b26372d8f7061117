/** Request/response correlation for JSON-RPC and WS order entry: numeric or string ids, per-request timeouts, reject-all on disconnect. */
import type { Logger } from 'pino';

import { TransportError } from '../../domain/errors.js';
import { realTimers, type TimerHandle, type Timers } from './timers.js';

/** A request id as venues echo it: a number (Deribit JSON-RPC) or a string (OKX `id`, Bybit `reqId`). */
export type RequestId = number | string;

/** Turns the tracker's sequence number into the id sent on the wire. */
export type RequestIdFormat<Id extends RequestId> = (seq: number) => Id;

/**
 * How ids are made: numeric trackers may leave it out (the id is the sequence number); string
 * trackers must say how (e.g. `alphanumericIds('o')` for OKX).
 */
export type RequestIdOption<Id extends RequestId> = number extends Id
  ? { readonly formatId?: RequestIdFormat<Id> }
  : { readonly formatId: RequestIdFormat<Id> };

/** Settings for a RequestTracker. */
export type RequestTrackerOptions<Id extends RequestId = number> = RequestTrackerBaseOptions & RequestIdOption<Id>;

/** Settings every tracker takes, whatever its ids. */
export interface RequestTrackerBaseOptions {
  /** Name used in errors and log lines, e.g. 'deribit.rpc'. */
  readonly name: string;
  readonly logger: Logger;
  /** Timeout of a request that does not set its own. Default 10 000 ms. */
  readonly defaultTimeoutMs?: number;
  /** First sequence number handed out. Default 1. */
  readonly firstId?: number;
  /** Clock and timers. Default real ones. */
  readonly timers?: Timers;
}

/** Per-request settings. */
export interface TrackOptions {
  /** Deadline for the answer in ms. Default the tracker's `defaultTimeoutMs`. */
  readonly timeoutMs?: number;
  /** What was asked (e.g. 'private/buy'), for error messages and logs. Never put parameters here. */
  readonly method?: string;
}

/** OKX allows 1–32 alphanumeric characters in `id`; Bybit takes any string in `reqId`. */
const ALPHANUMERIC = /^[A-Za-z0-9]*$/;
const MAX_ALPHANUMERIC_ID = 32;

/**
 * String ids `${prefix}${seq}` that meet OKX's rule (1–32 alphanumerics, no dashes), also fine as a
 * Bybit `reqId`. Throws at once for a prefix that breaks the rule, and per id if one grows too long.
 */
export function alphanumericIds(prefix: string): RequestIdFormat<string> {
  if (!ALPHANUMERIC.test(prefix) || prefix.length >= MAX_ALPHANUMERIC_ID) {
    throw new RangeError(`request id prefix ${JSON.stringify(prefix)} must be fewer than ${MAX_ALPHANUMERIC_ID} letters and digits`);
  }
  return (seq) => {
    const id = `${prefix}${seq}`;
    if (id.length > MAX_ALPHANUMERIC_ID) throw new RangeError(`request id ${id} is longer than ${MAX_ALPHANUMERIC_ID} characters`);
    return id;
  };
}

interface Pending<T, Id extends RequestId> {
  readonly id: Id;
  readonly method: string | undefined;
  readonly sentAt: number;
  readonly timer: TimerHandle;
  resolve(value: T): void;
  reject(error: unknown): void;
}

/**
 * Correlates requests with responses by id. Ids increase monotonically for the life of the
 * tracker (so also within every connection, and a late answer from an old connection can never
 * match a new request).
 *
 * - A request not answered within its timeout is removed and rejects with
 *   TransportError('TIMEOUT'): the caller must treat that as an UNKNOWN outcome (the venue may
 *   have acted), never as a rejection.
 * - A response for an unknown or expired id is dropped quietly (debug log) and `resolve` returns false.
 * - `rejectAll` (call it on every disconnect) rejects everything pending at once with
 *   TransportError('DISCONNECTED'), again an unknown outcome.
 */
export class RequestTracker<T = unknown, Id extends RequestId = number> {
  private readonly pending = new Map<Id, Pending<T, Id>>();
  private nextSeq: number;
  private readonly formatId: RequestIdFormat<Id>;
  private readonly timers: Timers;
  private readonly defaultTimeoutMs: number;
  private readonly log: Logger;

  constructor(private readonly options: RequestTrackerOptions<Id>) {
    this.nextSeq = options.firstId ?? 1;
    // Without formatId, Id is number (RequestIdOption makes formatId required for string ids).
    this.formatId = options.formatId ?? ((seq: number) => seq as Id);
    this.timers = options.timers ?? realTimers;
    this.defaultTimeoutMs = options.defaultTimeoutMs ?? 10_000;
    this.log = options.logger.child({ tracker: options.name });
  }

  /** Allocates the next request id. */
  nextId(): Id {
    return this.formatId(this.nextSeq++);
  }

  /**
   * Registers a pending request under `id` (from `nextId()`) and returns the promise of its answer.
   * Register before sending, so that a fast answer cannot arrive first. Throws if the id is already pending.
   */
  register(id: Id, options: TrackOptions = {}): Promise<T> {
    if (this.pending.has(id)) {
      throw new RangeError(`${this.options.name}: request id ${id} is already pending`);
    }
    const timeoutMs = options.timeoutMs ?? this.defaultTimeoutMs;
    const method = options.method;
    return new Promise<T>((resolve, reject) => {
      const timer = this.timers.setTimeout(() => {
        if (this.pending.get(id) !== entry) return;
        this.pending.delete(id);
        this.log.warn(
          { id, method, timeoutMs },
          'request got no answer in time; removed from the pending map, outcome UNKNOWN (reconcile before retrying)',
        );
        reject(
          new TransportError(
            'TIMEOUT',
            `${this.options.name}: ${method ?? 'request'} (id ${id}) got no answer within ${timeoutMs} ms; outcome unknown`,
          ),
        );
      }, timeoutMs);
      const entry: Pending<T, Id> = { id, method, sentAt: this.timers.now(), timer, resolve, reject };
      this.pending.set(id, entry);
    });
  }

  /**
   * Allocates an id, registers it, then calls `send(id)`. If `send` throws, the entry is removed
   * and the promise rejects with that error (nothing was sent, so it is not an unknown outcome).
   */
  call(send: (id: Id) => void, options: TrackOptions = {}): { readonly id: Id; readonly response: Promise<T> } {
    const id = this.nextId();
    const response = this.register(id, options);
    try {
      send(id);
    } catch (err) {
      this.reject(id, err);
    }
    return { id, response };
  }

  /** Settles a pending request with its answer. Returns false (and logs at debug) for an unknown or expired id. */
  resolve(id: Id, value: T): boolean {
    const entry = this.take(id);
    if (!entry) return false;
    entry.resolve(value);
    return true;
  }

  /** Rejects one pending request (e.g. the venue answered with an error). Returns false for an unknown id. */
  reject(id: Id, error: unknown): boolean {
    const entry = this.take(id);
    if (!entry) return false;
    entry.reject(error);
    return true;
  }

  /** Rejects every pending request with TransportError('DISCONNECTED', reason). Returns how many there were. */
  rejectAll(reason: string): number {
    const entries = [...this.pending.values()];
    this.pending.clear();
    for (const entry of entries) this.timers.clearTimeout(entry.timer);
    if (entries.length > 0) {
      this.log.warn(
        { count: entries.length, reason, methods: entries.map((e) => e.method ?? 'request') },
        'rejecting all pending requests; their outcomes are UNKNOWN until reconciled',
      );
    }
    for (const entry of entries) {
      entry.reject(
        new TransportError(
          'DISCONNECTED',
          `${this.options.name}: ${entry.method ?? 'request'} (id ${entry.id}) lost: ${reason}; outcome unknown`,
        ),
      );
    }
    return entries.length;
  }

  /** True when `id` is waiting for an answer. */
  has(id: Id): boolean {
    return this.pending.has(id);
  }

  /** Number of requests waiting for an answer. */
  size(): number {
    return this.pending.size;
  }

  private take(id: Id): Pending<T, Id> | undefined {
    const entry = this.pending.get(id);
    if (!entry) {
      this.log.debug({ id }, 'response for an unknown or expired request id dropped');
      return undefined;
    }
    this.pending.delete(id);
    this.timers.clearTimeout(entry.timer);
    return entry;
  }
}
