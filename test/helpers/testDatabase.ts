import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { migrate, migrationsDir } from '../../data/migrate.ts';

/**
 * The PostgreSQL server the tests use: TEST_DATABASE_URL names a role that may create databases (.ci/start-postgres
 * starts a throwaway one and prints it). Each test gets a database of its own, copied from a migrated template.
 */
export const testDatabaseUrl = process.env.TEST_DATABASE_URL;

/** Whether the whole suite runs on PostgreSQL rather than the embedded store (`TEST_STORE=postgres`). */
export const suiteOnPostgres = process.env.TEST_STORE === 'postgres';

/**
 * For a describe block whose tests need PostgreSQL: without TEST_DATABASE_URL they are skipped on a developer's
 * machine, and fail under CI (CI=true), where a database is part of the run.
 */
export function needsPostgres(suite: Mocha.Suite): void {
  suite.beforeAll(function () {
    if (testDatabaseUrl) return;
    if (process.env.CI) throw new Error('TEST_DATABASE_URL is not set: CI runs the PostgreSQL tests against the server .ci/start-postgres starts');
    this.skip();
  });
}

function serverUrl(database: string): string {
  if (!testDatabaseUrl) throw new Error('TEST_DATABASE_URL is not set (see README, "Tests on PostgreSQL")');
  const url = new URL(testDatabaseUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function onServer<T>(work: (client: pg.Client) => Promise<T>, database = new URL(serverUrl('postgres')).pathname.slice(1)): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl(database) });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** The template's name says which migrations it holds, so that a changed migration makes a new one. */
function templateName(): string {
  const hash = createHash('sha1');
  for (const file of readdirSync(migrationsDir).sort()) hash.update(file).update(readFileSync(join(migrationsDir, file)));
  return `csp_template_${hash.digest('hex').slice(0, 12)}`;
}

let template: Promise<string> | undefined;

/** The migrated template, made once (by whichever test process gets there first) and kept on the server. */
function migratedTemplate(): Promise<string> {
  template ??= (async () => {
    const name = templateName();
    const exists = await onServer(async (c) => (await c.query('SELECT FROM pg_database WHERE datname = $1', [name])).rowCount === 1);
    if (exists) return name;
    const building = `${name}_${process.pid}`;
    await onServer((c) => c.query(`CREATE DATABASE ${building}`));
    await onServer((c) => migrate(c), building);
    await onServer(async (c) => {
      try {
        await c.query(`ALTER DATABASE ${building} RENAME TO ${name}`);
      } catch (err) {
        // Another test process made it first: theirs is the same.
        if ((err as { code?: string }).code !== '42P04') throw err;
        await c.query(`DROP DATABASE ${building}`);
      }
    });
    return name;
  })();
  template.catch(() => (template = undefined));
  return template;
}

let made = 0;

export interface TestDatabase {
  /** The database's URL, as DATABASE_URL would give it. */
  url: string;
  name: string;
  /** Drops it, even with connections still open. */
  drop(): Promise<void>;
}

/** A new database of its own for one test: migrated (copied from the template), or `empty` as a new one is. */
export async function createTestDatabase({ empty = false } = {}): Promise<TestDatabase> {
  const source = empty ? 'template0' : await migratedTemplate();
  const name = `csp_test_${process.pid}_${++made}`;
  // FILE_COPY (PostgreSQL 15) copies the template's few files in about a third of the time WAL_LOG takes, once per test.
  await onServer((c) => c.query(`CREATE DATABASE ${name} TEMPLATE ${source} STRATEGY FILE_COPY`));
  return {
    url: serverUrl(name),
    name,
    drop: () => dropDatabase(name),
  };
}

/**
 * Drops a database, ending the test's connections to it. FORCE may not end an autovacuum worker that happens to be
 * in it (42501: only a superuser or pg_signal_backend may), but a worker is done within moments: it is tried again.
 */
async function dropDatabase(name: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await onServer((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
      return;
    } catch (err) {
      if ((err as { code?: string }).code !== '42501' || attempt === 50) throw err;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
