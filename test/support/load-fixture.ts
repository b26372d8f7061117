/**
 * The one fixture loader: recorded venue payloads from `../shared/venues/fixtures/<venue>/` (the
 * spec's folder beside the clone, as in CI), falling back to `test/fixtures/<venue>/` for files
 * that exist only in this repository.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** `../shared/venues/fixtures/` beside the repository (this file is test/support/load-fixture.ts). */
const SHARED_FIXTURES_DIR = fileURLToPath(new URL('../../../shared/venues/fixtures/', import.meta.url));
/** `test/fixtures/`: fixtures that exist only in this repository. */
const LOCAL_FIXTURES_DIR = fileURLToPath(new URL('../fixtures/', import.meta.url));

/** The shared fixture folder of `venue` (for tests that list every fixture). */
export function fixtureDir(venue: string): string {
  return `${SHARED_FIXTURES_DIR}${venue}/`;
}

function fixturePath(venue: string, name: string): string {
  for (const dir of [fixtureDir(venue), `${LOCAL_FIXTURES_DIR}${venue}/`]) {
    if (existsSync(`${dir}${name}`)) return `${dir}${name}`;
  }
  throw new Error(
    `fixture ${venue}/${name} not found in ${fixtureDir(venue)} or ${LOCAL_FIXTURES_DIR}${venue}/ — is the shared folder checked out at ../shared beside the repository?`,
  );
}

/** Names of every fixture file of `venue` (shared and local), sorted. */
export function fixtureNames(venue: string): string[] {
  const names = new Set<string>();
  for (const dir of [fixtureDir(venue), `${LOCAL_FIXTURES_DIR}${venue}/`]) {
    if (existsSync(dir)) for (const name of readdirSync(dir)) names.add(name);
  }
  return [...names].sort();
}

/** Returns the raw text of fixture `name` of `venue`. */
export function loadFixtureText(venue: string, name: string): string {
  return readFileSync(fixturePath(venue, name), 'utf8');
}

/** Returns fixture `name` of `venue` parsed as JSON; `name` includes the extension (`ws_orders.json`). */
export function loadFixture(venue: string, name: string): unknown {
  return JSON.parse(loadFixtureText(venue, name)) as unknown;
}

/** Like loadFixture, for a fixture that holds one JSON object (a whole envelope). */
export function loadFixtureObject(venue: string, name: string): Record<string, unknown> {
  const value = loadFixture(venue, name);
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error(`fixture ${venue}/${name} does not hold a JSON object`);
  return value as Record<string, unknown>;
}
