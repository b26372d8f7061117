/** The periodic status line: what it says about venues, trades, reconciliation and alerts. */
import { describe, expect, it } from 'vitest';

import { statusLine } from '../../src/runtime/status-line.js';

const base = {
  venues: [{ id: 'deribit', state: 'ready', ready: true }],
  openTrades: 2,
  reconciliation: { startupDone: true, lastSuccessAtMs: 970_000, consecutiveFailures: 0, lastErrors: [] },
  telegram: { enabled: true, connected: true, outboxPending: 0 },
  killSwitch: false,
  paused: false,
  nowMs: 1_000_000,
};

describe('status line', () => {
  it('says in one line what an operator checks', () => {
    expect(statusLine(base).message).toBe(
      'status: venues deribit ready; 2 open trade(s); reconciliation ok 30s ago; telegram connected, 0 pending; entries allowed',
    );
  });

  it('shouts what is wrong', () => {
    const line = statusLine({
      ...base,
      venues: [{ id: 'deribit', state: 'reconnecting', ready: false }],
      reconciliation: { startupDone: true, lastSuccessAtMs: 400_000, consecutiveFailures: 4, lastErrors: ['deribit: timeout'] },
      telegram: { enabled: true, connected: false, outboxPending: 7 },
      killSwitch: true,
    }).message;
    expect(line).toBe(
      'status: venues deribit reconnecting; 2 open trade(s); reconciliation failing (4 in a row, last ok 10m ago); telegram NOT connected, 7 pending; KILL SWITCH ON',
    );
  });

  it('without Telegram says alerts go to the log', () => {
    expect(statusLine({ ...base, telegram: { enabled: false, connected: false, outboxPending: 0 } }).message).toContain(
      'telegram off (alerts to the log)',
    );
  });
});
