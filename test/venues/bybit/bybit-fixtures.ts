/** Bybit shorthands over the one fixture loader (test/support/load-fixture.ts), which reads ../shared/venues/fixtures/bybit/. */
import { fixtureNames, loadFixture, loadFixtureObject, loadFixtureText } from '../../support/load-fixture.js';

/** The names of every `.json` Bybit fixture, sorted. */
export function bybitFixtureNames(): string[] {
  return fixtureNames('bybit').filter((name) => name.endsWith('.json'));
}

export function bybitFixtureText(name: string): string {
  return loadFixtureText('bybit', name);
}

export function bybitFixture(name: string): unknown {
  return loadFixture('bybit', name);
}

export function bybitFixtureObject(name: string): Record<string, unknown> {
  return loadFixtureObject('bybit', name);
}

/** The `data` array of a private push fixture. */
export function bybitPushData(name: string): unknown[] {
  const data = loadFixtureObject('bybit', name).data;
  if (!Array.isArray(data)) throw new Error(`bybit fixture ${name} has no data array`);
  return data as unknown[];
}

/** The `result.list` of a REST fixture. */
export function bybitResultList(name: string): unknown[] {
  const result = loadFixtureObject('bybit', name).result as { list?: unknown } | undefined;
  if (!result || !Array.isArray(result.list)) throw new Error(`bybit fixture ${name} has no result.list`);
  return result.list as unknown[];
}
