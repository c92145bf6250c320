// The bench's PostgreSQL databases: one per store size, made on the server BENCH_DATABASE_URL (else TEST_DATABASE_URL)
// names, whose role may create databases, and dropped at the end.
import pg from 'pg';
import { describeUrl } from '../../data/postgresStore.ts';

export interface BenchDatabase {
  url: string;
  drop(): Promise<void>;
}

/** The server the bench makes its databases on, or why the PostgreSQL part cannot run. */
export async function benchServer(env: NodeJS.ProcessEnv): Promise<{ url: string } | { skipped: string }> {
  const url = env.BENCH_DATABASE_URL || env.TEST_DATABASE_URL;
  if (!url) return { skipped: 'neither BENCH_DATABASE_URL nor TEST_DATABASE_URL is set' };
  try {
    await onServer(url, (c) => c.query('SELECT 1'));
    return { url };
  } catch (err) {
    return { skipped: `the server ${describeUrl(url)} does not answer (${(err as Error).message})` };
  }
}

async function onServer<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A new, empty database `name` on the server (one left by an earlier run is dropped first). */
export async function createBenchDatabase(serverUrl: string, name: string): Promise<BenchDatabase> {
  await onServer(serverUrl, async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${name}`);
  });
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => dropDatabase(serverUrl, name),
  };
}

/**
 * Drops `name`, ending the sessions still on it. An autovacuum worker busy with the tables just filled cannot be
 * ended by a role that is not a superuser (42501): it is waited for, up to half a minute.
 */
async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await onServer(serverUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
      return;
    } catch (err) {
      if ((err as { code?: string }).code !== '42501' || attempt >= 30) throw err;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}
