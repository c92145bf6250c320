import { openStore } from '../data/embeddedStore.ts';
import { openPostgresStore } from '../data/postgresStore.ts';
import type { Store } from '../data/store.ts';
import type { StoreConfig } from './config.ts';

/** The store the configuration names: PostgreSQL when DATABASE_URL is set, else the embedded store in DATA_DIR. */
export function openConfiguredStore({ dataDir, database }: StoreConfig): Promise<Store> {
  return database ? openPostgresStore(database.url, database.options) : openStore(dataDir);
}
