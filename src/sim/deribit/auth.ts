/**
 * Deribit authentication as the simulator enforces it: public/auth grants (client_credentials,
 * client_signature, refresh_token), tokens with expiry and connection/session scope, and the three
 * REST schemes (Bearer, Basic, deri-hmac-sha256 per-request signatures). Written from the venue docs,
 * independently of the adapter's signer.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

import type { SimClock } from '../clock.js';
import { errors } from './errors.js';
import type { Params } from './params.js';
import { RpcError } from './rpc.js';

export interface Credentials {
  clientId: string;
  clientSecret: string;
}

export type TokenBinding = { kind: 'connection'; connectionId: string } | { kind: 'session'; name: string } | { kind: 'http' };

export interface TokenRecord {
  accessToken: string;
  refreshToken: string;
  clientId: string;
  scopes: ReadonlySet<string>;
  /** The granted scope string returned to the client. */
  scope: string;
  binding: TokenBinding;
  issuedAt: number;
  expiresAt: number;
  refreshExpiresAt: number;
  revoked: boolean;
}

/** Who a request acts for, once authenticated. */
export interface Principal {
  clientId: string;
  scopes: ReadonlySet<string>;
  token?: TokenRecord;
}

export interface AuthOptions {
  /** Access-token lifetime in seconds (expires_in). Default 31536000 (one year, as the venue reports). */
  accessTokenLifetimeSec: number;
  /** Refresh-token lifetime in seconds. Default 31536000. */
  refreshTokenLifetimeSec: number;
  /** How far a signature timestamp may be from the simulated clock. Default 60000 ms. */
  signatureWindowMs: number;
  /** Session-scoped tokens per key; a new session evicts the oldest. Default 16. */
  maxSessions: number;
}

export type AuthTransport = { kind: 'ws'; connectionId: string } | { kind: 'http' };

const DEFAULT_PERMISSIONS = ['account:read_write', 'trade:read_write', 'wallet:read_write', 'block_trade:read_write'];
const NONCE_PATTERN = /^[\x21-\x7e]{1,128}$/;

/** Builds the signed text of a public/auth client_signature: `${timestamp}\n${nonce}\n${data}`. */
export function authSignaturePayload(timestamp: number, nonce: string, data: string): string {
  return `${timestamp}\n${nonce}\n${data}`;
}

/** Builds the signed text of a REST request: `${ts}\n${nonce}\n${UPPER(method)}\n${uri_with_query}\n${body}\n`. */
export function restSignaturePayload(timestamp: number, nonce: string, httpMethod: string, uriWithQuery: string, body: string): string {
  return `${timestamp}\n${nonce}\n${httpMethod.toUpperCase()}\n${uriWithQuery}\n${body}\n`;
}

export function hmacHex(secret: string, text: string): string {
  return createHmac('sha256', secret).update(text).digest('hex');
}

function safeEqual(expected: string, given: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(given, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Signatures are lowercase hex; upper-case hex is accepted as the same value. */
function sameHex(expected: string, given: string): boolean {
  return safeEqual(expected, given.toLowerCase());
}

function tokenString(nowMs: number, bytes: number): string {
  return `${nowMs}.${randomBytes(6).toString('base64url')}.${randomBytes(bytes).toString('base64url')}`;
}

export class AuthService {
  private readonly byAccess = new Map<string, TokenRecord>();
  private readonly byRefresh = new Map<string, TokenRecord>();
  private readonly usedNonces = new Map<string, number>();
  /** Session name -> creation time, per client id, for the session cap. */
  private readonly sessions = new Map<string, Map<string, number>>();

  constructor(
    private readonly credentials: Credentials,
    private readonly clock: SimClock,
    private readonly options: AuthOptions,
  ) {}

  /** Handles public/auth; returns the venue's result object. */
  authenticate(params: Params, transport: AuthTransport): Record<string, unknown> {
    const grant = params.enumOf('grant_type', ['client_credentials', 'client_signature', 'refresh_token'] as const);
    const now = this.clock.now();
    let record: TokenRecord;
    if (grant === 'refresh_token') {
      record = this.refresh(params.string('refresh_token'), transport, now);
    } else {
      const clientId = params.string('client_id');
      if (grant === 'client_credentials') {
        const secret = params.string('client_secret');
        if (clientId !== this.credentials.clientId || !safeEqual(this.credentials.clientSecret, secret)) {
          throw errors.invalidCredentials();
        }
      } else {
        this.verifyClientSignature(params, clientId, now);
      }
      record = this.issue(clientId, params.optString('scope') ?? '', transport, now);
    }
    const state = params.optString('state');
    return {
      access_token: record.accessToken,
      expires_in: Math.round((record.expiresAt - now) / 1000),
      refresh_token: record.refreshToken,
      scope: record.scope,
      token_type: 'bearer',
      enabled_features: [],
      ...(state !== undefined ? { state } : {}),
    };
  }

  private verifyClientSignature(params: Params, clientId: string, now: number): void {
    const timestamp = params.int('timestamp');
    const nonce = params.optString('nonce') ?? '';
    if (nonce !== '' && !NONCE_PATTERN.test(nonce)) throw errors.invalidParams('nonce', 'invalid format');
    const data = params.optString('data') ?? '';
    const signature = params.string('signature');
    if (clientId !== this.credentials.clientId) throw errors.invalidCredentials();
    this.checkFreshness(clientId, timestamp, nonce, now);
    if (!sameHex(hmacHex(this.credentials.clientSecret, authSignaturePayload(timestamp, nonce, data)), signature)) {
      throw errors.unauthorized('invalid signature');
    }
    this.rememberNonce(clientId, timestamp, nonce);
  }

  private checkFreshness(clientId: string, timestamp: number, nonce: string, now: number): void {
    if (Math.abs(now - timestamp) > this.options.signatureWindowMs) throw errors.unauthorized('timestamp outside the 60 s window');
    for (const [key, ts] of this.usedNonces) if (ts < now - this.options.signatureWindowMs * 2) this.usedNonces.delete(key);
    if (this.usedNonces.has(`${clientId}\n${timestamp}\n${nonce}`)) throw errors.unauthorized('nonce already used');
  }

  private rememberNonce(clientId: string, timestamp: number, nonce: string): void {
    this.usedNonces.set(`${clientId}\n${timestamp}\n${nonce}`, timestamp);
  }

  private issue(clientId: string, requestedScope: string, transport: AuthTransport, now: number): TokenRecord {
    const requested = requestedScope.split(/\s+/).filter((s) => s !== '');
    const sessionItem = requested.find((s) => s.startsWith('session:'));
    let binding: TokenBinding;
    if (sessionItem !== undefined) {
      binding = { kind: 'session', name: sessionItem.slice('session:'.length) };
      this.claimSession(clientId, binding.name, now);
    } else if (transport.kind === 'ws') binding = { kind: 'connection', connectionId: transport.connectionId };
    else binding = { kind: 'http' };
    const expiresItem = requested.find((s) => s.startsWith('expires:'));
    const expiresSec = expiresItem !== undefined ? Number(expiresItem.slice('expires:'.length)) : NaN;
    const lifetimeSec =
      Number.isFinite(expiresSec) && expiresSec > 0
        ? Math.min(expiresSec, this.options.accessTokenLifetimeSec)
        : this.options.accessTokenLifetimeSec;
    const perms = requested.filter((s) => /^(account|trade|wallet|block_trade|block_rfq):(read|read_write|none)$/.test(s));
    const families = new Set(perms.map((p) => p.split(':')[0]));
    const granted = [...perms, ...DEFAULT_PERMISSIONS.filter((p) => !families.has(p.split(':')[0]))];
    const head = binding.kind === 'session' ? `session:${binding.name}` : 'connection';
    const scopeItems = [head, 'mainaccount', ...granted, ...(expiresItem !== undefined ? [expiresItem] : [])];
    const record: TokenRecord = {
      accessToken: tokenString(now, 72),
      refreshToken: tokenString(now, 72),
      clientId,
      scopes: new Set(scopeItems),
      scope: scopeItems.join(' '),
      binding,
      issuedAt: now,
      expiresAt: now + lifetimeSec * 1000,
      refreshExpiresAt: now + Math.max(this.options.refreshTokenLifetimeSec, lifetimeSec) * 1000,
      revoked: false,
    };
    this.byAccess.set(record.accessToken, record);
    this.byRefresh.set(record.refreshToken, record);
    return record;
  }

  private claimSession(clientId: string, name: string, now: number): void {
    let sessions = this.sessions.get(clientId);
    if (!sessions) {
      sessions = new Map();
      this.sessions.set(clientId, sessions);
    }
    if (sessions.has(name)) return;
    if (sessions.size >= this.options.maxSessions) {
      const oldest = [...sessions.entries()].sort((a, b) => a[1] - b[1])[0];
      if (oldest) {
        sessions.delete(oldest[0]);
        for (const t of this.byAccess.values()) if (t.binding.kind === 'session' && t.binding.name === oldest[0]) t.revoked = true;
      }
    }
    sessions.set(name, now);
  }

  private refresh(refreshToken: string, transport: AuthTransport, now: number): TokenRecord {
    const old = this.byRefresh.get(refreshToken);
    if (!old || old.revoked || old.refreshExpiresAt <= now) {
      throw new RpcError(13009, 'invalid_token', { reason: 'invalid refresh token', param: 'refresh_token' });
    }
    // Refreshing issues a new pair and invalidates the old one (connection scope per the docs; applied to all here).
    old.revoked = true;
    this.byRefresh.delete(refreshToken);
    const scope = old.binding.kind === 'session' ? `session:${old.binding.name}` : '';
    const perms = [...old.scopes].filter((s) => s.includes(':') && !s.startsWith('session:')).join(' ');
    return this.issue(old.clientId, `${scope} ${perms}`.trim(), transport, now);
  }

  /** Looks up an access token for use on `connectionId` (WS) or over HTTP; throws 13009 if unusable. */
  resolveAccessToken(accessToken: string, connectionId: string | undefined): TokenRecord {
    const record = this.byAccess.get(accessToken);
    if (!record || record.revoked) throw errors.invalidToken('invalid token');
    if (record.expiresAt <= this.clock.now()) throw errors.invalidToken('token has expired');
    if (record.binding.kind === 'connection' && connectionId !== undefined && record.binding.connectionId !== connectionId) {
      throw errors.invalidToken('connection-scoped token used on another connection');
    }
    return record;
  }

  /** Checks that a token held by a connection is still usable (expiry, revocation). */
  checkToken(record: TokenRecord): void {
    if (record.revoked) throw errors.invalidToken('token was revoked');
    if (record.expiresAt <= this.clock.now()) throw errors.invalidToken('token has expired');
  }

  /** Revokes every connection-scoped token of a closed connection. */
  revokeConnection(connectionId: string): void {
    for (const t of this.byAccess.values())
      if (t.binding.kind === 'connection' && t.binding.connectionId === connectionId) t.revoked = true;
  }

  revoke(record: TokenRecord): void {
    record.revoked = true;
  }

  /**
   * Authenticates a REST request from its Authorization header. Returns undefined when there is
   * no header; throws 13009/13004 when the header is present but does not authenticate.
   */
  authorizeHttp(header: string | undefined, httpMethod: string, uriWithQuery: string, body: string): Principal | undefined {
    if (header === undefined || header.trim() === '') return undefined;
    const space = header.indexOf(' ');
    const scheme = (space < 0 ? header : header.slice(0, space)).toLowerCase();
    const rest = space < 0 ? '' : header.slice(space + 1).trim();
    if (scheme === 'bearer') {
      const record = this.resolveAccessToken(rest, undefined);
      return { clientId: record.clientId, scopes: record.scopes, token: record };
    }
    if (scheme === 'basic') {
      const decoded = Buffer.from(rest, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon < 0) throw errors.invalidCredentials();
      const id = decoded.slice(0, colon);
      const secret = decoded.slice(colon + 1);
      if (id !== this.credentials.clientId || !safeEqual(this.credentials.clientSecret, secret)) throw errors.invalidCredentials();
      return { clientId: id, scopes: new Set(DEFAULT_PERMISSIONS) };
    }
    if (scheme === 'deri-hmac-sha256') return this.verifyRestSignature(rest, httpMethod, uriWithQuery, body);
    throw errors.unauthorized('unsupported authorization scheme');
  }

  private verifyRestSignature(fieldsText: string, httpMethod: string, uriWithQuery: string, body: string): Principal {
    const fields = new Map<string, string>();
    for (const part of fieldsText.split(',')) {
      const eq = part.indexOf('=');
      if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
    }
    const id = fields.get('id');
    const tsText = fields.get('ts');
    const sig = fields.get('sig');
    const nonce = fields.get('nonce') ?? '';
    if (id === undefined || tsText === undefined || sig === undefined) throw errors.unauthorized('malformed deri-hmac-sha256 header');
    if (!/^\d+$/.test(tsText)) throw errors.unauthorized('invalid ts');
    if (id !== this.credentials.clientId) throw errors.invalidCredentials();
    const ts = Number(tsText);
    this.checkFreshness(id, ts, nonce, this.clock.now());
    const expected = hmacHex(this.credentials.clientSecret, restSignaturePayload(ts, nonce, httpMethod, uriWithQuery, body));
    if (!sameHex(expected, sig)) throw errors.unauthorized('invalid signature');
    this.rememberNonce(id, ts, nonce);
    return { clientId: id, scopes: new Set(DEFAULT_PERMISSIONS) };
  }
}

/** True when the principal's scopes allow `needed` (e.g. trade:read_write, or trade:read satisfied by read_write). */
export function hasScope(scopes: ReadonlySet<string>, needed: string): boolean {
  if (scopes.has(needed)) return true;
  const [family, level] = needed.split(':');
  return level === 'read' && scopes.has(`${family ?? ''}:read_write`);
}
