/** logging.pretty is for a terminal: no colour codes reach a pipe (docker logs) or the log file. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { prettyOptions } from '../../src/runtime/logger.js';
import { DAEMON_ENTRY, scratchDir, startProcess, testConfig } from '../support/daemon-process.js';
import { waitFor } from '../support/wait.js';

const ESC = '\u001b[';

describe('pretty logs', () => {
  it('colours only on a terminal', () => {
    expect(prettyOptions(true).colorize).toBe(true);
    expect(prettyOptions(false).colorize).toBe(false);
  });

  it('a daemon with logging.pretty writes no colour codes to piped stdout or to the log file', async () => {
    const base = testConfig();
    const { dir, configDir } = scratchDir({ ...base, logging: { ...(base.logging as object), pretty: true } });
    const p = startProcess([DAEMON_ENTRY, '--config-dir', configDir], { cwd: dir });
    await waitFor(() => p.stdout().includes('daemon running'), { timeoutMs: 10_000, message: 'daemon running' });
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
    expect(p.stdout()).toContain('daemon running');
    expect(p.stdout()).not.toContain(ESC);
    const file = readFileSync(join(dir, 'logs', 'daemon.log'), 'utf8');
    expect(file).toContain('"msg":"daemon running"');
    expect(file).not.toContain(ESC);
  });
});
