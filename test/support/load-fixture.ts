/** Loads a recorded venue payload from test/fixtures/<venue>/<name>. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const FIXTURES_DIR = fileURLToPath(new URL('../fixtures/', import.meta.url));

/** Returns the raw text of test/fixtures/<venue>/<name>. */
export function loadFixtureText(venue: string, name: string): string {
  return readFileSync(`${FIXTURES_DIR}${venue}/${name}`, 'utf8');
}

/** Returns test/fixtures/<venue>/<name> parsed as JSON; `name` includes the extension (`ws_orders.json`). */
export function loadFixture(venue: string, name: string): unknown {
  return JSON.parse(loadFixtureText(venue, name)) as unknown;
}
