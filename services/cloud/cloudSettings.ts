/** How the bot reaches the partner's Partner Center and Azure (parsed from the environment in bot/config.ts). */
export interface CloudSettings {
  /** PARTNER_TENANT_ID */
  partnerTenantId: string;
  /** PARTNER_CENTER_CLIENT_ID: the app registered for Partner Center, also used for Azure Resource Manager. */
  clientId: string;
  /** PARTNER_CENTER_CLIENT_SECRET, or PARTNER_CENTER_CERTIFICATE_PATH (a PEM with the certificate and its key). */
  credential: { secret: string } | { certificatePem: string; privateKeyPem: string };
  /** The configured account for background work that Partner Center allows only as App+User (reading self-serve policies): a refresh token obtained once by consent (Partner Center's secure application model). PARTNER_CENTER_ACCOUNT_REFRESH_TOKEN */
  accountRefreshToken?: string;
  /** PARTNER_CENTER_URL */
  partnerCenterUrl: string;
  /** AZURE_RESOURCE_MANAGER_URL */
  resourceManagerUrl: string;
  /** AZURE_AUTHORITY_HOST */
  authorityHost: string;
  /** Each attempt's timeout, and the whole call's (retries included): a chat turn must answer within 5 s. */
  attemptTimeoutMs: number;
  callTimeoutMs: number;
  /** A change carried out in Azure (a return, an exchange, a PATCH), long-running operations polled to their end: run in the background, not in a turn. */
  changeTimeoutMs?: number;
}

export const cloudDefaults = {
  partnerCenterUrl: 'https://api.partnercenter.microsoft.com',
  resourceManagerUrl: 'https://management.azure.com',
  authorityHost: 'https://login.microsoftonline.com',
  attemptTimeoutMs: 2500,
  callTimeoutMs: 4000,
  changeTimeoutMs: 600_000,
} as const satisfies Partial<CloudSettings>;

/** The names of the settings, for messages that tell an operator what to fix (never their values). */
export const settingNames = {
  secret: 'PARTNER_CENTER_CLIENT_SECRET',
  certificate: 'PARTNER_CENTER_CERTIFICATE_PATH',
  accountRefreshToken: 'PARTNER_CENTER_ACCOUNT_REFRESH_TOKEN',
} as const;
