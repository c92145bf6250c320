import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import pg from 'pg';
import { CopyRefused, copyToPostgres } from '../../data/copyToPostgres.ts';
import { openStore } from '../../data/embeddedStore.ts';
import { describeUrl, openPostgresStore } from '../../data/postgresStore.ts';
import type { LogEntry } from '../../data/schemas.ts';
import type { Store, StoreReads } from '../../data/store.ts';
import { StoreError } from '../../data/storeError.ts';
import { createServices } from '../../services/services.ts';
import type { Clock } from '../../services/clock.ts';
import { buy, quoteFor, tailspinOwner } from '../helpers/buying.ts';
import { RecordingMessenger } from '../helpers/recordingMessenger.ts';
import { rejectionOf } from '../helpers/rejectionOf.ts';
import { ask, decide, requestWorld, tailspinReservation, talkedToTheBot } from '../helpers/requesting.ts';
import { createTestDatabase, needsPostgres, type TestDatabase } from '../helpers/testDatabase.ts';
import { contosoId, openTestStore, people, personOf, storeContents, tailspinId, type TestStore } from '../helpers/testWorld.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const everything = { limit: 1_000_000 };

/**
 * Every delivery, found by its id (D-1, D-2, …; PostgreSQL may leave gaps): sent ones too, which storeContents finds
 * only when they are about a request.
 */
async function allDeliveries(store: StoreReads) {
  const found = [];
  for (let n = 1, missing = 0; missing < 20; n++) {
    const delivery = await store.delivery(`D-${n}`);
    if (delivery) found.push(delivery);
    missing = delivery ? 0 : missing + 1;
  }
  return found;
}

/** What a copy must carry over whole: everything readable through the Store's reads, and the whole log. */
async function holdings(store: Store) {
  return { contents: await storeContents(store), deliveries: await allDeliveries(store), log: await store.log.query(everything), count: await store.log.count() };
}

/**
 * A store used through the services, as the bot would leave it: settings changed, a permission turned on, chats
 * remembered, purchases (customers' ones noticed to Admin Agents), a quote not confirmed, requests pending and
 * decided, deliveries sent and one pending, and a refusal in the log.
 */
async function usedStore(): Promise<TestStore> {
  const t = await openTestStore(requestWorld(), undefined, { backend: 'embedded' });
  const admin = await personOf(t.services, people.admin);
  await talkedToTheBot(t, people.admin, people.admin2, tailspinOwner);
  await t.services.settings.setPurchaseNotifications(admin, true);
  await t.services.settings.setRequestLifetime(admin, '10');
  await t.services.permissions.set(admin, contosoId, true);
  await t.services.permissions.set(await personOf(t.services, people.helpdesk), contosoId, false).catch(() => undefined);
  const first = await tailspinReservation(t, '2026-01-31');
  const second = await tailspinReservation(t, '2026-02-02', 1);
  await t.delivered();
  await ask(t, tailspinOwner, first, { kind: 'Renew', autoRenew: true }, 'Keep it going');
  await decide(t, 'REQ-1001', 'Approved');
  await t.delivered();
  t.clock.set('2026-03-01T12:00:00.000Z');
  await ask(t, tailspinOwner, second, { kind: 'Cancel' });
  await buy(t, people.admin, tailspinId, { quantity: 3 });
  await quoteFor(t, tailspinOwner, tailspinId, { quantity: 5 });
  await t.store.transaction((tx) =>
    tx.addDelivery((id) => ({ id, to: { reference: { conversation: { id: 'later' } } }, message: { kind: 'text', text: 'Later' }, createdAt: t.clock().toISOString(), state: 'Pending', attempts: 0, nextAttemptAt: '2027-01-01T00:00:00.000Z' })),
  );
  return t;
}

describe('copy an embedded store into PostgreSQL (data/copyToPostgres.ts, npm run copy-to-postgres)', function () {
  needsPostgres(this);
  let database: TestDatabase;
  const cleanups: (() => Promise<unknown>)[] = [];
  beforeEach(async () => {
    database = await createTestDatabase();
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
    // An autovacuum worker visiting the new database cannot be ended by a role that is not a superuser (42501): wait for it.
    for (let attempt = 1; ; attempt++) {
      try {
        return await database.drop();
      } catch (err) {
        if ((err as { code?: string }).code !== '42501' || attempt === 20) throw err;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  });

  async function openedPostgres(url = database.url): Promise<Store> {
    const store = await openPostgresStore(url, { warn: () => undefined });
    cleanups.push(() => store.close());
    return store;
  }

  async function closedUsedStore(): Promise<{ t: TestStore; before: Awaited<ReturnType<typeof holdings>> }> {
    const t = await usedStore();
    cleanups.push(() => t.dispose());
    // Read once the delivery worker has stopped and the store is closed: what is on disk, as the copy reads it.
    await t.close();
    const reopened = await openStore(t.dataDir);
    const before = await holdings(reopened).finally(() => reopened.close());
    return { t, before };
  }

  it('copies everything, ids, order and log numbers included, and says what it copied', async () => {
    const { t, before } = await closedUsedStore();
    expect(before.contents.reservations.map((r) => r.id)).to.include.members(['R-1001', 'R-1002', 'R-1003']);
    expect(before.contents.requests.map((r) => [r.id, r.state])).to.deep.equal([['REQ-1001', 'Approved'], ['REQ-1002', 'Pending']]);
    expect(before.contents.quotes.map((q) => q.request.quantity)).to.include(5);
    expect(before.deliveries.map((d) => d.state)).to.include.members(['Sent', 'Pending']);
    expect(before.log.some((e) => e.outcome === 'Refused')).to.equal(true);

    const report = await copyToPostgres(t.dataDir, database.url);

    const store = await openedPostgres();
    expect(await holdings(store)).to.deep.equal(before);
    expect(report.counts).to.deep.equal({
      agents: 4,
      products: 3,
      prices: 6,
      customers: 5,
      reservations: before.contents.reservations.length,
      orders: before.contents.orders.length,
      quotes: before.contents.quotes.length,
      conversations: 3,
      requests: 2,
      deliveries: before.deliveries.length,
      logEntries: before.count,
    });
    expect(report.lastSeq).to.equal(before.log[0]!.seq);
    expect(report.to).to.equal(describeUrl(database.url));
    expect(report.to).not.to.include(`:${new URL(database.url).password}@`);
  });

  it('leaves every sequence past what it copied: new records and log entries get fresh ids and come last', async () => {
    const { t, before } = await closedUsedStore();
    await copyToPostgres(t.dataDir, database.url);
    const highest = (ids: string[], prefix: string) => Math.max(...ids.filter((id) => id.startsWith(prefix)).map((id) => Number(id.slice(prefix.length))));
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const [numbers] = (
      await client.query(
        `SELECT ${['order_number', 'reservation_number', 'request_number', 'delivery_number', 'activity_seq'].map((s) => `(SELECT last_value FROM ${s}) AS ${s}`).join(', ')}`,
      ).finally(() => client.end())
    ).rows;
    expect(Object.fromEntries(Object.entries(numbers).map(([name, value]) => [name, Number(value)]))).to.deep.equal({
      order_number: highest(before.contents.orders.map((o) => o.id), 'O-'),
      reservation_number: highest(before.contents.reservations.map((r) => r.id), 'R-'),
      request_number: 1002,
      delivery_number: before.deliveries.length,
      activity_seq: before.log[0]!.seq,
    });

    const store = await openedPostgres();
    const services = createServices(store, t.clock as Clock, new RecordingMessenger());
    cleanups.push(() => services.deliveries.stop());
    const onPostgres = { ...t, store, services };

    const purchase = await buy(onPostgres, tailspinOwner, tailspinId);
    const request = await ask(onPostgres, tailspinOwner, purchase.reservation.id, { kind: 'Cancel' });
    const added = await store.transaction(async (tx) => {
      await tx.saveCustomer({ id: 'woodgrove-tenant', name: 'Woodgrove Bank', domain: 'woodgrove.example', users: [], subscriptions: [], managementGroups: [], purchasePermission: { enabled: false }, savingsPlanPermission: { enabled: false } });
      return {
        delivery: await tx.addDelivery((id) => ({ id, to: { reference: { conversation: { id: 'x' } } }, message: { kind: 'text', text: 'hello' }, createdAt: t.clock().toISOString(), state: 'Pending', attempts: 0, nextAttemptAt: t.clock().toISOString() })),
        entry: await tx.log({ at: t.clock().toISOString(), actor: { tenantId: 'partner-tenant', userId: 'system', name: 'bot', role: 'System' }, operation: 'Test', outcome: 'Succeeded' }),
      };
    });

    // On PostgreSQL a transaction run again after a conflict (the delivery worker writes meanwhile) leaves a gap in the numbers.
    const numberOf = (id: string, prefix: string) => (id.startsWith(prefix) ? Number(id.slice(prefix.length)) : NaN);
    expect(numberOf(purchase.reservation.id, 'R-')).to.be.above(highest(before.contents.reservations.map((r) => r.id), 'R-'));
    expect(numberOf(purchase.order.id, 'O-')).to.be.above(highest(before.contents.orders.map((o) => o.id), 'O-'));
    expect(numberOf(request.request.id, 'REQ-')).to.be.above(1002);
    expect(numberOf(added.delivery.id, 'D-')).to.be.above(before.deliveries.length);
    const reservations = await store.reservations(tailspinId);
    expect(reservations.slice(0, -1)).to.deep.equal(before.contents.reservations.filter((r) => r.customerId === tailspinId));
    expect(reservations.at(-1)!.id).to.equal(purchase.reservation.id);
    expect((await store.requests()).map((r) => r.id)).to.deep.equal([...before.contents.requests.map((r) => r.id), request.request.id]);
    const deliveries = await allDeliveries(store);
    expect(deliveries.slice(0, before.deliveries.length)).to.deep.equal(before.deliveries);
    expect(deliveries.at(-1)!.id).to.equal(added.delivery.id).and.not.equal(before.deliveries.at(-1)!.id);
    expect(added.entry.seq).to.be.above(before.log[0]!.seq);
    const log = await store.log.query(everything);
    expect(log.slice(-before.log.length)).to.deep.equal(before.log);
    expect(new Set(log.map((e: LogEntry) => e.seq)).size).to.equal(log.length);
    expect((await store.customerNames()).map((c) => c.id)).to.deep.equal([...before.contents.customers.map((c) => c.id), 'woodgrove-tenant']);
  });

  it('refuses a database that holds anything, and leaves it as it was', async () => {
    const { t, before } = await closedUsedStore();
    await copyToPostgres(t.dataDir, database.url);
    const other = await openTestStore(undefined, undefined, { backend: 'embedded' });
    cleanups.push(() => other.dispose());
    await other.close();

    const refused = await rejectionOf(copyToPostgres(other.dataDir, database.url), CopyRefused);
    expect(refused.message).to.match(/is not empty \(partner, settings, .*activity_log have rows\).*Nothing was changed/);
    expect(refused.message).not.to.include(`:${new URL(database.url).password}@`);
    expect(await holdings(await openedPostgres())).to.deep.equal(before);
  });

  it('refuses a database with only log entries in it', async () => {
    const { t } = await closedUsedStore();
    const store = await openPostgresStore(database.url, { warn: () => undefined });
    await store.transaction((tx) => tx.log({ at: '2026-01-01T00:00:00.000Z', actor: { tenantId: 'x', userId: 'y', name: 'z', role: 'System' }, operation: 'Test', outcome: 'Succeeded' }));
    await store.close();
    const refused = await rejectionOf(copyToPostgres(t.dataDir, database.url), CopyRefused);
    expect(refused.message).to.include('(activity_log has rows)');
    const after = await openedPostgres();
    expect(await after.hasDirectory()).to.equal(false);
    expect(await after.log.count()).to.equal(1);
  });

  it('refuses a folder a bot has open (its lock), and a folder without a store, copying nothing', async () => {
    const t = await usedStore();
    cleanups.push(() => t.dispose());
    const held = await rejectionOf(copyToPostgres(t.dataDir, database.url), StoreError);
    expect(held.message).to.include('is in use by');
    const empty = await mkdtemp(join(tmpdir(), 'csp-copy-empty-'));
    cleanups.push(() => rm(empty, { recursive: true, force: true }));
    expect((await rejectionOf(copyToPostgres(empty, database.url), CopyRefused)).message).to.include('holds no embedded store');
    const store = await openedPostgres();
    expect(await store.hasDirectory()).to.equal(false);
    expect(await store.log.count()).to.equal(0);
  });

  describe('npm run copy-to-postgres', () => {
    async function run(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
      const child = spawn(process.execPath, ['--import=tsx', 'bot/copyCommand.ts', ...args], { cwd: repoRoot, env: { ...process.env, DATABASE_URL: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk) => (stdout += chunk));
      child.stderr.on('data', (chunk) => (stderr += chunk));
      const [code] = await once(child, 'exit');
      return { code: code as number | null, stdout, stderr };
    }

    it('copies DATA_DIR, prints the counts and the URL without its password; a second copy is refused with status 1', async () => {
      const { t } = await closedUsedStore();
      const url = new URL(database.url);
      const copied = await run([], { DATA_DIR: t.dataDir, DATABASE_URL: database.url });
      expect(copied.stderr).to.equal('');
      expect(copied.code).to.equal(0);
      expect(copied.stdout).to.include(`Copied ${t.dataDir} into postgres://${url.username}@${url.host}/${database.name} in `);
      expect(copied.stdout).to.match(/the partner with 4 agents, settings, 5 customers, 3 products, 6 prices,/);
      expect(copied.stdout).to.match(/\d+ quotes, 3 conversations, 2 requests, \d+ deliveries,/);
      expect(copied.stdout).not.to.include(`:${url.password}@`);

      const again = await run([t.dataDir], { DATABASE_URL: database.url });
      expect(again.code).to.equal(1);
      expect(again.stderr).to.match(/^Not copied: .* is not empty/m);
    });

    it('prints its usage for bad arguments or without DATABASE_URL (status 2)', async () => {
      const tooMany = await run(['a', 'b'], { DATABASE_URL: database.url });
      expect(tooMany.code).to.equal(2);
      expect(tooMany.stderr).to.include('Usage: npm run copy-to-postgres');
      const noUrl = await run(['some-folder'], {});
      expect(noUrl.code).to.equal(2);
      expect(noUrl.stderr).to.include('Set DATABASE_URL');
    });
  });
});
