import { fileURLToPath } from 'node:url';
import type { Store } from '../data/store.ts';
import type { Clock } from '../services/clock.ts';
import { importWorld, readWorld } from '../services/worldImport.ts';
import type { StoreConfig } from './config.ts';
import { openConfiguredStore } from './openConfiguredStore.ts';

export const demoWorldFile = fileURLToPath(new URL('../data/demo-world.json', import.meta.url));

/** Opens the configured store; an empty one first gets the demo world. */
export async function openOrSeed(config: StoreConfig, clock: Clock): Promise<{ store: Store; seeded: boolean }> {
  const store = await openConfiguredStore(config);
  try {
    if (await store.hasDirectory()) return { store, seeded: false };
    return { store, seeded: await importWorld(store, await readWorld(demoWorldFile), 'the demo world', clock, { ifEmpty: true }) };
  } catch (err) {
    await store.close();
    throw err;
  }
}
