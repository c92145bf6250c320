import { z } from 'zod';
import { describeIssues } from '../data/describeIssues.ts';

const list = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((s) => s.split(',').map((v) => v.trim()).filter(Boolean));

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3978),
  HOST: z.string().min(1).optional(),
  DATA_DIR: z.string().min(1).default('./.data'),
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

export interface Config {
  port: number;
  /** Without bot credentials anyone who can reach the port could claim any identity, so local development listens on loopback only. */
  host: string;
  dataDir: string;
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
  const { PORT, HOST, DATA_DIR, MicrosoftAppId, MicrosoftAppPassword, MicrosoftAppTenantId, MicrosoftAppType, PUBLIC_HOST, AUTH_AUDIENCE, AUTH_ISSUER, AUTH_JWKS, DEV_SIGN_IN } = parsed.data;
  const localDevelopment = MicrosoftAppId === '';
  if (DEV_SIGN_IN === 'on' && !localDevelopment) throw new Error('Bad configuration:\nDEV_SIGN_IN: the development sign-in lets anyone be anyone, so it works only in local development (without MicrosoftAppId). Unset DEV_SIGN_IN.');
  const defaultAudiences = MicrosoftAppId && PUBLIC_HOST ? [`api://${PUBLIC_HOST}/${MicrosoftAppId}`, MicrosoftAppId] : [];
  return {
    port: PORT,
    host: HOST ?? (localDevelopment ? '127.0.0.1' : '0.0.0.0'),
    dataDir: DATA_DIR,
    bot: { MicrosoftAppId, MicrosoftAppPassword, MicrosoftAppTenantId, MicrosoftAppType: MicrosoftAppType || 'MultiTenant' },
    localDevelopment,
    tokens: { audiences: AUTH_AUDIENCE.length ? AUTH_AUDIENCE : defaultAudiences, issuers: AUTH_ISSUER, jwks: AUTH_JWKS },
    devSignIn: DEV_SIGN_IN === 'on',
  };
}
