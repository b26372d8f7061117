/** Moved to src/sim/telegram/fake-bot-api.ts (the compiled chaos runner uses it too). */
export * from '../../src/sim/telegram/fake-bot-api.js';
