import { fileURLToPath } from 'node:url';
import { runner } from 'node-pg-migrate';
import type pg from 'pg';

/** The versioned SQL migrations of the PostgreSQL store, applied in the order of their names. */
export const migrationsDir = fileURLToPath(new URL('./migrations', import.meta.url));

/**
 * Applies the migrations the database does not have yet, in one transaction, under node-pg-migrate's advisory
 * lock: instances starting together wait for each other, and only the first applies anything. Resolves with
 * the names of the migrations applied.
 */
export async function migrate(client: pg.ClientBase, log: (message: string) => void = () => undefined): Promise<string[]> {
  const applied = await runner({
    dbClient: client,
    dir: migrationsDir,
    direction: 'up',
    migrationsTable: 'pgmigrations',
    checkOrder: true,
    singleTransaction: true,
    advisoryLockMode: 'wait',
    log,
  });
  return applied.map((m) => m.name);
}
