/** The root logger: JSON lines, secrets redacted and scrubbed, size-rotated files. */
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { createRootLogger } from '../../src/runtime/logger.js';
import { createSecretScrubber } from '../../src/runtime/secret-scrubber.js';

const SECRETS = ['dR1b1t-s3cret-XYZ', 'okx-passphrase-Q"uote\\d', '7777777:AAH-telegram-token'];

function captureLogger(dir: string) {
  const lines: string[] = [];
  const root = createRootLogger({
    level: 'trace',
    secrets: SECRETS,
    file: { dir, name: 'daemon.log', maxBytes: 1024 * 1024, maxFiles: 2 },
    stdout: { write: (l: string) => void lines.push(l) },
  });
  return { root, lines };
}

describe('logger', () => {
  it('never writes a configured secret, by path or by value, to stdout or the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'log-'));
    const { root, lines } = captureLogger(dir);
    const log = root.logger.child({ component: 'test', venue: 'deribit' });
    log.info({ apiKey: 'k', clientSecret: SECRETS[0], nested: { passphrase: SECRETS[1] } }, 'credentials object');
    log.info({ params: { client_secret: SECRETS[0] } }, 'raw auth params');
    log.error({ err: new Error(`auth failed for secret ${SECRETS[0]}`) }, 'error path with the secret in the message');
    log.warn(`url https://api.telegram.org/bot${SECRETS[2]}/sendMessage failed`);
    log.warn({ frame: JSON.stringify({ op: 'login', args: [{ passphrase: SECRETS[1] }] }) }, 'raw frame as a string');
    log.debug({ headers: { authorization: `Basic ${Buffer.from(`id:${SECRETS[0]}`).toString('base64')}` } }, 'headers');
    root.close();

    const fileText = readFileSync(join(dir, 'daemon.log'), 'utf8');
    const stdoutText = lines.join('');
    for (const text of [stdoutText, fileText]) {
      expect(text.split('\n').filter(Boolean)).toHaveLength(6);
      for (const s of SECRETS) {
        expect(text).not.toContain(s);
        expect(text).not.toContain(JSON.stringify(s).slice(1, -1));
      }
      expect(text).toContain('[REDACTED]');
      expect(text).toContain('"component":"test"');
      expect(text).toContain('"venue":"deribit"');
    }
    // the error path keeps what happened, just not the secret
    expect(stdoutText).toContain('auth failed for secret [REDACTED]');
  });

  it('rotates the file by size and keeps at most maxFiles old files', () => {
    const dir = mkdtempSync(join(tmpdir(), 'log-'));
    const root = createRootLogger({
      level: 'info',
      secrets: [],
      file: { dir, name: 'd.log', maxBytes: 2_000, maxFiles: 2 },
      stdout: { write: () => undefined },
    });
    for (let i = 0; i < 100; i += 1) root.logger.info({ i, pad: 'x'.repeat(100) }, 'line');
    root.close();
    const files = readdirSync(dir).sort();
    expect(files).toEqual(['d.log', 'd.log.1', 'd.log.2']);
    for (const f of files) expect(readFileSync(join(dir, f)).length).toBeLessThanOrEqual(2_000 + 400);
    expect(existsSync(join(dir, 'd.log.3'))).toBe(false);
    // the newest line is in the current file
    expect(readFileSync(join(dir, 'd.log'), 'utf8')).toContain('"i":99');
  });

  it('scrubs raw, JSON-escaped, URL-encoded and base64 forms', () => {
    const scrub = createSecretScrubber(['a/b+c"d']);
    expect(scrub('x a/b+c"d y')).toBe('x [REDACTED] y');
    expect(scrub('x a/b+c\\"d y')).toBe('x [REDACTED] y');
    expect(scrub(`x ${encodeURIComponent('a/b+c"d')} y`)).toBe('x [REDACTED] y');
    expect(scrub('nothing here')).toBe('nothing here');
  });
});
