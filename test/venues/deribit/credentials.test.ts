/** Deribit credentials: env var names, the signatures of the spec's worked examples, secrets that never serialize. */
import { inspect } from 'node:util';

import { describe, expect, it } from 'vitest';

import { ConfigError } from '../../../src/domain/errors.js';
import {
  basicAuthorizationHeader,
  buildClientSignatureAuthParams,
  buildRefreshTokenAuthParams,
  credentialsFromEnv,
  DERIBIT_CLIENT_ID_ENV,
  DERIBIT_CLIENT_SECRET_ENV,
  DeribitCredentials,
  generateNonce,
  restAuthorizationHeader,
  restSignature,
  sessionScope,
  wsAuthSignature,
} from '../../../src/venues/deribit/credentials.js';

// Worked examples from deribit.md section 2 (fake credentials).
const CLIENT_ID = 'EXAMPLE_ID';
const SECRET = 'c2VjcmV0LWZvci1kb2NzLW9ubHk';
const TS = 1735689600000;
const NONCE = 'q7f3k9zx';

describe('env var names', () => {
  it('are the documented ones', () => {
    expect(DERIBIT_CLIENT_ID_ENV).toBe('DERIBIT_CLIENT_ID');
    expect(DERIBIT_CLIENT_SECRET_ENV).toBe('DERIBIT_CLIENT_SECRET');
  });
});

describe('wsAuthSignature (spec 2.1)', () => {
  it('matches the worked example with empty data', () => {
    expect(wsAuthSignature(SECRET, TS, NONCE, '')).toBe('8f939581252d516260d974d522ba1925b330f18eb467867de77343c30e8e59e3');
    expect(wsAuthSignature(SECRET, TS, NONCE)).toBe('8f939581252d516260d974d522ba1925b330f18eb467867de77343c30e8e59e3');
  });

  it('matches the worked example with data "daemon-1"', () => {
    expect(wsAuthSignature(SECRET, TS, NONCE, 'daemon-1')).toBe('db0acd86bf256bd4a21bb2ce3ecab98dc971286ee922b6a24c4ef4a24568f5ce');
  });

  it("matches the official docs' AMANDASECRECT vector", () => {
    expect(wsAuthSignature('AMANDASECRECT', 1576074319000, '1iqt2wls', '')).toBe(
      '56590594f97921b09b18f166befe0d1319b198bbcdad7ca73382de2f88fe9aa1',
    );
  });
});

describe('buildClientSignatureAuthParams', () => {
  it('produces the documented public/auth params', () => {
    const params = buildClientSignatureAuthParams(new DeribitCredentials(CLIENT_ID, SECRET), TS, NONCE);
    expect(params).toEqual({
      grant_type: 'client_signature',
      client_id: 'EXAMPLE_ID',
      timestamp: 1735689600000,
      nonce: 'q7f3k9zx',
      data: '',
      signature: '8f939581252d516260d974d522ba1925b330f18eb467867de77343c30e8e59e3',
    });
  });

  it('signs data and adds scope when given', () => {
    const params = buildClientSignatureAuthParams(new DeribitCredentials(CLIENT_ID, SECRET), TS, NONCE, {
      data: 'daemon-1',
      scope: sessionScope('daemon', ['trade:read_write']),
    });
    expect(params.signature).toBe('db0acd86bf256bd4a21bb2ce3ecab98dc971286ee922b6a24c4ef4a24568f5ce');
    expect(params.data).toBe('daemon-1');
    expect(params.scope).toBe('session:daemon trade:read_write');
  });

  it('builds refresh params', () => {
    expect(buildRefreshTokenAuthParams('r1')).toEqual({ grant_type: 'refresh_token', refresh_token: 'r1' });
  });
});

describe('REST signature (spec 2.3)', () => {
  it('matches the GET worked example, header included', () => {
    const uri = '/api/v2/private/get_account_summary?currency=BTC';
    expect(restSignature(SECRET, 'GET', uri, '', TS, NONCE)).toBe('311b6e636ff84b872516547b602c9859bc4749d40b4531bd42347bb269f4a4f8');
    expect(restAuthorizationHeader(CLIENT_ID, SECRET, 'GET', uri, '', TS, NONCE)).toBe(
      'deri-hmac-sha256 id=EXAMPLE_ID,ts=1735689600000,sig=311b6e636ff84b872516547b602c9859bc4749d40b4531bd42347bb269f4a4f8,nonce=q7f3k9zx',
    );
  });

  it('upper-cases the method', () => {
    const uri = '/api/v2/private/get_account_summary?currency=BTC';
    expect(restSignature(SECRET, 'get', uri, '', TS, NONCE)).toBe('311b6e636ff84b872516547b602c9859bc4749d40b4531bd42347bb269f4a4f8');
  });

  it('matches the POST worked example', () => {
    const body = '{"jsonrpc":"2.0","id":1,"method":"private/get_positions","params":{"currency":"BTC","kind":"future"}}';
    expect(restSignature(SECRET, 'POST', '/api/v2/private/get_positions', body, TS, NONCE)).toBe(
      'ce25ba79451829d90d7c387a5303270d553ae3ee756d0bd3c2f1da3a70fd209a',
    );
    expect(restAuthorizationHeader(CLIENT_ID, SECRET, 'POST', '/api/v2/private/get_positions', body, TS, NONCE)).toBe(
      'deri-hmac-sha256 id=EXAMPLE_ID,ts=1735689600000,sig=ce25ba79451829d90d7c387a5303270d553ae3ee756d0bd3c2f1da3a70fd209a,nonce=q7f3k9zx',
    );
  });

  it('matches the Basic header example', () => {
    expect(basicAuthorizationHeader(new DeribitCredentials(CLIENT_ID, SECRET))).toBe(
      'Basic RVhBTVBMRV9JRDpjMlZqY21WMExXWnZjaTFrYjJOekxXOXViSGs=',
    );
  });
});

describe('DeribitCredentials', () => {
  const creds = new DeribitCredentials(CLIENT_ID, SECRET);

  it('keeps the secret out of JSON, inspect, String and spreads', () => {
    expect(JSON.stringify(creds)).toBe('{"clientId":"EXAMPLE_ID","clientSecret":"[REDACTED]"}');
    expect(JSON.stringify({ nested: { creds } })).not.toContain(SECRET);
    expect(inspect(creds)).not.toContain(SECRET);
    expect(inspect({ creds }, { depth: 5 })).not.toContain(SECRET);
    expect(String(creds)).not.toContain(SECRET);
    expect(JSON.stringify({ ...creds })).not.toContain(SECRET);
    expect(Object.keys(creds)).toEqual(['clientId']);
  });

  it('reveals the secret on request', () => {
    expect(creds.revealSecret()).toBe(SECRET);
  });

  it('rejects empty values', () => {
    expect(() => new DeribitCredentials('', SECRET)).toThrow(ConfigError);
    expect(() => new DeribitCredentials(CLIENT_ID, ' ')).toThrow(/DERIBIT_CLIENT_SECRET/);
  });
});

describe('credentialsFromEnv', () => {
  it('returns undefined when neither is set', () => {
    expect(credentialsFromEnv({})).toBeUndefined();
  });

  it('reads both variables', () => {
    const creds = credentialsFromEnv({ DERIBIT_CLIENT_ID: CLIENT_ID, DERIBIT_CLIENT_SECRET: SECRET });
    expect(creds?.clientId).toBe(CLIENT_ID);
    expect(creds?.revealSecret()).toBe(SECRET);
  });

  it('names the missing variable when only one is set', () => {
    expect(() => credentialsFromEnv({ DERIBIT_CLIENT_ID: CLIENT_ID })).toThrow(/DERIBIT_CLIENT_SECRET is not set/);
    expect(() => credentialsFromEnv({ DERIBIT_CLIENT_SECRET: SECRET })).toThrow(/DERIBIT_CLIENT_ID is not set/);
  });
});

describe('generateNonce', () => {
  it('returns distinct 16-hex-char nonces', () => {
    const a = generateNonce();
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(generateNonce()).not.toBe(a);
  });
});
