/** What flattening reports (FlattenReport) and who does it (Flattener): the kill switch asks, the OrderManager flattens. */

/** What a flatten did, trade by trade and order by order. */
export interface FlattenReport {
  readonly reason: string;
  /** Trades closed (or found already flat). */
  readonly closedTrades: readonly string[];
  /** Trades that could not be closed, with why. */
  readonly failedTrades: readonly { readonly tradeId: string; readonly error: string }[];
  /** Our orders cancelled on the venues (client ids). */
  readonly cancelledOrders: readonly string[];
  /** Our orders that could not be cancelled. */
  readonly failedCancels: readonly { readonly venue: string; readonly clientId: string; readonly error: string }[];
  /** True when the API confirmed no daemon position and no daemon order remains. */
  readonly flat: boolean;
  /** Close / cancel / verify rounds used. */
  readonly rounds: number;
}

/** Who flattens: the OrderManager's closeAll. */
export interface Flattener {
  closeAll(reason: string): Promise<FlattenReport>;
}
