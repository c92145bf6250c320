import { fileURLToPath } from 'node:url';
import { hasDirectory, openStore, type Store } from '../data/store.ts';
import type { Clock } from '../services/clock.ts';
import { importWorld, readWorld } from '../services/worldImport.ts';

export const demoWorldFile = fileURLToPath(new URL('../data/demo-world.json', import.meta.url));

/** Opens the store in `dataDir`; an empty one first gets the demo world. */
export async function openOrSeed(dataDir: string, clock: Clock): Promise<{ store: Store; seeded: boolean }> {
  if (hasDirectory(dataDir)) return { store: await openStore(dataDir), seeded: false };
  return { store: await importWorld(dataDir, await readWorld(demoWorldFile), 'the demo world', clock), seeded: true };
}
