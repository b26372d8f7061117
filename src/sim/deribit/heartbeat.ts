/**
 * Server-side heartbeats after public/set_heartbeat: every half interval the server alternates a
 * plain `heartbeat` beat and a `test_request`; a test_request not answered with public/test within
 * one interval closes the connection (Deribit drops clients that ignore it).
 */

export interface HeartbeatHooks {
  send(type: 'heartbeat' | 'test_request'): void;
  /** Called once when a test_request went unanswered. */
  onMissed(): void;
}

export class Heartbeat {
  private timer: NodeJS.Timeout | undefined;
  private phase = 0;
  private awaitingTest = false;

  constructor(
    /** Real interval in ms (the requested seconds, possibly scaled for tests). */
    readonly intervalMs: number,
    private readonly hooks: HeartbeatHooks,
  ) {}

  start(): void {
    this.stop();
    const half = Math.max(1, Math.floor(this.intervalMs / 2));
    this.timer = setInterval(() => this.tick(), half);
  }

  private tick(): void {
    this.phase += 1;
    if (this.phase % 2 === 1) {
      this.hooks.send('heartbeat');
      return;
    }
    if (this.awaitingTest) {
      this.stop();
      this.hooks.onMissed();
      return;
    }
    this.awaitingTest = true;
    this.hooks.send('test_request');
  }

  /** A public/test arrived: the pending test_request is answered. */
  answered(): void {
    this.awaitingTest = false;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
