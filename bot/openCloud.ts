import { readFile } from 'node:fs/promises';
import type { Store } from '../data/store.ts';
import type { Clock } from '../services/clock.ts';
import { cloudDefaults, type CloudSettings } from '../services/cloud/cloudSettings.ts';
import { PartnerCenterCloud } from '../services/cloud/partnerCenterCloud.ts';
import { EmbeddedCloud } from '../services/embeddedCloud.ts';
import type { MicrosoftCloud } from '../services/microsoftCloud.ts';
import type { CloudConfig } from './config.ts';

/** The Microsoft cloud the configuration names: Partner Center and Azure with its credentials, else the embedded world in the store. */
export async function openCloud(config: CloudConfig | undefined, store: Store, clock: Clock): Promise<MicrosoftCloud> {
  return config ? new PartnerCenterCloud(await cloudSettings(config), clock) : new EmbeddedCloud(store);
}

async function cloudSettings({ credential, syncIntervalMs: _sync, singleSignOn: _sso, ...config }: CloudConfig): Promise<CloudSettings> {
  return { ...config, credential: 'secret' in credential ? credential : await certificate(credential.certificatePath), attemptTimeoutMs: cloudDefaults.attemptTimeoutMs, callTimeoutMs: cloudDefaults.callTimeoutMs };
}

/** The app's certificate and private key, from one PEM file (as Azure's tooling exports them). */
async function certificate(path: string): Promise<{ certificatePem: string; privateKeyPem: string }> {
  let pem: string;
  try {
    pem = await readFile(path, 'utf8');
  } catch (err) {
    throw new Error(`PARTNER_CENTER_CERTIFICATE_PATH: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}).`);
  }
  const certificatePem = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(pem)?.[0];
  const privateKeyPem = /-----BEGIN (?:RSA |EC )?PRIVATE KEY-----[\s\S]+?-----END (?:RSA |EC )?PRIVATE KEY-----/.exec(pem)?.[0];
  if (!certificatePem || !privateKeyPem) throw new Error(`PARTNER_CENTER_CERTIFICATE_PATH: ${path} must hold the certificate and its unencrypted private key, both PEM.`);
  return { certificatePem, privateKeyPem };
}
