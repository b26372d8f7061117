/** Messages between the bench and its simulator process (sim-host.ts). */

export interface SimHostStartOptions {
  /** Which simulator the process runs (default Deribit; OKX and Bybit ignore the option-chain knobs). */
  readonly venue?: 'deribit' | 'okx' | 'bybit';
  readonly seed: number;
  /** Random-walk step; 0 freezes prices (the latency bench moves them itself). */
  readonly priceStepMs: number;
  /** Ticker delivery period (100 ms: tickers at up to 10 Hz). */
  readonly flushIntervalMs: number;
  /** The venue's credit pools on (true) or off. */
  readonly rateLimits: boolean;
  /** Options chain size: strikes each side of spot, weekly expiries. */
  readonly strikesEachSide: number;
  readonly weeklies: number;
}

export type SimHostRequest = { readonly id: number } & (
  | { readonly op: 'start'; readonly options: SimHostStartOptions }
  /** Every response is sent this many ms after the request was executed (0: none). */
  | { readonly op: 'responseDelay'; readonly ms: number }
  | { readonly op: 'setMark'; readonly symbol: string; readonly price: string }
  | { readonly op: 'mark'; readonly symbol: string }
  | { readonly op: 'options' }
  | { readonly op: 'channels' }
  | { readonly op: 'close' }
);

export type SimHostReply = { readonly id: number } & (
  { readonly ok: true; readonly result: unknown } | { readonly ok: false; readonly error: string }
);

export interface SimEndpoints {
  readonly wsUrl: string;
  readonly restUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
}

/** The simulated OKX's endpoints and API key (`SimHost.startOkx`). */
export interface OkxSimEndpoints {
  readonly venue: 'okx';
  readonly restUrl: string;
  readonly wsPublicUrl: string;
  readonly wsPrivateUrl: string;
  readonly wsBusinessUrl: string;
  readonly apiKey: string;
  readonly secretKey: string;
  readonly passphrase: string;
}

/** The simulated Bybit's endpoints and API key (`SimHost.startBybit`). */
export interface BybitSimEndpoints {
  readonly venue: 'bybit';
  readonly restUrl: string;
  readonly wsPublicLinearUrl: string;
  readonly wsPublicInverseUrl: string;
  readonly wsPrivateUrl: string;
  readonly wsTradeUrl: string;
  readonly apiKey: string;
  readonly apiSecret: string;
}
