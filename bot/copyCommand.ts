import { copyToPostgres, type CopyReport } from '../data/copyToPostgres.ts';
import { describeUrl } from '../data/postgresStore.ts';
import { readConfig } from './config.ts';

// `npm run copy-to-postgres`: moves an embedded store into PostgreSQL (see data/copyToPostgres.ts).

const usage = [
  'Usage: npm run copy-to-postgres [-- <data folder>]',
  'Copies the embedded store in the folder (default: DATA_DIR, else ./.data) into the PostgreSQL database DATABASE_URL names,',
  'in one transaction, keeping every id, the order of records and the log entries with their numbers. The database must',
  'hold nothing yet (its migrations are applied first), and the bot must not be running on the folder.',
  'Exit status: 0 copied, 1 refused or failed (nothing was changed), 2 bad arguments.',
].join('\n');

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--help' || args[0] === '-h')) {
  console.log(usage);
  process.exit(0);
}
if (args.length > 1 || args.some((a) => a.startsWith('-'))) {
  console.error(usage);
  process.exit(2);
}

let config: ReturnType<typeof readConfig>;
try {
  config = readConfig(process.env);
} catch (err) {
  console.error(`${(err as Error).message}\n\n${usage}`);
  process.exit(2);
}
if (!config.database) {
  console.error(`Set DATABASE_URL to the postgres:// URL of the database to copy into.\n\n${usage}`);
  process.exit(2);
}
const dataDir = args[0] ?? config.dataDir;

const count = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

function describe({ from, to, counts: c, lastSeq, ms }: CopyReport): string {
  return [
    `Copied ${from} into ${to} in ${(ms / 1000).toFixed(1)} s:`,
    `  the partner with ${count(c.agents, 'agent')}, settings, ${count(c.customers, 'customer')}, ${count(c.products, 'product')}, ${count(c.prices, 'price')},`,
    `  ${count(c.reservations, 'reservation')}, ${count(c.orders, 'order')}, ${count(c.quotes, 'quote')}, ${count(c.conversations, 'conversation')}, ${count(c.requests, 'request')}, ${count(c.deliveries, 'delivery', 'deliveries')},`,
    `  ${count(c.logEntries, 'log entry', 'log entries')}${c.logEntries ? ` (the last numbered ${lastSeq})` : ''}.`,
    `Start the bot with DATABASE_URL set to use it; ${from} was left as it was.`,
  ].join('\n');
}

console.log(`Copying ${dataDir} into ${describeUrl(config.database.url)} …`);
try {
  console.log(describe(await copyToPostgres(dataDir, config.database.url)));
} catch (err) {
  console.error(`Not copied: ${(err as Error).message}`);
  process.exit(1);
}
