/** The one fixture loader (test/support/load-fixture.ts): the shared folder for every venue, a clear error otherwise. */
import { describe, expect, it } from 'vitest';

import { fixtureNames, loadFixture, loadFixtureObject } from '../support/load-fixture.js';

describe('loadFixture', () => {
  it('reads every venue from ../shared/venues/fixtures/<venue>/', () => {
    expect(loadFixtureObject('deribit', 'ws_public_test_response.json')).toMatchObject({ jsonrpc: '2.0' });
    expect(fixtureNames('okx')).toContain('ws_login_ok.json');
    expect(fixtureNames('bybit')).toContain('ws_auth_ok.json');
  });

  it('names both folders and the likely cause when a fixture is missing', () => {
    expect(() => loadFixture('deribit', 'no_such_fixture.json')).toThrow(
      /deribit\/no_such_fixture\.json not found .*\.\.\/shared beside the repository/,
    );
  });
});
