/** Bybit-shaped ids for the shared engine: UUIDs for orders, trigger orders and executions (as v5 linear/inverse `orderId`/`execId`). */
import { randomUUID } from 'node:crypto';

import type { IdScheme } from '../engine/types.js';

export class BybitIds implements IdScheme {
  order(): string {
    return randomUUID();
  }

  trigger(): string {
    return randomUUID();
  }

  trade(): string {
    return randomUUID();
  }
}

/** Private/trade-stream `conn_id` shaped like Bybit's (`cejreaspqfh3sjdnldmg-p`): 20 base32 chars, a dash, a short suffix. */
export function privateConnId(seq: number): string {
  const alphabet = 'abcdefghijklmnopqrstuv0123456789';
  const body = [...randomUUID().replace(/-/g, '')]
    .slice(0, 20)
    .map((c) => alphabet.charAt(parseInt(c, 16) * 2))
    .join('');
  return `${body}-${seq.toString(36)}`;
}

/** Public-stream `conn_id`: a UUID. */
export function publicConnId(): string {
  return randomUUID();
}
