/** Every JSON-RPC method the simulated Deribit answers. */
import type { MethodTable } from '../context.js';
import { accountMethods } from './account.js';
import { marketDataMethods } from './market-data.js';
import { sessionMethods } from './session.js';
import { subscriptionMethods } from './subscriptions.js';
import { tradingMethods } from './trading.js';

export const METHODS: MethodTable = {
  ...sessionMethods,
  ...subscriptionMethods,
  ...marketDataMethods,
  ...tradingMethods,
  ...accountMethods,
};
