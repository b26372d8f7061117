/**
 * A Venue that passes everything through to the real adapter and notes when things happen, by
 * client id: the first event showing an order filled (push, or the answer to its own request),
 * and when the venue acknowledged a submit or a cancel. The OrderManager and PositionMonitor run
 * on it unchanged; the extra cost is one Map look-up per event.
 */
import { performance } from 'node:perf_hooks';

import type { CancelOutcome, CommandOutcome, OrderLookup } from '../domain/commands.js';
import type { ConnectionState, VenueEvent, VenueEventListener } from '../domain/events.js';
import type { Instrument } from '../domain/instrument.js';
import type { AmendRequest, OrderRef, OrderRequest, OrderSnapshot } from '../domain/order.js';
import type { ClockOffset, Venue } from '../domain/ports.js';
import type { Balance, Fill, Position } from '../domain/position.js';

export class TimedVenue implements Venue {
  /** Client id → performance.now() of the first sign it filled (any amount). */
  readonly filledAt = new Map<string, number>();
  /** Client id → performance.now() when the submit was handed to the adapter. */
  readonly submitSentAt = new Map<string, number>();
  /** Client id → performance.now() when the cancel was handed to the adapter. */
  readonly cancelSentAt = new Map<string, number>();
  /** Client id → performance.now() when the venue acknowledged the submit. */
  readonly submitAckAt = new Map<string, number>();
  /** Client id → performance.now() when the venue acknowledged the cancel. */
  readonly cancelAckAt = new Map<string, number>();

  /** Symbol → the last mark price a ticker brought (as a number). */
  readonly lastMark = new Map<string, number>();

  constructor(private readonly inner: Venue) {}

  get id(): string {
    return this.inner.id;
  }

  /** Forgets every timestamp (between samples). */
  clear(): void {
    this.filledAt.clear();
    this.submitSentAt.clear();
    this.cancelSentAt.clear();
    this.submitAckAt.clear();
    this.cancelAckAt.clear();
  }

  private noteFilled(clientId: string | undefined, at: number): void {
    if (clientId !== undefined && !this.filledAt.has(clientId)) this.filledAt.set(clientId, at);
  }

  private noteOrder(order: OrderSnapshot, at: number): void {
    if (order.filledSize.gt(0)) this.noteFilled(order.clientId, at);
  }

  private observe(event: VenueEvent): void {
    if (event.type === 'order') this.noteOrder(event.order, performance.now());
    else if (event.type === 'fill') this.noteFilled(event.fill.clientId, performance.now());
    else if (event.type === 'ticker' && event.ticker.mark !== undefined)
      this.lastMark.set(event.ticker.symbol, Number(event.ticker.mark.toString()));
  }

  subscribe(listener: VenueEventListener): () => void {
    return this.inner.subscribe((event) => {
      this.observe(event);
      listener(event);
    });
  }

  async submitOrder(request: OrderRequest): Promise<CommandOutcome> {
    if (!this.submitSentAt.has(request.clientId)) this.submitSentAt.set(request.clientId, performance.now());
    const outcome = await this.inner.submitOrder(request);
    const at = performance.now();
    if (outcome.status === 'accepted') {
      if (!this.submitAckAt.has(request.clientId)) this.submitAckAt.set(request.clientId, at);
      this.noteOrder({ ...outcome.order, clientId: outcome.order.clientId ?? request.clientId }, at);
    }
    return outcome;
  }

  async cancelOrder(ref: OrderRef, priority?: 'protective' | 'normal'): Promise<CancelOutcome> {
    if (ref.clientId !== undefined && !this.cancelSentAt.has(ref.clientId)) this.cancelSentAt.set(ref.clientId, performance.now());
    const outcome = await this.inner.cancelOrder(ref, priority);
    const at = performance.now();
    const clientId = ref.clientId ?? (outcome.status === 'accepted' ? outcome.order?.clientId : undefined);
    if (outcome.status === 'accepted' && clientId !== undefined && !this.cancelAckAt.has(clientId)) this.cancelAckAt.set(clientId, at);
    return outcome;
  }

  connect(): Promise<void> {
    return this.inner.connect();
  }
  disconnect(): Promise<void> {
    return this.inner.disconnect();
  }
  connectionState(): ConnectionState {
    return this.inner.connectionState();
  }
  isReady(): boolean {
    return this.inner.isReady();
  }
  netsPositions(symbol: string): boolean {
    return this.inner.netsPositions(symbol);
  }
  clockOffset(): ClockOffset | undefined {
    return this.inner.clockOffset();
  }
  nativeSymbol(symbol: string): string {
    return this.inner.nativeSymbol(symbol);
  }
  loadInstruments(): Promise<readonly Instrument[]> {
    return this.inner.loadInstruments();
  }
  instrument(symbol: string): Instrument | undefined {
    return this.inner.instrument(symbol);
  }
  amendOrder(request: AmendRequest): Promise<CommandOutcome> {
    return this.inner.amendOrder(request);
  }
  getOrder(ref: OrderRef): Promise<OrderLookup> {
    return this.inner.getOrder(ref);
  }
  openOrders(symbol?: string): Promise<readonly OrderSnapshot[]> {
    return this.inner.openOrders(symbol);
  }
  positions(): Promise<readonly Position[]> {
    return this.inner.positions();
  }
  balances(): Promise<readonly Balance[]> {
    return this.inner.balances();
  }
  fillsSince(sinceMs: number, symbol?: string): Promise<readonly Fill[]> {
    return this.inner.fillsSince(sinceMs, symbol);
  }
  watchTicker(symbol: string): Promise<void> {
    return this.inner.watchTicker(symbol);
  }
  unwatchTicker(symbol: string): Promise<void> {
    return this.inner.unwatchTicker(symbol);
  }
}
