/** The daemon as a child process of the chaos run (dist/src/main.js, the real config loader, a scratch dir). */
import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';

import { countSecrets } from './checks.js';

export interface DaemonLine {
  readonly raw: string;
  readonly json: Record<string, unknown> | undefined;
}

export interface DaemonOptions {
  readonly entry: string;
  readonly cwd: string;
  readonly configDir: string;
  readonly env: Record<string, string>;
  readonly secrets: readonly string[];
  /** stdout and stderr of every run are appended here (the run's own record). */
  readonly transcript: WriteStream;
}

/** One start of the daemon. */
export class DaemonRun {
  readonly child: ChildProcess;
  readonly startedAtMs = Date.now();
  webhookUrl: string | undefined;
  healthUrl: string | undefined;
  entriesAccepted = false;
  /** Why the runner stopped it, if it did: an exit after this is not a crash. */
  stoppedBy: 'SIGKILL' | 'SIGTERM' | undefined;
  exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  criticalAlerts = 0;
  /** ALERT lines saying the kill switch went on. */
  killSwitchAlerts = 0;
  secretHits = 0;
  errorLines = 0;
  stderrText = '';
  private readonly listeners: Array<(line: DaemonLine) => void> = [];

  constructor(
    private readonly options: DaemonOptions,
    readonly index: number,
    extraArgs: readonly string[] = [],
  ) {
    this.child = spawn(process.execPath, [options.entry, '--config-dir', options.configDir, ...extraArgs], {
      cwd: options.cwd,
      env: { PATH: process.env.PATH ?? '', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let partial = '';
    this.child.stdout?.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      options.transcript.write(text);
      partial += text;
      const lines = partial.split('\n');
      partial = lines.pop() ?? '';
      for (const raw of lines) this.onLine(raw);
    });
    this.child.stderr?.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      options.transcript.write(`[stderr #${index}] ${text}`);
      this.stderrText += text;
      this.secretHits += countSecrets(text, options.secrets);
    });
    this.exited = new Promise((resolve) => {
      this.child.on('exit', (code, signal) => {
        if (partial) this.onLine(partial);
        partial = '';
        this.exit = { code, signal };
        resolve(this.exit);
      });
    });
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  onLog(listener: (line: DaemonLine) => void): void {
    this.listeners.push(listener);
  }

  /** Resolves with the first line matching `predicate` (false if the process exits or the deadline passes first). */
  waitForLine(predicate: (json: Record<string, unknown>) => boolean, timeoutMs: number): Promise<Record<string, unknown> | undefined> {
    return new Promise((resolve) => {
      let done = false;
      const finish = (v: Record<string, unknown> | undefined) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        resolve(v);
      };
      const timer = setTimeout(() => finish(undefined), timeoutMs);
      this.onLog((l) => {
        if (l.json && predicate(l.json)) finish(l.json);
      });
      void this.exited.then(() => finish(undefined));
    });
  }

  kill(signal: 'SIGKILL' | 'SIGTERM'): void {
    if (!this.running) return;
    this.stoppedBy = signal;
    this.child.kill(signal);
  }

  /** An exit the runner did not cause, or a non-zero exit after SIGTERM. */
  isCrash(): boolean {
    if (!this.exit) return false;
    if (this.stoppedBy === 'SIGKILL') return false;
    if (this.stoppedBy === 'SIGTERM') return this.exit.code !== 0;
    return true;
  }

  private onLine(raw: string): void {
    if (raw.trim() === '') return;
    this.secretHits += countSecrets(raw, this.options.secrets);
    let json: Record<string, unknown> | undefined;
    try {
      const parsed: unknown = JSON.parse(raw);
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) json = parsed as Record<string, unknown>;
    } catch {
      json = undefined;
    }
    if (json) {
      const msg = typeof json.msg === 'string' ? json.msg : '';
      if (msg === 'webhook listening for entry signals (put TLS in front of it before exposing it)') this.webhookUrl = String(json.url);
      if (msg === 'health endpoint listening') this.healthUrl = String(json.url);
      if (msg === 'start-up reconciliation finished; entries accepted') this.entriesAccepted = true;
      if (json.severity === 'critical' && msg.startsWith('ALERT ')) this.criticalAlerts += 1;
      if (msg.startsWith('ALERT Kill switch ON')) this.killSwitchAlerts += 1;
      if (json.level === 'error' || json.level === 'fatal') this.errorLines += 1;
    }
    const line = { raw, json };
    for (const l of this.listeners) l(line);
  }
}

export function openTranscript(path: string): WriteStream {
  return createWriteStream(path, { flags: 'a' });
}
