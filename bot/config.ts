import { z } from 'zod';
import { describeIssues } from '../data/describeIssues.ts';
import type { PostgresOptions } from '../data/postgresStore.ts';

const list = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((s) => s.split(',').map((v) => v.trim()).filter(Boolean));

const optionalText = z
  .string()
  .trim()
  .optional()
  .transform((v) => v || undefined);

/** An https URL without a trailing slash (tests and staging point these at fakes). */
const httpsUrl = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((v) => v.trim().replace(/\/+$/, '') || fallback)
    .pipe(z.url({ protocol: /^https$/, error: `an https URL, such as ${fallback}` }));

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3978),
  HOST: z.string().min(1).optional(),
  DATA_DIR: z.string().min(1).default('./.data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/\S+$/, 'a postgres:// URL, such as postgres://bot:secret@db.example:5432/csp_bot')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  DATABASE_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
  MicrosoftAppId: z.string().default(''),
  MicrosoftAppPassword: z.string().default(''),
  MicrosoftAppTenantId: z.string().default(''),
  MicrosoftAppType: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI', '']).default(''),
  PUBLIC_HOST: z
    .string()
    .regex(/^[a-z0-9.-]+(:\d+)?$/i, 'a host name with an optional port, without https:// or a path, such as bot.contoso-partner.com')
    .optional(),
  AUTH_AUDIENCE: list(''),
  AUTH_ISSUER: list('https://login.microsoftonline.com/{tenantid}/v2.0,https://sts.windows.net/{tenantid}/'),
  AUTH_JWKS: z.string().min(1).optional(),
  DEV_SIGN_IN: z.enum(['on', 'off', '']).default(''),
  PARTNER_TENANT_ID: optionalText,
  PARTNER_CENTER_CLIENT_ID: optionalText,
  PARTNER_CENTER_CLIENT_SECRET: optionalText,
  PARTNER_CENTER_CERTIFICATE_PATH: optionalText,
  PARTNER_CENTER_ACCOUNT_REFRESH_TOKEN: optionalText,
  PARTNER_CENTER_URL: httpsUrl('https://api.partnercenter.microsoft.com'),
  AZURE_RESOURCE_MANAGER_URL: httpsUrl('https://management.azure.com'),
  AZURE_AUTHORITY_HOST: httpsUrl('https://login.microsoftonline.com'),
  SYNC_INTERVAL_MINUTES: z.coerce.number().int().min(1).max(1440).default(10),
  OAUTH_CONNECTION_NAME: z.string().trim().min(1).default('PartnerCenter'),
});

/** How bearer tokens (the HTTP API's, the dashboard's single sign-on) are checked. */
export interface TokenSettings {
  /** Accepted `aud` values: the app id URI the Teams app's webApplicationInfo names, and the bare app id. */
  audiences: string[];
  /** Accepted `iss` values; `{tenantid}` stands for the token's own `tid`. */
  issuers: string[];
  /** Where the signing keys are: a JWKS file, or an https URL serving one (Entra ID's keys). Unset: no token is accepted. */
  jwks?: string;
}

/** Where the store is: the embedded store in a folder, or a PostgreSQL database shared by several instances. */
export interface StoreConfig {
  dataDir: string;
  /** Set by DATABASE_URL: the PostgreSQL store, with its pool and timeouts. */
  database?: { url: string; options: PostgresOptions };
}

/**
 * Partner Center mode: the partner's Partner Center and Azure behind the cloud port, turned on by its credentials.
 * Without them the bot runs on the embedded world, as before.
 */
export interface CloudConfig {
  partnerTenantId: string;
  clientId: string;
  /** The app's secret, or the path of a PEM file holding its certificate and private key. */
  credential: { secret: string } | { certificatePath: string };
  accountRefreshToken?: string;
  partnerCenterUrl: string;
  resourceManagerUrl: string;
  authorityHost: string;
  syncIntervalMs: number;
  /** Teams single sign-on in chat: the Azure Bot's OAuth connection name, and the app id URI tokens are issued for (none: chat cannot sign agents in). */
  singleSignOn: { connectionName: string; resource?: string };
}

export interface Config extends StoreConfig {
  port: number;
  /** Without bot credentials anyone who can reach the port could claim any identity, so local development listens on loopback only. */
  host: string;
  bot: { MicrosoftAppId: string; MicrosoftAppPassword: string; MicrosoftAppTenantId: string; MicrosoftAppType: string };
  /** True when MicrosoftAppId is empty: requests are not authenticated (local development only). */
  localDevelopment: boolean;
  tokens: TokenSettings;
  /** The dashboard's development sign-in (pick anyone from the directory): local development only, and only when asked for. */
  devSignIn: boolean;
  cloud?: CloudConfig;
}

/** Reads the configuration from the environment; a bad value stops start-up with a message naming it. */
export function readConfig(env: NodeJS.ProcessEnv): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) throw new Error(`Bad configuration:\n${describeIssues(parsed.error)}`);
  const { PORT, HOST, DATA_DIR, DATABASE_URL, MicrosoftAppId, MicrosoftAppPassword, MicrosoftAppTenantId, MicrosoftAppType, PUBLIC_HOST, AUTH_AUDIENCE, AUTH_ISSUER, AUTH_JWKS, DEV_SIGN_IN } = parsed.data;
  const localDevelopment = MicrosoftAppId === '';
  if (DEV_SIGN_IN === 'on' && !localDevelopment) throw new Error('Bad configuration:\nDEV_SIGN_IN: the development sign-in lets anyone be anyone, so it works only in local development (without MicrosoftAppId). Unset DEV_SIGN_IN.');
  const defaultAudiences = MicrosoftAppId && PUBLIC_HOST ? [`api://${PUBLIC_HOST}/${MicrosoftAppId}`, MicrosoftAppId] : [];
  const audiences = AUTH_AUDIENCE.length ? AUTH_AUDIENCE : defaultAudiences;
  return {
    port: PORT,
    host: HOST ?? (localDevelopment ? '127.0.0.1' : '0.0.0.0'),
    dataDir: DATA_DIR,
    database: DATABASE_URL
      ? {
          url: DATABASE_URL,
          options: {
            poolSize: parsed.data.DATABASE_POOL_SIZE,
            statementTimeoutMs: parsed.data.DATABASE_STATEMENT_TIMEOUT_MS,
            idleInTransactionTimeoutMs: parsed.data.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS,
            connectTimeoutMs: parsed.data.DATABASE_CONNECT_TIMEOUT_MS,
          },
        }
      : undefined,
    bot: { MicrosoftAppId, MicrosoftAppPassword, MicrosoftAppTenantId, MicrosoftAppType: MicrosoftAppType || 'MultiTenant' },
    localDevelopment,
    tokens: { audiences, issuers: AUTH_ISSUER, jwks: AUTH_JWKS },
    devSignIn: DEV_SIGN_IN === 'on',
    cloud: cloudConfig(parsed.data, audiences),
  };
}

/** Partner Center mode when any of its credentials is set; then all it needs must be, and start-up says what is missing. */
function cloudConfig(env: z.infer<typeof envSchema>, audiences: readonly string[]): CloudConfig | undefined {
  const { PARTNER_TENANT_ID, PARTNER_CENTER_CLIENT_ID, PARTNER_CENTER_CLIENT_SECRET, PARTNER_CENTER_CERTIFICATE_PATH } = env;
  if (!PARTNER_TENANT_ID && !PARTNER_CENTER_CLIENT_ID && !PARTNER_CENTER_CLIENT_SECRET && !PARTNER_CENTER_CERTIFICATE_PATH) return undefined;
  const missing = [
    !PARTNER_TENANT_ID && 'PARTNER_TENANT_ID (your partner tenant id)',
    !PARTNER_CENTER_CLIENT_ID && 'PARTNER_CENTER_CLIENT_ID (the application id of the app registered for Partner Center)',
    !PARTNER_CENTER_CLIENT_SECRET && !PARTNER_CENTER_CERTIFICATE_PATH && "PARTNER_CENTER_CLIENT_SECRET or PARTNER_CENTER_CERTIFICATE_PATH (the app's secret, or a PEM file with its certificate and private key)",
  ].filter(Boolean);
  if (missing.length) throw new Error(`Bad configuration:\nPartner Center mode also needs ${missing.join('; ')}. Set them, or unset the Partner Center settings to run on the demo world.`);
  if (PARTNER_CENTER_CLIENT_SECRET && PARTNER_CENTER_CERTIFICATE_PATH) throw new Error('Bad configuration:\nPARTNER_CENTER_CLIENT_SECRET and PARTNER_CENTER_CERTIFICATE_PATH are both set: set one (a certificate is the safer).');
  return {
    partnerTenantId: PARTNER_TENANT_ID!,
    clientId: PARTNER_CENTER_CLIENT_ID!,
    credential: PARTNER_CENTER_CERTIFICATE_PATH ? { certificatePath: PARTNER_CENTER_CERTIFICATE_PATH } : { secret: PARTNER_CENTER_CLIENT_SECRET! },
    accountRefreshToken: env.PARTNER_CENTER_ACCOUNT_REFRESH_TOKEN,
    partnerCenterUrl: env.PARTNER_CENTER_URL,
    resourceManagerUrl: env.AZURE_RESOURCE_MANAGER_URL,
    authorityHost: env.AZURE_AUTHORITY_HOST,
    syncIntervalMs: env.SYNC_INTERVAL_MINUTES * 60_000,
    singleSignOn: { connectionName: env.OAUTH_CONNECTION_NAME, resource: audiences.find((a) => a.startsWith('api://')) },
  };
}
