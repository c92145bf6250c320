import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../data/embeddedStore.ts';
import { openPostgresStore } from '../../data/postgresStore.ts';
import type { Store } from '../../data/store.ts';
import { createTestDatabase, suiteOnPostgres } from './testDatabase.ts';

export type Backend = 'embedded' | 'postgres';

/** The backend the suite runs on: PostgreSQL with TEST_STORE=postgres, else the embedded store. */
export const suiteBackend: Backend = suiteOnPostgres ? 'postgres' : 'embedded';

/** What a store opened on a place is told (the embedded store's and PostgreSQL's options have it alike). */
export interface OpenOptions {
  warn?: (message: string) => void;
}

/**
 * Where one test's store lives, as a bot started on it finds it: a temporary folder (DATA_DIR, which also holds
 * files a test puts there) and, on PostgreSQL, a database of its own (DATABASE_URL). Each open() opens the same
 * store again, as a restarted bot does.
 */
export interface StorePlace {
  backend: Backend;
  dataDir: string;
  /**
   * The environment a bot process or `npm run seed` over this place is given. DATABASE_URL is empty for the
   * embedded store, so that one set in the test's own environment is not inherited.
   */
  env: { DATA_DIR: string; DATABASE_URL: string };
  open(options?: OpenOptions): Promise<Store>;
  /** Deletes the folder and drops the database; close the stores opened on it first. */
  dispose(): Promise<void>;
}

export interface StorePlaceOptions {
  /** The suite's by default; `embedded` for a test about the embedded store's files. */
  backend?: Backend;
  /** How the temporary folder's name starts. */
  prefix?: string;
}

/** A new, empty place for a store. */
export async function createStorePlace({ backend = suiteBackend, prefix = 'csp-bot-test-' }: StorePlaceOptions = {}): Promise<StorePlace> {
  const dataDir = await mkdtemp(join(tmpdir(), prefix));
  const removeFolder = () => rm(dataDir, { recursive: true, force: true });
  if (backend === 'embedded') {
    return { backend, dataDir, env: { DATA_DIR: dataDir, DATABASE_URL: '' }, open: (options) => openStore(dataDir, options), dispose: removeFolder };
  }
  const database = await createTestDatabase().catch(async (err: unknown) => {
    await removeFolder();
    throw err;
  });
  return {
    backend,
    dataDir,
    env: { DATA_DIR: dataDir, DATABASE_URL: database.url },
    open: (options) => openPostgresStore(database.url, options),
    async dispose() {
      await database.drop();
      await removeFolder();
    },
  };
}
