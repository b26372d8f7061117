/** The ordered, time-bounded stop on SIGTERM/SIGINT. */
import type { Logger } from 'pino';

export interface StopStep {
  readonly name: string;
  readonly run: () => Promise<void> | void;
}

/**
 * Ordered stop: steps run one after another in the order they were added (stop intake first,
 * close the database last). The whole sequence is bounded: past the deadline the remaining
 * steps are skipped and the caller exits non-zero.
 */
export class Shutdown {
  private readonly steps: StopStep[] = [];
  private running: Promise<boolean> | undefined;

  constructor(
    private readonly logger: Logger,
    private readonly timeoutMs: number,
  ) {}

  add(name: string, run: StopStep['run']): void {
    this.steps.push({ name, run });
  }

  get started(): boolean {
    return this.running !== undefined;
  }

  /** Resolves true when every step finished in time. Safe to call more than once. */
  run(reason: string): Promise<boolean> {
    this.running ??= this.execute(reason);
    return this.running;
  }

  private async execute(reason: string): Promise<boolean> {
    const started = Date.now();
    this.logger.info({ reason, timeoutMs: this.timeoutMs }, 'shutdown started');
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.timeoutMs);
    });
    let current = '';
    const sequence = (async () => {
      for (const step of this.steps) {
        current = step.name;
        try {
          await step.run();
        } catch (err) {
          this.logger.error({ err, step: step.name }, `shutdown step "${step.name}" failed; continuing with the next step`);
        }
      }
      return 'done' as const;
    })();
    const outcome = await Promise.race([sequence, deadline]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      this.logger.error(
        { step: current, timeoutMs: this.timeoutMs },
        `shutdown did not finish within ${this.timeoutMs} ms (stuck in "${current}"); exiting anyway`,
      );
      return false;
    }
    this.logger.info({ durationMs: Date.now() - started }, 'shutdown complete');
    return true;
  }
}
