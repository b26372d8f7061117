/** A small typed event emitter whose listeners cannot break the emitter: a throwing listener is logged, not propagated. */
import type { Logger } from 'pino';

/** Event name -> payload type. */
export type EventMap = { readonly [event: string]: unknown };

export type Listener<T> = (payload: T) => void;

/**
 * Emits typed events to listeners in registration order. A listener that throws is reported to
 * the logger (event name and error) and the remaining listeners still run: a bug in one handler
 * must not take the connection down with it.
 */
export class TypedEmitter<Events extends EventMap> {
  private readonly listeners = new Map<keyof Events, Set<Listener<never>>>();

  constructor(private readonly emitterLogger: Logger) {}

  /** Adds a listener and returns a function that removes it. */
  on<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener as Listener<never>);
    return () => this.off(event, listener);
  }

  /** Adds a listener that runs for the first matching event only. */
  once<K extends keyof Events>(event: K, listener: Listener<Events[K]>): () => void {
    const off = this.on(event, (payload) => {
      off();
      listener(payload);
    });
    return off;
  }

  off<K extends keyof Events>(event: K, listener: Listener<Events[K]>): void {
    this.listeners.get(event)?.delete(listener as Listener<never>);
  }

  listenerCount<K extends keyof Events>(event: K): number {
    return this.listeners.get(event)?.size ?? 0;
  }

  protected emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    const set = this.listeners.get(event);
    if (!set || set.size === 0) return;
    if (set.size === 1) {
      // The common single-listener case allocates nothing (no copy of the set).
      for (const listener of set) {
        this.invoke(event, listener as Listener<Events[K]>, payload);
        break;
      }
      return;
    }
    // The copy keeps a listener added during this emit from seeing it.
    for (const listener of [...set]) this.invoke(event, listener as Listener<Events[K]>, payload);
  }

  private invoke<K extends keyof Events>(event: K, listener: Listener<Events[K]>, payload: Events[K]): void {
    try {
      listener(payload);
    } catch (err) {
      this.emitterLogger.error(
        { err, event: String(event) },
        `a '${String(event)}' listener threw; the error was caught here and the other listeners still ran — fix the listener`,
      );
    }
  }
}
