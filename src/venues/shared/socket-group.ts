/** Owns the N reconnecting sockets of one venue (each with its own login gate, keepalive and topics) and derives one connection state and health for the Venue port. */
import type { Logger } from 'pino';

import type { ConnectionState } from '../../domain/events.js';
import type { ReconnectingSocket, StateChange } from './reconnecting-socket.js';
import { TypedEmitter } from './typed-emitter.js';

/**
 * One socket of the group, with whatever owns its session: a bare ReconnectingSocket (see
 * `socketMember`) or a venue client around one (Deribit's `DeribitWsClient` has this shape), so
 * that stopping it also stops the client's own timers and pending requests.
 */
export interface SocketMember {
  readonly socket: ReconnectingSocket;
  start(): void;
  stop(): Promise<void>;
}

/** Wraps a bare socket as a member. */
export function socketMember(socket: ReconnectingSocket): SocketMember {
  return { socket, start: () => socket.start(), stop: () => socket.close() };
}

/**
 * - `essential`: the venue cannot trade or protect positions without it (OKX private and business,
 *   Bybit private and trade, Deribit's trading connection); the venue is only as ready as the least
 *   ready essential socket.
 * - `auxiliary`: market data the venue can lose for a while (OKX public, Bybit public per category,
 *   Deribit's extra market-data connections); while one is down the venue is `degraded`, not down.
 */
export type SocketRole = 'essential' | 'auxiliary';

/** `connected`: every socket ready; `degraded`: every essential one ready, some auxiliary not; `down`: an essential one is not ready. */
export type GroupHealth = 'connected' | 'degraded' | 'down';

/** One socket's part of the group's state. */
export interface MemberState {
  readonly key: string;
  readonly role: SocketRole;
  readonly state: ConnectionState;
}

/** The typed event map of SocketGroup. */
export type SocketGroupEvents = {
  /** The derived connection state changed; `member` is the socket whose change caused it. */
  readonly state: StateChange & { readonly member: string };
  /** The derived health changed. */
  readonly health: { readonly from: GroupHealth; readonly to: GroupHealth; readonly member: string };
  /** Any member's state changed (whether or not the derived state did). */
  readonly member: StateChange & { readonly member: string; readonly role: SocketRole };
};

interface Entry {
  readonly key: string;
  readonly role: SocketRole;
  readonly member: SocketMember;
  readonly unsubscribe: () => void;
}

/** How far along the way to 'ready' a state is: the group is as far as its least advanced essential socket. */
const PROGRESS: Readonly<Record<ConnectionState, number>> = {
  stopped: 0,
  idle: 1,
  reconnecting: 2,
  connecting: 3,
  authenticating: 4,
  ready: 5,
};

/**
 * A venue's sockets under one name. Members keep their own connection lifecycle (reconnect,
 * keepalive, login gate, resubscribe); the group starts and stops them together, adds and removes
 * them at run time (Deribit opens market-data connections for wide option chains), and derives:
 * - `state()`: the least advanced state of the essential members (`idle` with none), which is
 *   what the Venue port reports and emits as connection events;
 * - `health()`: connected / degraded / down, auxiliary members counting only towards `degraded`.
 */
export class SocketGroup extends TypedEmitter<SocketGroupEvents> {
  private readonly entries = new Map<string, Entry>();
  private derived: ConnectionState = 'idle';
  private derivedHealth: GroupHealth = 'down';

  constructor(
    readonly name: string,
    private readonly log: Logger,
  ) {
    super(log);
  }

  /**
   * Adds a member under a unique key (`private`, `business`, `public.linear`, `deribit.md1`). It is
   * not started here: call its `start()` (or the group's) when the venue is running.
   */
  add(key: string, member: SocketMember, role: SocketRole): void {
    if (this.entries.has(key)) throw new RangeError(`${this.name}: a socket named ${key} is already in the group`);
    const unsubscribe = member.socket.on('state', (change) => this.onMemberState(key, role, change));
    this.entries.set(key, { key, role, member, unsubscribe });
    this.recompute(key, undefined);
  }

  /** Takes a member out (first, so nothing new lands on it) and stops it. */
  async remove(key: string): Promise<void> {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    entry.unsubscribe();
    this.recompute(key, undefined);
    await entry.member.stop();
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** Member keys in the order they were added. */
  keys(): string[] {
    return [...this.entries.keys()];
  }

  /** The member's socket, or undefined. */
  socket(key: string): ReconnectingSocket | undefined {
    return this.entries.get(key)?.member.socket;
  }

  /** Starts every member (each is a no-op when already running). */
  start(): void {
    for (const { member } of this.entries.values()) member.start();
  }

  /** Stops every member; they stay in the group, so a later `start()` brings them back with their topics. */
  async stop(): Promise<void> {
    await Promise.all([...this.entries.values()].map(({ member }) => member.stop()));
  }

  /** The derived connection state (see the class comment). */
  state(): ConnectionState {
    return this.derived;
  }

  /** True when every essential member is ready. */
  isReady(): boolean {
    return this.derived === 'ready';
  }

  health(): GroupHealth {
    return this.derivedHealth;
  }

  /** Every member's state, for health detail and logs. */
  members(): MemberState[] {
    return [...this.entries.values()].map(({ key, role, member }) => ({ key, role, state: member.socket.state }));
  }

  /**
   * Resolves when every essential member is ready. Rejects like `ReconnectingSocket.whenReady` (each
   * member applies `timeoutMs` and `signal` itself), naming the first member that failed.
   */
  async whenReady(options: { readonly timeoutMs?: number; readonly signal?: AbortSignal } = {}): Promise<void> {
    await Promise.all([...this.entries.values()].filter((e) => e.role === 'essential').map((e) => e.member.socket.whenReady(options)));
  }

  private onMemberState(key: string, role: SocketRole, change: StateChange): void {
    this.emit('member', { ...change, member: key, role });
    this.recompute(key, change.reason);
  }

  private recompute(member: string, reason: string | undefined): void {
    let state: ConnectionState | undefined;
    let auxiliaryDown = false;
    for (const { role, member: m } of this.entries.values()) {
      const s = m.socket.state;
      if (role === 'auxiliary') {
        if (s !== 'ready') auxiliaryDown = true;
      } else if (state === undefined || PROGRESS[s] < PROGRESS[state]) {
        state = s;
      }
    }
    const to = state ?? 'idle';
    const health: GroupHealth = to !== 'ready' ? 'down' : auxiliaryDown ? 'degraded' : 'connected';
    const from = this.derived;
    this.derived = to;
    if (from !== to) {
      this.log.debug({ group: this.name, from, to, member, reason }, 'socket group state change');
      this.emit('state', reason === undefined ? { from, to, member } : { from, to, reason, member });
    }
    const fromHealth = this.derivedHealth;
    this.derivedHealth = health;
    if (fromHealth !== health) {
      // Each socket logs its own losses; this line says what they add up to.
      const notReady = this.members()
        .filter((m) => m.state !== 'ready')
        .map((m) => `${m.key}=${m.state}`);
      this.log.info(
        { group: this.name, from: fromHealth, to: health, member, notReady },
        health === 'degraded'
          ? `${this.name} sockets degraded: an auxiliary (market-data) socket is not ready; trading carries on, its topics return after its reconnect`
          : `${this.name} sockets ${health}`,
      );
      this.emit('health', { from: fromHealth, to: health, member });
    }
  }
}
