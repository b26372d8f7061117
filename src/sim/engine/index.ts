/** The simulator's pure matching engine: public surface. */
export { coinSizeOf, contractQuantity, feeFor, notionalOf, pnlOf } from './accounting.js';
export { bybitCatalogue, okxCatalogue, venueCatalogue } from './catalogues.js';
export type { EditOrderRequest, EngineOptions, OrderFilter, OrderResult, PlaceOrderRequest } from './engine.js';
export { defaultTriggerDirection, SimEngine } from './engine.js';
export type { CatalogueOptions } from './instruments.js';
export {
  buildCatalogue,
  dateCode,
  listExpiries,
  next0800,
  onTick,
  PERPETUAL_EXPIRY_MS,
  roundToTick,
  tickAt,
  unitValue,
} from './instruments.js';
export { Prng } from './prng.js';
export * from './types.js';
