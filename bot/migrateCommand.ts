import pg from 'pg';
import { migrate } from '../data/migrate.ts';
import { describeUrl } from '../data/postgresStore.ts';
import { readConfig } from './config.ts';

// `npm run migrate`: applies the PostgreSQL store's migrations that DATABASE_URL's database does not have yet.
// The bot also does this at start; this lets an operator migrate first (for example with a role that owns the
// tables), or check that nothing is left to apply.
try {
  const { database } = readConfig(process.env);
  if (!database) {
    console.error('Set DATABASE_URL to the postgres:// URL of the database to migrate (the embedded store needs no migrations).');
    process.exit(2);
  }
  const client = new pg.Client({ connectionString: database.url, connectionTimeoutMillis: database.options.connectTimeoutMs });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const applied = await migrate(client);
    console.log(applied.length ? `Applied ${applied.join(', ')} to ${describeUrl(database.url)}.` : `${describeUrl(database.url)} is up to date: no migration to apply.`);
  } finally {
    await client.end();
  }
} catch (err) {
  console.error(`Cannot migrate: ${(err as Error).message}`);
  process.exit(1);
}
