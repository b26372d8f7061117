/** The simulator's pure matching engine: public surface. */
export { SimEngine, defaultTriggerDirection } from './engine.js';
export type { EditOrderRequest, EngineOptions, OrderFilter, OrderResult, PlaceOrderRequest } from './engine.js';
export { buildCatalogue, dateCode, listExpiries, next0800, onTick, roundToTick, tickAt, unitValue, PERPETUAL_EXPIRY_MS } from './instruments.js';
export type { CatalogueOptions } from './instruments.js';
export { bybitCatalogue, okxCatalogue, venueCatalogue } from './catalogues.js';
export { coinSizeOf, contractQuantity, feeFor, notionalOf, pnlOf } from './accounting.js';
export { Prng } from './prng.js';
export * from './types.js';
