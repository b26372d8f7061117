/** Base class for every error the daemon raises on purpose: carries a stable `code`. */
export class DaemonError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The venue answered and said no (definite evidence). */
export class VenueRejectedError extends DaemonError {
  constructor(
    readonly venue: string,
    readonly venueCode: string,
    message: string,
    readonly method?: string,
  ) {
    super('VENUE_REJECTED', `${venue} rejected ${method ?? 'request'}: ${venueCode} ${message}`);
  }
}

/** We could not reach the venue or got no answer in time: the outcome is unknown. */
export class TransportError extends DaemonError {
  constructor(
    code: 'TIMEOUT' | 'DISCONNECTED' | 'NETWORK' | 'HTTP_5XX' | 'RATE_LIMITED' | 'NOT_CONNECTED',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}

/** A config file or environment value is wrong; `issues` names each key and its fix. */
export class ConfigError extends DaemonError {
  constructor(readonly issues: readonly string[]) {
    super('CONFIG_INVALID', `invalid configuration:\n${issues.map((i) => `  - ${i}`).join('\n')}`);
  }
}
