/**
 * Bybit v5 WebSocket streams and topics (bybit.md §1, §5): which path serves what, and the topic
 * names the simulator publishes (`tickers.{symbol}` on the public category streams; `order`,
 * `execution`, `position`, `wallet` and their per-category forms on the private stream).
 */
export type WsKind = 'public-linear' | 'public-inverse' | 'private' | 'trade';

export const WS_PATHS: Readonly<Record<string, WsKind>> = {
  '/v5/public/linear': 'public-linear',
  '/v5/public/inverse': 'public-inverse',
  '/v5/private': 'private',
  '/v5/trade': 'trade',
};

export function isPublic(kind: WsKind): boolean {
  return kind === 'public-linear' || kind === 'public-inverse';
}

export const PRIVATE_TOPICS = [
  'order',
  'order.linear',
  'order.inverse',
  'execution',
  'execution.linear',
  'execution.inverse',
  'position',
  'position.linear',
  'position.inverse',
  'wallet',
] as const;

export type PrivateTopic = (typeof PRIVATE_TOPICS)[number];

export function isPrivateTopic(topic: string): topic is PrivateTopic {
  return (PRIVATE_TOPICS as readonly string[]).includes(topic);
}

/** The symbol of a `tickers.{symbol}` topic, or undefined. */
export function tickerSymbol(topic: string): string | undefined {
  return topic.startsWith('tickers.') ? topic.slice('tickers.'.length) : undefined;
}

/** The private topics a push of `family` (`order`…) in `category` goes to. */
export function topicsFor(family: 'order' | 'execution' | 'position', category: 'linear' | 'inverse'): string[] {
  return [family, `${family}.${category}`];
}
