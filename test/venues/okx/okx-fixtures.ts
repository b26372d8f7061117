/** Loads the OKX payloads from ../shared/venues/fixtures/okx/ beside the repository (CI has ../shared beside the clone). */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The fixture folder: `<repo>/../shared/venues/fixtures/okx/`; `OKX_FIXTURES_DIR` overrides it. */
export const OKX_FIXTURES_DIR = process.env.OKX_FIXTURES_DIR ?? fileURLToPath(new URL('../../../../shared/venues/fixtures/okx/', import.meta.url));

/** The names of every `.json` fixture, sorted. */
export function okxFixtureNames(): string[] {
  return readdirSync(OKX_FIXTURES_DIR)
    .filter((name) => name.endsWith('.json'))
    .sort();
}

/** The raw text of one fixture (captures are byte-exact one-liners). */
export function okxFixtureText(name: string): string {
  return readFileSync(`${OKX_FIXTURES_DIR}${name}`, 'utf8');
}

/** One fixture, JSON-parsed. */
export function okxFixture(name: string): unknown {
  return JSON.parse(okxFixtureText(name)) as unknown;
}

/** The `data` array of a push or reply fixture. */
export function okxFixtureData(name: string): unknown[] {
  const parsed = okxFixture(name) as { data?: unknown };
  if (!Array.isArray(parsed.data)) throw new Error(`${name} has no data array`);
  return parsed.data as unknown[];
}
