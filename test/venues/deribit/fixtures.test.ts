/** Every Deribit fixture (../shared/venues/fixtures/deribit) parsed by the adapter's pure parsers. */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { fixtureDir, fixtureNames, loadFixture } from '../../support/load-fixture.js';

const testDir = fileURLToPath(new URL('./', import.meta.url));
const fixtures = fixtureNames('deribit').filter((name) => name.endsWith('.json'));
const testSources = readdirSync(testDir)
  .filter((name) => name.endsWith('.test.ts') && name !== 'fixtures.test.ts')
  .map((name) => readFileSync(`${testDir}${name}`, 'utf8'))
  .join('\n');

describe('deribit fixtures', () => {
  it('are all present, with their README', () => {
    expect(fixtures.length).toBe(33);
    expect(readdirSync(fixtureDir('deribit'))).toContain('README.md');
  });

  it.each(fixtures)('%s is one JSON-RPC envelope used by a parser test', (name) => {
    const envelope = loadFixture('deribit', name);
    expect(envelope).toMatchObject({ jsonrpc: '2.0' });
    expect(testSources).toContain(`'${name}'`);
  });
});
