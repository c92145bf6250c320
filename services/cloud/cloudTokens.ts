import { X509Certificate } from 'node:crypto';
import { AuthError, ConfidentialClientApplication, InteractionRequiredAuthError, ServerError, type AccountInfo, type AuthenticationResult, type Configuration } from '@azure/msal-node';
import type { AccessToken, TokenCredential } from '@azure/core-auth';
import { CloudError } from '../microsoftCloud.ts';
import { settingNames, type CloudSettings } from './cloudSettings.ts';
import { deadlineFor, withinDeadline, type Deadline } from './resilience.ts';

const entra = 'Microsoft Entra ID';

/**
 * Every token the bot needs, through @azure/msal-node (which caches them in memory: tokens are a cache, not state).
 * `resource` is an API's identifier URI (https://api.partnercenter.microsoft.com, https://management.azure.com).
 * Failures are CloudErrors: 'signInRequired' when a person must sign in (again), 'refused' when the app's own
 * credential or consent is wrong (naming the setting, never its value), 'unavailable' when Entra ID does not answer.
 */
export class CloudTokens {
  private readonly apps = new Map<string, ConfidentialClientApplication>();
  private configuredAccount?: AccountInfo;

  constructor(private readonly settings: CloudSettings) {}

  /** The app's own token in `tenantId` (client credentials): the partner's tenant for Partner Center; a customer's for ARM (through admin-on-behalf-of or GDAP). */
  async app(resource: string, tenantId: string, deadline = deadlineFor(this.settings)): Promise<string> {
    return this.acquire(deadline, 'app', () => this.client(tenantId).acquireTokenByClientCredential({ scopes: [scopeOf(resource)] }));
  }

  /** A delegated token for `resource` on behalf of the person whose token for this app is `userToken` (Teams SSO, the HTTP API's bearer), so that the service's own role checks apply to them. */
  async onBehalfOf(resource: string, userToken: string, deadline = deadlineFor(this.settings)): Promise<string> {
    return this.acquire(deadline, 'user', () => this.client(this.settings.partnerTenantId).acquireTokenOnBehalfOf({ oboAssertion: userToken, scopes: [scopeOf(resource)] }));
  }

  /** A delegated token of the configured account (its refresh token, Partner Center's secure application model), for background App+User work. */
  async account(resource: string, deadline = deadlineFor(this.settings)): Promise<string> {
    const refreshToken = this.settings.accountRefreshToken;
    if (!refreshToken) throw new CloudError('signInRequired', `No account is configured for Partner Center's App+User calls: set ${settingNames.accountRefreshToken}.`);
    const client = this.client(this.settings.partnerTenantId);
    const scopes = [scopeOf(resource)];
    return this.acquire(deadline, 'account', async () => {
      // After the first exchange msal holds the account and its rotated refresh token: use those, then the configured one.
      if (this.configuredAccount) {
        const cached = await client.acquireTokenSilent({ account: this.configuredAccount, scopes }).catch(() => null);
        if (cached) return cached;
      }
      const result = await client.acquireTokenByRefreshToken({ refreshToken, scopes });
      if (result?.account) this.configuredAccount = result.account;
      return result;
    });
  }

  /** The app's credential in `tenantId` for the official Azure SDK clients (@azure/core-auth's TokenCredential). */
  credential(tenantId: string): TokenCredential {
    return {
      getToken: async (scopes): Promise<AccessToken> => {
        const wanted = [scopes].flat();
        const deadline = deadlineFor(this.settings);
        const result = await this.acquire(deadline, 'app', () => this.client(tenantId).acquireTokenByClientCredential({ scopes: wanted }), true);
        return { token: result.accessToken, expiresOnTimestamp: result.expiresOn?.getTime() ?? Date.now() + 5 * 60_000 };
      },
    };
  }

  private acquire(deadline: Deadline, who: Who, get: () => Promise<AuthenticationResult | null>): Promise<string>;
  private acquire(deadline: Deadline, who: Who, get: () => Promise<AuthenticationResult | null>, whole: true): Promise<AuthenticationResult>;
  private async acquire(deadline: Deadline, who: Who, get: () => Promise<AuthenticationResult | null>, whole?: true): Promise<string | AuthenticationResult> {
    let result: AuthenticationResult | null;
    try {
      result = await withinDeadline(entra, deadline, get);
    } catch (err) {
      throw this.problem(err, who);
    }
    if (!result?.accessToken) throw new CloudError('unavailable', `${entra} answered without a token; try again later.`);
    return whole ? result : result.accessToken;
  }

  /** One msal client per tenant (its authority), each with its own token cache. */
  private client(tenantId: string): ConfidentialClientApplication {
    let client = this.apps.get(tenantId);
    if (!client) {
      client = new ConfidentialClientApplication(this.configuration(tenantId));
      this.apps.set(tenantId, client);
    }
    return client;
  }

  private configuration(tenantId: string): Configuration {
    const { authorityHost, clientId, credential } = this.settings;
    const host = authorityHost.replace(/\/+$/, '');
    return {
      auth: {
        clientId,
        authority: `${host}/${tenantId}`,
        // A known authority is trusted as it is: no instance discovery call to login.microsoftonline.com (a fake or a sovereign cloud works too).
        knownAuthorities: [new URL(host).host],
        ...('secret' in credential
          ? { clientSecret: credential.secret }
          : { clientCertificate: { thumbprintSha256: new X509Certificate(credential.certificatePem).fingerprint256.replaceAll(':', ''), privateKey: credential.privateKeyPem } }),
      },
      // Retries and timeouts are the caller's (one deadline per chat turn), not msal's.
      system: { disableInternalRetries: true },
    };
  }

  private problem(err: unknown, who: Who): unknown {
    if (err instanceof CloudError) return err;
    if (!(err instanceof AuthError)) return new CloudError('unavailable', `${entra} could not be asked for a token (${err instanceof Error ? err.message : String(err)}).`);
    const status = err instanceof ServerError ? err.status : undefined;
    const aadsts = /AADSTS\d+/.exec(err.errorMessage)?.[0];
    const said = aadsts ? ` (${aadsts})` : '';
    if (status !== undefined && (status >= 500 || status === 429)) return new CloudError('unavailable', `${entra} is not answering (HTTP ${status}); try again later.`, aadsts, status);
    if (err.errorCode === 'invalid_client' || err.errorCode === 'unauthorized_client') {
      const setting = 'secret' in this.settings.credential ? settingNames.secret : settingNames.certificate;
      return new CloudError('refused', `${entra} refused the app's credential${said}: check PARTNER_CENTER_CLIENT_ID and ${setting}.`, aadsts, status);
    }
    if (err instanceof InteractionRequiredAuthError || err.errorCode === 'invalid_grant' || err.errorCode === 'interaction_required') {
      if (who === 'user') return new CloudError('signInRequired', `Your sign-in could not be used for Partner Center${said}: sign in again.`, aadsts, status);
      if (who === 'account') return new CloudError('signInRequired', `The configured Partner Center account's sign-in no longer works${said}: renew ${settingNames.accountRefreshToken} (consent again).`, aadsts, status);
    }
    if (err instanceof ServerError) return new CloudError('refused', `${entra} refused the token request${said}: ${err.errorCode}.`, aadsts, status);
    return new CloudError('unavailable', `${entra} could not be reached (${err.errorCode}); try again later.`);
  }
}

type Who = 'app' | 'user' | 'account';

/** The `.default` scope of an API: every permission consented to the app for that resource. */
const scopeOf = (resource: string) => `${resource.replace(/\/+$/, '')}/.default`;
