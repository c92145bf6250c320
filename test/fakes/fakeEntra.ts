import { randomUUID } from 'node:crypto';
import { createLocalJWKSet, decodeProtectedHeader, exportJWK, generateKeyPair, importX509, jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { startLoopbackServer, type RecordedRequest, type Reply } from './loopbackServer.ts';

export interface EntraUser {
  tenantId: string;
  userId: string;
  name?: string;
}

export interface EntraApp {
  clientId: string;
  /** The app's home tenant; a multi-tenant app gets tokens in any tenant (consent is assumed). */
  tenantId: string;
  secret?: string;
  certificatePem?: string;
}

/** The claims of a token this fake issued. */
export type Claims = JWTPayload & { tid: string; oid?: string; scp?: string; roles?: string[]; idtyp?: string; appid?: string; azp?: string; name?: string };

export interface FakeEntra {
  /** https://127.0.0.1:port: the authority host (tokens at `${authorityHost}/{tenant}/oauth2/v2.0/token`). */
  readonly authorityHost: string;
  /** A user's token for an app (Teams single sign-on's, or the HTTP API's bearer): audience `api://bot.test/{clientId}` by default. */
  issueUserToken(user: EntraUser, options?: { audience?: string; expiresInS?: number }): Promise<string>;
  /** The claims of a live token this fake issued for `audience`, or undefined. */
  verify(token: string, options: { audience: string }): Promise<Claims | undefined>;
  registerApp(app: EntraApp): void;
  /** A refresh token the configured account got by consent (the secure application model). */
  registerRefreshToken(refreshToken: string, user: EntraUser): void;
  /** `${authorityHost}/{tenantid}/v2.0`: the issuer of every token, with Entra's `{tenantid}` placeholder. */
  readonly issuerPattern: string;
  readonly jwksUrl: string;
  readonly requests: RecordedRequest[];
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

const jwtBearer = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const assertionType = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** Scopes msal adds to every delegated request; they name no resource. */
const oidcScopes = new Set(['openid', 'profile', 'offline_access', 'email']);

/** Entra ID's error body (error, error_description starting with the AADSTS code, error_codes). */
function entraError(status: number, error: string, aadsts: number, text: string): Reply {
  return {
    status,
    body: { error, error_description: `AADSTS${aadsts}: ${text} Trace ID: ${randomUUID()} Correlation ID: ${randomUUID()} Timestamp: ${new Date().toISOString()}`, error_codes: [aadsts], timestamp: new Date().toISOString(), trace_id: randomUUID(), correlation_id: randomUUID() },
  };
}

export async function startFakeEntra(): Promise<FakeEntra> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = randomUUID();
  const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid, use: 'sig', alg: 'RS256' }] };
  const keySet = createLocalJWKSet(jwks);
  const apps = new Map<string, EntraApp>();
  const refreshTokens = new Map<string, EntraUser & { clientId?: string }>();
  let host = '';

  const issuer = (tenantId: string) => `${host}/${tenantId}/v2.0`;
  const sign = (claims: JWTPayload & { tid: string }, expiresInS = 3600) => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({ ver: '2.0', iss: issuer(claims.tid), iat: now, nbf: now, exp: now + expiresInS, uti: randomUUID(), ...claims }).setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' }).sign(privateKey);
  };

  async function verify(token: string, audience: string): Promise<Claims | undefined> {
    try {
      const { payload } = await jwtVerify(token, keySet, { audience, algorithms: ['RS256'] });
      return payload as Claims;
    } catch {
      return undefined;
    }
  }

  /** The resource a `.default` scope names (`https://api.partnercenter.microsoft.com/.default` → the resource). */
  function resourceOf(scope: string): string | undefined {
    const named = scope.split(' ').filter((s) => s && !oidcScopes.has(s));
    if (named.length !== 1 || !named[0]!.endsWith('/.default')) return undefined;
    return named[0]!.slice(0, -'/.default'.length);
  }

  async function authenticateClient(form: URLSearchParams, tenantId: string, tokenUrl: string): Promise<EntraApp | Reply> {
    const app = apps.get(form.get('client_id') ?? '');
    if (!app) return entraError(400, 'unauthorized_client', 700016, `Application with identifier '${form.get('client_id')}' was not found in the directory '${tenantId}'.`);
    if (form.has('client_secret')) {
      return app.secret !== undefined && form.get('client_secret') === app.secret ? app : entraError(401, 'invalid_client', 7000215, 'Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID.');
    }
    if (form.get('client_assertion_type') === assertionType && app.certificatePem) {
      try {
        const assertion = form.get('client_assertion') ?? '';
        const { alg } = decodeProtectedHeader(assertion);
        const key = await importX509(app.certificatePem, alg ?? 'RS256');
        const { payload } = await jwtVerify(assertion, key, { algorithms: ['RS256', 'PS256'], audience: tokenUrl, issuer: app.clientId, subject: app.clientId, clockTolerance: 300 }); // Entra allows 5 minutes of clock skew
        if (typeof payload.exp !== 'number') throw new Error('no exp');
        return app;
      } catch {
        return entraError(401, 'invalid_client', 700027, 'The certificate with identifier used to sign the client assertion is not registered on application, or the assertion is invalid.');
      }
    }
    return entraError(401, 'invalid_client', 7000218, "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
  }

  async function delegated(app: EntraApp, user: EntraUser, resource: string, scope: string, withRefresh: boolean) {
    const claims = { aud: resource, tid: user.tenantId, oid: user.userId, sub: user.userId, name: user.name, scp: 'user_impersonation', appid: app.clientId, azp: app.clientId, idtyp: 'user' };
    const body: Record<string, unknown> = { token_type: 'Bearer', scope: `${resource}/user_impersonation`, expires_in: 3599, ext_expires_in: 3599, access_token: await sign(claims) };
    if (withRefresh) {
      const refreshToken = `rt-${randomUUID()}`;
      refreshTokens.set(refreshToken, { ...user, clientId: app.clientId });
      body.refresh_token = refreshToken;
    }
    if (scope.split(' ').includes('openid')) {
      body.id_token = await sign({ aud: app.clientId, tid: user.tenantId, oid: user.userId, sub: user.userId, name: user.name, preferred_username: `${user.userId}@${user.tenantId}` });
      body.client_info = Buffer.from(JSON.stringify({ uid: user.userId, utid: user.tenantId })).toString('base64url');
    }
    return body;
  }

  async function token(tenantId: string, form: URLSearchParams): Promise<Reply> {
    const tokenUrl = `${host}/${tenantId}/oauth2/v2.0/token`;
    const client = await authenticateClient(form, tenantId, tokenUrl);
    if (!('clientId' in client)) return client;
    const scope = form.get('scope') ?? '';
    const resource = resourceOf(scope);
    if (!resource) return entraError(400, 'invalid_scope', 70011, `The provided value for the input parameter 'scope' is not valid. The scope ${scope} is not valid.`);
    const grant = form.get('grant_type');
    if (grant === 'client_credentials') {
      const claims = { aud: resource, tid: tenantId, oid: client.clientId, sub: client.clientId, roles: [] as string[], appid: client.clientId, azp: client.clientId, idtyp: 'app' };
      return { status: 200, body: { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: await sign(claims) } };
    }
    if (grant === jwtBearer && form.get('requested_token_use') === 'on_behalf_of') {
      const assertion = form.get('assertion') ?? '';
      const claims = await userAssertion(assertion, client.clientId);
      if (!claims) return entraError(400, 'invalid_grant', 50013, 'Assertion failed signature validation, has expired, or its audience does not match the client app presenting it.');
      if (claims.tid !== tenantId) return entraError(400, 'invalid_grant', 50013, `The assertion was issued by tenant '${claims.tid}', not '${tenantId}'.`);
      if (!claims.oid || claims.idtyp === 'app') return entraError(400, 'invalid_grant', 50013, 'The assertion is not a user token.');
      return { status: 200, body: await delegated(client, { tenantId: claims.tid, userId: claims.oid, name: claims.name }, resource, scope, true) };
    }
    if (grant === 'refresh_token') {
      const user = refreshTokens.get(form.get('refresh_token') ?? '');
      if (!user || (user.clientId && user.clientId !== client.clientId)) return entraError(400, 'invalid_grant', 70000, "The provided value for the 'refresh_token' is not valid.");
      // Entra rotates: a new refresh token comes with every answer, and the old one stays valid until it expires.
      return { status: 200, body: await delegated(client, user, resource, scope, true) };
    }
    return entraError(400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${grant}'.`);
  }

  /** An on-behalf-of assertion's audience is the app: its client id or an App ID URI ending with it (`api://host/{clientId}`). */
  async function userAssertion(assertion: string, clientId: string): Promise<Claims | undefined> {
    try {
      const { payload } = await jwtVerify(assertion, keySet, { algorithms: ['RS256'] });
      const audiences = [payload.aud ?? []].flat();
      return audiences.some((aud) => aud === clientId || (aud.startsWith('api://') && aud.endsWith(`/${clientId}`))) ? (payload as Claims) : undefined;
    } catch {
      return undefined;
    }
  }

  async function handle(request: RecordedRequest): Promise<Reply> {
    const [, tenantId = '', ...rest] = request.path.split('/');
    const route = rest.join('/');
    if (request.method === 'GET' && route === 'v2.0/.well-known/openid-configuration') {
      return {
        status: 200,
        body: {
          issuer: issuer(tenantId),
          authorization_endpoint: `${host}/${tenantId}/oauth2/v2.0/authorize`,
          token_endpoint: `${host}/${tenantId}/oauth2/v2.0/token`,
          end_session_endpoint: `${host}/${tenantId}/oauth2/v2.0/logout`,
          jwks_uri: `${host}/${tenantId}/discovery/v2.0/keys`,
          response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
          subject_types_supported: ['pairwise'],
          id_token_signing_alg_values_supported: ['RS256'],
          token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
          tenant_region_scope: 'EU',
        },
      };
    }
    if (request.method === 'GET' && route === 'discovery/v2.0/keys') return { status: 200, body: jwks };
    if (request.method === 'GET' && tenantId === 'common' && route === 'discovery/instance') {
      const authority = new URL(host).host;
      return { status: 200, body: { tenant_discovery_endpoint: `${host}/${tenantId}/v2.0/.well-known/openid-configuration`, 'api-version': '1.1', metadata: [{ preferred_network: authority, preferred_cache: authority, aliases: [authority] }] } };
    }
    if (request.method === 'POST' && route === 'oauth2/v2.0/token') return token(tenantId, new URLSearchParams(request.body));
    return entraError(404, 'invalid_request', 90002, `Tenant '${tenantId}' not found, or no such endpoint.`);
  }

  const server = await startLoopbackServer(handle, {
    throttled: (seconds) => ({ ...entraError(429, 'temporarily_unavailable', 50196, 'The server is busy.'), headers: { 'retry-after': String(seconds) } }),
    failed: (status) => entraError(status, 'temporarily_unavailable', 90033, 'A transient error has occurred. Please try again.'),
  });
  host = server.url;

  return {
    authorityHost: host,
    issuerPattern: `${host}/{tenantid}/v2.0`,
    jwksUrl: `${host}/common/discovery/v2.0/keys`,
    requests: server.requests,
    async issueUserToken(user, { audience, expiresInS = 3600 } = {}) {
      const clientId = [...apps.values()][0]?.clientId ?? '00000000-0000-4000-8000-000000000001';
      return sign({ aud: audience ?? `api://bot.test/${clientId}`, tid: user.tenantId, oid: user.userId, sub: user.userId, name: user.name, scp: 'access_as_user', idtyp: 'user', azp: '1fec8e78-bce4-4aaf-ab1b-5451cc387264' }, expiresInS);
    },
    verify: (token, { audience }) => verify(token, audience),
    registerApp: (app) => apps.set(app.clientId, app),
    registerRefreshToken: (refreshToken, user) => refreshTokens.set(refreshToken, user),
    down: server.down,
    up: server.up,
    close: server.close,
  };
}
