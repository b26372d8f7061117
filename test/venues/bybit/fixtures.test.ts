/** Every Bybit fixture in ../shared/venues/fixtures/bybit/ (read through the one loader) parses as JSON and is used by a parser test in this folder. */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { fixtureDir } from '../../support/load-fixture.js';
import { bybitFixtureNames, bybitFixtureText } from './bybit-fixtures.js';

const testDir = fileURLToPath(new URL('./', import.meta.url));
const testSources = readdirSync(testDir)
  .filter((name) => name.endsWith('.test.ts') && name !== 'fixtures.test.ts')
  .map((name) => readFileSync(`${testDir}${name}`, 'utf8'))
  .join('\n');
const fixtures = bybitFixtureNames();

describe('bybit fixtures', () => {
  it('are all present, with their README', () => {
    expect(fixtures.length).toBe(31);
    expect(readdirSync(fixtureDir('bybit'))).toContain('README.md');
  });

  it.each(fixtures)('%s is JSON and used by a parser test', (name) => {
    expect(() => JSON.parse(bybitFixtureText(name)) as unknown).not.toThrow();
    expect(testSources).toContain(`'${name}'`);
  });
});
