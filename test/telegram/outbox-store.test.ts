/** The alert outbox's per-chat delivery in the store (migration 3). */
import { describe, expect, it } from 'vitest';

import { SqliteStore } from '../../src/store/sqlite-store.js';

describe('alert outbox per-chat delivery (migration 3)', () => {
  it('records the chats that acknowledged an alert, once each, and counts pending alerts', () => {
    const store = new SqliteStore({ path: ':memory:' });
    try {
      const id = store.enqueueAlert({ severity: 'critical', kind: 'kill_switch', text: 'x', createdAtMs: 1 });
      store.enqueueAlert({ severity: 'info', kind: 'trade_opened', text: 'y', createdAtMs: 2 });
      expect(store.countPendingAlerts()).toBe(2);
      expect(store.alertDeliveredChats(id)).toEqual([]);
      store.markAlertDelivered(id, 11);
      store.markAlertDelivered(id, 11);
      store.markAlertDelivered(id, -22);
      expect(store.alertDeliveredChats(id)).toEqual([11, -22]);
      store.markAlertSent(id, 5);
      expect(store.countPendingAlerts()).toBe(1);
      expect(store.alertDeliveredChats(999)).toEqual([]);
    } finally {
      store.close();
    }
  });
});
