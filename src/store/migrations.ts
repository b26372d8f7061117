/**
 * Numbered schema migrations. Each runs once, in order, in its own transaction, and bumps
 * PRAGMA user_version. Never edit a shipped migration: add the next number.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'trades, legs, fills, audit, risk state, alert outbox',
    sql: `
      CREATE TABLE trades (
        id                TEXT PRIMARY KEY,
        venue             TEXT NOT NULL,
        symbol            TEXT NOT NULL,
        side              TEXT NOT NULL CHECK (side IN ('buy','sell')),
        size              TEXT NOT NULL,
        entry_type        TEXT NOT NULL CHECK (entry_type IN ('market','limit')),
        entry_price       TEXT,
        stop_price        TEXT NOT NULL,
        take_profit_price TEXT,
        state             TEXT NOT NULL,
        source            TEXT NOT NULL,
        label             TEXT,
        filled_size       TEXT NOT NULL DEFAULT '0',
        avg_entry_price   TEXT,
        realized_pnl      TEXT,
        close_reason      TEXT,
        created_at_ms     INTEGER NOT NULL,
        updated_at_ms     INTEGER NOT NULL,
        closed_at_ms      INTEGER
      ) STRICT;
      CREATE INDEX trades_state ON trades(state);
      CREATE INDEX trades_venue_state ON trades(venue, state);

      CREATE TABLE legs (
        client_id       TEXT PRIMARY KEY,
        trade_id        TEXT NOT NULL REFERENCES trades(id) ON DELETE CASCADE,
        kind            TEXT NOT NULL CHECK (kind IN ('entry','stop_loss','take_profit','close')),
        venue_order_id  TEXT,
        state           TEXT NOT NULL,
        side            TEXT NOT NULL CHECK (side IN ('buy','sell')),
        type            TEXT NOT NULL,
        size            TEXT NOT NULL,
        filled_size     TEXT NOT NULL DEFAULT '0',
        price           TEXT,
        trigger_price   TEXT,
        avg_fill_price  TEXT,
        created_at_ms   INTEGER NOT NULL,
        updated_at_ms   INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX legs_trade ON legs(trade_id);
      CREATE INDEX legs_venue_order ON legs(venue_order_id);

      CREATE TABLE fills (
        venue           TEXT NOT NULL,
        venue_trade_id  TEXT NOT NULL,
        venue_order_id  TEXT NOT NULL,
        client_id       TEXT,
        trade_id        TEXT REFERENCES trades(id) ON DELETE SET NULL,
        symbol          TEXT NOT NULL,
        side            TEXT NOT NULL CHECK (side IN ('buy','sell')),
        size            TEXT NOT NULL,
        price           TEXT NOT NULL,
        fee             TEXT NOT NULL,
        fee_currency    TEXT NOT NULL,
        ts_ms           INTEGER NOT NULL,
        PRIMARY KEY (venue, venue_trade_id)
      ) STRICT;
      CREATE INDEX fills_trade ON fills(trade_id);

      CREATE TABLE audit (
        id          INTEGER PRIMARY KEY AUTOINCREMENT,
        ts_ms       INTEGER NOT NULL,
        component   TEXT NOT NULL,
        action      TEXT NOT NULL,
        trade_id    TEXT,
        venue       TEXT,
        detail      TEXT
      ) STRICT;
      CREATE INDEX audit_trade ON audit(trade_id);

      CREATE TABLE settings (
        key           TEXT PRIMARY KEY,
        value         TEXT NOT NULL,
        updated_at_ms INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE alert_outbox (
        id            INTEGER PRIMARY KEY AUTOINCREMENT,
        severity      TEXT NOT NULL CHECK (severity IN ('critical','warning','info')),
        kind          TEXT NOT NULL,
        text          TEXT NOT NULL,
        created_at_ms INTEGER NOT NULL,
        sent_at_ms    INTEGER,
        attempts      INTEGER NOT NULL DEFAULT 0,
        last_error    TEXT
      ) STRICT;
      CREATE INDEX alert_outbox_pending ON alert_outbox(sent_at_ms, severity, id);
    `,
  },
  {
    version: 2,
    name: 'index trades by close time (daily P&L)',
    sql: `CREATE INDEX trades_closed_at ON trades(closed_at_ms) WHERE closed_at_ms IS NOT NULL;`,
  },
  {
    version: 3,
    name: 'alert outbox: per-chat delivery (an alert acknowledged by one chat is never sent to it again)',
    sql: `ALTER TABLE alert_outbox ADD COLUMN delivered_chat_ids TEXT NOT NULL DEFAULT '[]';`,
  },
  {
    version: 4,
    name: 'signals seen by the entry sources (idempotency by signal id)',
    sql: `
      CREATE TABLE signals (
        source         TEXT NOT NULL,
        id             TEXT NOT NULL,
        received_at_ms INTEGER NOT NULL,
        result         TEXT,
        trade_id       TEXT,
        finished_at_ms INTEGER,
        PRIMARY KEY (source, id)
      ) STRICT;
    `,
  },
];
