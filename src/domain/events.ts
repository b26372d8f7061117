/**
 * The normalized events a venue emits (ticker, order update, fill, position, connection state) and
 * the connection states.
 */
import type { OrderSnapshot } from './order.js';
import type { Balance, Fill, Position, Ticker } from './position.js';

/**
 * Named connection states of a venue session.
 * - `connecting`: socket opening
 * - `authenticating`: socket open, login sent, not yet acknowledged
 * - `ready`: logged in (or public-only) and subscribed
 * - `reconnecting`: lost; waiting out the backoff before the next attempt
 * - `stopped`: closed on purpose
 */
export type ConnectionState = 'idle' | 'connecting' | 'authenticating' | 'ready' | 'reconnecting' | 'stopped';

export type VenueEvent =
  | { readonly type: 'order'; readonly venue: string; readonly order: OrderSnapshot }
  | { readonly type: 'fill'; readonly venue: string; readonly fill: Fill }
  | { readonly type: 'position'; readonly venue: string; readonly position: Position }
  | { readonly type: 'balance'; readonly venue: string; readonly balance: Balance }
  | { readonly type: 'ticker'; readonly venue: string; readonly ticker: Ticker }
  | {
      readonly type: 'connection';
      readonly venue: string;
      readonly state: ConnectionState;
      readonly detail?: string;
    }
  /** Emitted after a reconnect once orders, fills and positions were re-read over REST. */
  | { readonly type: 'resynced'; readonly venue: string; readonly atMs: number };

export type VenueEventListener = (event: VenueEvent) => void;
