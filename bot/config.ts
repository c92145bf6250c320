import { z } from 'zod';
import { describeIssues } from '../data/describeIssues.ts';

const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3978),
  HOST: z.string().min(1).optional(),
  DATA_DIR: z.string().min(1).default('./.data'),
  MicrosoftAppId: z.string().default(''),
  MicrosoftAppPassword: z.string().default(''),
  MicrosoftAppTenantId: z.string().default(''),
  MicrosoftAppType: z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI', '']).default(''),
});

export interface Config {
  port: number;
  /** Without bot credentials anyone who can reach the port could claim any identity, so local development listens on loopback only. */
  host: string;
  dataDir: string;
  bot: { MicrosoftAppId: string; MicrosoftAppPassword: string; MicrosoftAppTenantId: string; MicrosoftAppType: string };
  /** True when MicrosoftAppId is empty: requests are not authenticated (local development only). */
  localDevelopment: boolean;
}

/** Reads the configuration from the environment; a bad value stops start-up with a message naming it. */
export function readConfig(env: NodeJS.ProcessEnv): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) throw new Error(`Bad configuration:\n${describeIssues(parsed.error)}`);
  const { PORT, HOST, DATA_DIR, MicrosoftAppId, MicrosoftAppPassword, MicrosoftAppTenantId, MicrosoftAppType } = parsed.data;
  const localDevelopment = MicrosoftAppId === '';
  return {
    port: PORT,
    host: HOST ?? (localDevelopment ? '127.0.0.1' : '0.0.0.0'),
    dataDir: DATA_DIR,
    bot: { MicrosoftAppId, MicrosoftAppPassword, MicrosoftAppTenantId, MicrosoftAppType: MicrosoftAppType || 'MultiTenant' },
    localDevelopment,
  };
}
