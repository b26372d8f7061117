/** OKX shorthands over the one fixture loader (test/support/load-fixture.ts), which reads ../shared/venues/fixtures/okx/. */
import { fixtureNames, loadFixture, loadFixtureObject, loadFixtureText } from '../../support/load-fixture.js';

/** The names of every `.json` OKX fixture, sorted. */
export function okxFixtureNames(): string[] {
  return fixtureNames('okx').filter((name) => name.endsWith('.json'));
}

/** The raw text of one OKX fixture (captures are byte-exact one-liners). */
export function okxFixtureText(name: string): string {
  return loadFixtureText('okx', name);
}

/** One OKX fixture, JSON-parsed. */
export function okxFixture(name: string): unknown {
  return loadFixture('okx', name);
}

/** The `data` array of an OKX push or reply fixture. */
export function okxFixtureData(name: string): unknown[] {
  const data = loadFixtureObject('okx', name).data;
  if (!Array.isArray(data)) throw new Error(`okx fixture ${name} has no data array`);
  return data as unknown[];
}
