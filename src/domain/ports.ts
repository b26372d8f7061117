import type { CancelOutcome, CommandOutcome, OrderLookup } from './commands.js';
import type { ConnectionState, VenueEventListener } from './events.js';
import type { Instrument } from './instrument.js';
import type { AmendRequest, OrderRef, OrderRequest, OrderSnapshot } from './order.js';
import type { Balance, Fill, Position } from './position.js';

export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/**
 * A trading venue, venue-neutral. The OrderManager and PositionMonitor see only this.
 * connect()/disconnect() are safe to call more than once.
 */
export interface Venue {
  readonly id: string;
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  connectionState(): ConnectionState;
  /** True when the session is connected and, if it trades, logged in. */
  isReady(): boolean;

  loadInstruments(): Promise<readonly Instrument[]>;
  instrument(symbol: string): Instrument | undefined;

  submitOrder(request: OrderRequest): Promise<CommandOutcome>;
  cancelOrder(ref: OrderRef, priority?: 'protective' | 'normal'): Promise<CancelOutcome>;
  amendOrder(request: AmendRequest): Promise<CommandOutcome>;
  /** Look an order up by venue id or client id (used to settle unknown outcomes). */
  getOrder(ref: OrderRef): Promise<OrderLookup>;

  openOrders(symbol?: string): Promise<readonly OrderSnapshot[]>;
  positions(): Promise<readonly Position[]>;
  balances(): Promise<readonly Balance[]>;
  fillsSince(sinceMs: number, symbol?: string): Promise<readonly Fill[]>;

  /** Market data is subscribed lazily: only symbols someone asked for. */
  watchTicker(symbol: string): Promise<void>;
  unwatchTicker(symbol: string): Promise<void>;

  subscribe(listener: VenueEventListener): () => void;
}
