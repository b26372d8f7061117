/** The simulator's pure matching engine: public surface. */
export { SimEngine } from './engine.js';
export type { EditOrderRequest, EngineOptions, OrderFilter, OrderResult, PlaceOrderRequest } from './engine.js';
export { buildCatalogue, dateCode, listExpiries, next0800, onTick, roundToTick, tickAt, PERPETUAL_EXPIRY_MS } from './instruments.js';
export type { CatalogueOptions } from './instruments.js';
export { Prng } from './prng.js';
export * from './types.js';
