import { z } from 'zod';
import { describeIssues } from '../data/describeIssues.ts';
import type { PostgresOptions } from '../data/postgresStore.ts';

const list = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((s) => s.split(',').map((v) => v.trim()).filter(Boolean));

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
}

/** Reads the configuration from the environment; a bad value stops start-up with a message naming it. */
export function readConfig(env: NodeJS.ProcessEnv): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) throw new Error(`Bad configuration:\n${describeIssues(parsed.error)}`);
  const { PORT, HOST, DATA_DIR, DATABASE_URL, MicrosoftAppId, MicrosoftAppPassword, MicrosoftAppTenantId, MicrosoftAppType, PUBLIC_HOST, AUTH_AUDIENCE, AUTH_ISSUER, AUTH_JWKS, DEV_SIGN_IN } = parsed.data;
  const localDevelopment = MicrosoftAppId === '';
  if (DEV_SIGN_IN === 'on' && !localDevelopment) throw new Error('Bad configuration:\nDEV_SIGN_IN: the development sign-in lets anyone be anyone, so it works only in local development (without MicrosoftAppId). Unset DEV_SIGN_IN.');
  const defaultAudiences = MicrosoftAppId && PUBLIC_HOST ? [`api://${PUBLIC_HOST}/${MicrosoftAppId}`, MicrosoftAppId] : [];
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
    tokens: { audiences: AUTH_AUDIENCE.length ? AUTH_AUDIENCE : defaultAudiences, issuers: AUTH_ISSUER, jwks: AUTH_JWKS },
    devSignIn: DEV_SIGN_IN === 'on',
  };
}
