import { fileURLToPath } from 'node:url';
import type { Store } from '../data/store.ts';
import type { Clock } from '../services/clock.ts';
import { importWorld, readWorld } from '../services/worldImport.ts';
import type { StoreConfig } from './config.ts';
import { openConfiguredStore } from './openConfiguredStore.ts';

export const demoWorldFile = fileURLToPath(new URL('../data/demo-world.json', import.meta.url));

/**
 * Opens the configured store; an empty one first gets the demo world. With Partner Center (`partnerTenantId`), the
 * store must hold that partner's directory (its agents and price list; customers come from Partner Center): the demo
 * world is never mixed with a real partner's customers.
 */
export async function openOrSeed(config: StoreConfig, clock: Clock, partnerTenantId?: string): Promise<{ store: Store; seeded: boolean }> {
  const store = await openConfiguredStore(config);
  try {
    if (partnerTenantId) {
      if (!(await store.hasDirectory())) throw new Error(`${store.location} holds no partner directory. With Partner Center, load yours first: npm run seed -- your-partner.json (your partner tenant id, agents, products and prices; customers come from Partner Center). See README, "Connecting to Partner Center".`);
      const partner = await store.partner();
      if (partner.tenantId !== partnerTenantId) throw new Error(`${store.location} holds the directory of the partner tenant ${partner.tenantId}, not PARTNER_TENANT_ID ${partnerTenantId}. Load your own directory with npm run seed -- your-partner.json --replace, or use another DATA_DIR or DATABASE_URL.`);
      return { store, seeded: false };
    }
    if (await store.hasDirectory()) return { store, seeded: false };
    return { store, seeded: await importWorld(store, await readWorld(demoWorldFile), 'the demo world', clock, { ifEmpty: true }) };
  } catch (err) {
    await store.close();
    throw err;
  }
}
