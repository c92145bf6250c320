import { resolve } from 'node:path';
import { systemClock } from '../services/clock.ts';
import { importWorld, readWorld } from '../services/worldImport.ts';
import { readConfig } from './config.ts';
import { openConfiguredStore } from './openConfiguredStore.ts';

const usage = 'Usage: npm run seed -- <world.json> [--replace]\nLoads a partner, its agents, customers, products and prices into the store: the database DATABASE_URL names, else the folder DATA_DIR (default ./.data).';

const args = process.argv.slice(2);
const replace = args.includes('--replace');
const files = args.filter((a) => a !== '--replace');
if (files.length !== 1 || files[0]!.startsWith('-')) {
  console.error(usage);
  process.exit(2);
}
const file = resolve(files[0]!);
const config = readConfig(process.env);

// Partner Center mode: customers come from Partner Center; the file gives the partner, its agents and its prices.
const partnerCenter = config.cloud;

try {
  const world = await readWorld(file);
  if (partnerCenter && world.customers.length) {
    throw new Error(`${file} lists customers, but with Partner Center (PARTNER_TENANT_ID is set) customers come from Partner Center: leave "customers" empty. The store's customers are kept as they are.`);
  }
  if (partnerCenter && world.partner.tenantId !== partnerCenter.partnerTenantId) {
    throw new Error(`${file} is the directory of the partner tenant ${world.partner.tenantId}, not PARTNER_TENANT_ID ${partnerCenter.partnerTenantId}.`);
  }
  // Opening an embedded store takes the folder's lock: while the bot runs on it, this is refused, naming the bot's process.
  const store = await openConfiguredStore(config);
  let refused: boolean;
  try {
    refused = !(await importWorld(store, world, file, systemClock, { ifEmpty: !replace, keepCustomers: Boolean(partnerCenter) }));
  } finally {
    await store.close();
  }
  if (refused) {
    console.error(`${store.location} already holds a directory. Pass --replace to overwrite it with ${file} (the activity log is kept).`);
    process.exit(1);
  }
  const customers = partnerCenter ? 'the customers from Partner Center kept' : `${world.customers.length} customers`;
  console.log(`Loaded ${world.partner.name}: ${world.partner.agents.length} agents, ${customers}, ${world.products.length} products, ${world.prices.length} prices into ${store.location}.`);
} catch (err) {
  console.error((err as Error).message);
  process.exit(1);
}
