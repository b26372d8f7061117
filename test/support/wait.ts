/** Test helpers that wait on conditions and events with a deadline, never on bare timers. */
import type { WebSocket } from 'ws';

/** Deadline settings for the wait helpers. */
export interface WaitOptions {
  /** Give up after this many ms. Default 3 000. */
  readonly timeoutMs?: number;
  /** Re-check period of `waitFor` in ms. Default 5. */
  readonly intervalMs?: number;
  /** Included in the timeout error to say what was awaited. */
  readonly message?: string;
}

/**
 * Re-evaluates `predicate` until it returns a truthy value (returned) or the deadline passes
 * (throws, naming `message` and the last error the predicate threw, if any).
 */
export async function waitFor<T>(
  predicate: () => T | Promise<T>,
  options: WaitOptions = {},
): Promise<Exclude<T, false | 0 | '' | null | undefined>> {
  const timeoutMs = options.timeoutMs ?? 3_000;
  const intervalMs = options.intervalMs ?? 5;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await predicate();
      if (value) return value as Exclude<T, false | 0 | '' | null | undefined>;
      lastError = undefined;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const detail = lastError instanceof Error ? `; last error: ${lastError.message}` : '';
      throw new Error(`waitFor timed out after ${timeoutMs} ms: ${options.message ?? 'condition not met'}${detail}`);
    }
    await new Promise<void>((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * Resolves with the next value passed to a listener registered through `subscribe` (which must
 * return an unsubscribe function) for which `predicate` holds; rejects after the deadline.
 * Example: `await nextEvent((l) => socket.on('state', l), { predicate: (s) => s.to === 'ready' })`.
 */
export function nextEvent<T>(
  subscribe: (listener: (value: T) => void) => () => void,
  options: WaitOptions & { readonly predicate?: (value: T) => boolean } = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 3_000;
  return new Promise<T>((resolve, reject) => {
    let done = false;
    let unsubscribe: (() => void) | undefined;
    const timer = setTimeout(() => {
      if (done) return;
      done = true;
      unsubscribe?.();
      reject(new Error(`nextEvent timed out after ${timeoutMs} ms: ${options.message ?? 'no matching event'}`));
    }, timeoutMs);
    unsubscribe = subscribe((value) => {
      if (done) return;
      if (options.predicate && !options.predicate(value)) return;
      done = true;
      clearTimeout(timer);
      // The subscription may fire synchronously, before `unsubscribe` is assigned (handled below).
      unsubscribe?.();
      resolve(value);
    });
    if (done) unsubscribe();
  });
}

/** `nextEvent` for Node-style emitters (`on`/`off`), e.g. a ws WebSocketServer. */
export function onceEvent<T = unknown>(
  emitter: {
    on(event: string, listener: (value: T) => void): unknown;
    off(event: string, listener: (value: T) => void): unknown;
  },
  event: string,
  options: WaitOptions & { readonly predicate?: (value: T) => boolean } = {},
): Promise<T> {
  return nextEvent<T>(
    (listener) => {
      emitter.on(event, listener);
      return () => {
        emitter.off(event, listener);
      };
    },
    { ...options, message: options.message ?? `event '${event}'` },
  );
}

/** Collects every value a subscription delivers, for later assertions. Call `stop()` to unsubscribe. */
export function collect<T>(subscribe: (listener: (value: T) => void) => () => void): { readonly values: T[]; stop(): void } {
  const values: T[] = [];
  const stop = subscribe((value) => values.push(value));
  return { values, stop };
}

/** Parses a WebSocket message as JSON; non-JSON text is returned as the raw string. */
export function parseMessage(data: unknown): unknown {
  const text = Buffer.isBuffer(data)
    ? data.toString('utf8')
    : Array.isArray(data)
      ? Buffer.concat(data as Buffer[]).toString('utf8')
      : String(data);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * Resolves with the next message on `ws` (parsed as JSON when possible) that satisfies `predicate`,
 * received after the call; rejects after `timeoutMs` or when the socket closes first.
 */
export function nextMessage<T = unknown>(
  ws: WebSocket,
  predicate: (message: unknown) => boolean = () => true,
  timeoutMs = 2000,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onMessage = (data: unknown): void => {
      const msg = parseMessage(data);
      if (!predicate(msg)) return;
      cleanup();
      resolve(msg as T);
    };
    const onClose = (): void => {
      cleanup();
      reject(new Error('socket closed before the expected message'));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`nextMessage timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    const cleanup = (): void => {
      clearTimeout(timer);
      ws.off('message', onMessage);
      ws.off('close', onClose);
    };
    ws.on('message', onMessage);
    ws.on('close', onClose);
  });
}
