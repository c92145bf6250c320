import { fileURLToPath } from 'node:url';
import { openStore } from '../data/embeddedStore.ts';
import type { Store } from '../data/store.ts';
import type { Clock } from '../services/clock.ts';
import { importWorld, readWorld } from '../services/worldImport.ts';

export const demoWorldFile = fileURLToPath(new URL('../data/demo-world.json', import.meta.url));

/** Opens the store in `dataDir`; an empty one first gets the demo world. */
export async function openOrSeed(dataDir: string, clock: Clock): Promise<{ store: Store; seeded: boolean }> {
  const store = await openStore(dataDir);
  try {
    if (await store.hasDirectory()) return { store, seeded: false };
    await importWorld(store, await readWorld(demoWorldFile), 'the demo world', clock);
    return { store, seeded: true };
  } catch (err) {
    await store.close();
    throw err;
  }
}
