/** The log-only alerter: alerts become log lines when no Telegram bot token is configured. */
import type { Logger } from 'pino';

import type { Alerter } from '../domain/ports.js';
import type { AlertSeverity } from '../domain/trade.js';

const LEVEL: Record<AlertSeverity, 'error' | 'warn' | 'info'> = { critical: 'error', warning: 'warn', info: 'info' };

/** Alerts to the log only: what the daemon uses when no Telegram bot token is configured. */
export class LogAlerter implements Alerter {
  constructor(private readonly logger: Logger) {}

  send(alert: { readonly severity: AlertSeverity; readonly kind: string; readonly text: string; readonly venue?: string }): void {
    this.logger[LEVEL[alert.severity]](
      { alert: alert.kind, severity: alert.severity, ...(alert.venue ? { venue: alert.venue } : {}) },
      `ALERT ${alert.text}`,
    );
  }
}
