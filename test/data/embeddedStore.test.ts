import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFile, cp, mkdir, mkdtemp, readdir, readFile, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { activityFile, openStore, storeFile, type EmbeddedStoreOptions } from '../../data/embeddedStore.ts';
import { segmentName } from '../../data/journal.ts';
import { checkFile } from '../../data/snapshot.ts';
import { logEntrySchema } from '../../data/schemas.ts';
import type { Store } from '../../data/store.ts';
import { StoreError } from '../../data/storeError.ts';
import { rejectionOf } from '../helpers/rejectionOf.ts';
import { writeBigStore } from './bigStore.ts';
import { describeStoreContract } from './storeContract.ts';
import { contosoId, conversation, delivery, fabrikamId, logEntry, partnerTenant, pause, purchaseOf, quote, request, seedDirectory, tailspinId } from './storeRecords.ts';

describeStoreContract('embedded (data/embeddedStore.ts)', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'csp-bot-store-'));
  const store = await openStore(dataDir, { warn: () => undefined });
  return {
    store,
    async dispose() {
      await store.close().catch(() => undefined);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
});

const journalFiles = async (dir: string) => (await readdir(dir)).filter((f) => f.startsWith('journal-')).sort();
const onDisk = async (dir: string) => JSON.parse(await readFile(storeFile(dir), 'utf8'));

/** Waits until `check` holds (a background snapshot), failing after `ms`. */
async function eventually(check: () => Promise<boolean>, what: string, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting until ${what}`);
    await pause(10);
  }
}

describe('embedded store (data/embeddedStore.ts)', () => {
  let dir: string;
  let opened: Store[] = [];
  let warnings: string[] = [];
  const open = async (options: EmbeddedStoreOptions = {}, at = dir) => {
    const store = await openStore(at, { warn: (m) => warnings.push(m), ...options });
    opened.push(store);
    return store;
  };
  const seeded = async (options: EmbeddedStoreOptions = {}) => {
    const store = await open(options);
    await store.transaction((tx) => tx.replaceDirectory(seedDirectory()));
    return store;
  };
  /** The folder as a crash would leave it: copied while the store is open (its lock then names a process that has not got it open). */
  const crashImage = async () => {
    const copy = await mkdtemp(join(tmpdir(), 'csp-bot-crash-image-'));
    await cp(dir, copy, { recursive: true });
    return copy;
  };

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'csp-bot-embedded-'));
    warnings = [];
  });
  afterEach(async () => {
    await Promise.all(opened.map((s) => s.close().catch(() => undefined)));
    opened = [];
    await rm(dir, { recursive: true, force: true });
  });

  /** Everything a store holds, read back for comparing two stores. */
  async function contents(store: Store) {
    const names = await store.customerNames();
    const ids = names.map((c) => c.id);
    return {
      partner: await store.partner(),
      settings: await store.settings(),
      customers: await store.customers(ids),
      products: await store.products(),
      prices: await store.prices(),
      reservations: await Promise.all(ids.map((id) => store.reservations(id))),
      orders: await Promise.all(ids.map((id) => store.orders(id))),
      requests: await store.requests(),
      quotes: await store.quotesBy(tailspinId, 'tailspin-owner'),
      conversation: await store.conversation(partnerTenant, 'admin-1'),
      deliveries: await store.deliveriesAbout('REQ-1001'),
      log: await store.log.query({ limit: 100 }),
    };
  }

  async function someWork(store: Store) {
    await store.transaction(async (tx) => {
      await tx.addPurchase(purchaseOf('q-1'));
      await tx.addPurchase(purchaseOf('q-2', { customerId: contosoId, autoRenew: true }));
      await tx.log(logEntry({ target: 'bought' }));
    });
    await store.transaction(async (tx) => {
      await tx.addRequest((id) => request(id));
      await tx.addDelivery((id) => delivery(id));
      await tx.saveQuote(quote('q-3', '2026-11-24T09:00:00.000Z'));
      await tx.saveConversation(conversation('admin-1', 'chat-1'));
      await tx.saveSettings({ purchaseNotifications: true, requestLifetimeDays: 5 });
      await tx.saveCustomer({ ...(await tx.customer(fabrikamId))!, purchasePermission: { enabled: true, changedAt: '2026-11-24T09:00:00.000Z', changedBy: 'admin-1' } });
      await tx.log(logEntry({ target: 'asked' }));
    });
  }

  describe('reopening', () => {
    it('keeps everything after close: records, settings, log; ids and log numbers go on', async () => {
      const store = await seeded();
      await someWork(store);
      const before = await contents(store);
      await store.close();
      expect(await journalFiles(dir), 'close writes the snapshot and drops the journal').to.deep.equal([]);
      const again = await open();
      expect(await contents(again)).to.deep.equal(before);
      const next = await again.transaction(async (tx) => ({ bought: await tx.addPurchase(purchaseOf('q-9')), entry: await tx.log(logEntry()) }));
      expect([next.bought.order.id, next.bought.reservation.id, next.entry.seq]).to.deep.equal(['O-1003', 'R-1003', 3]);
      expect(warnings).to.deep.equal([]);
    });

    it('keeps everything when the process ends without close: the journal is replayed', async () => {
      const store = await seeded();
      await someWork(store);
      const before = await contents(store);
      const image = await crashImage();
      try {
        const again = await open({}, image);
        expect(await contents(again)).to.deep.equal(before);
        expect(warnings.join('\n')).to.match(/taken over from process/);
        await again.close();
      } finally {
        await rm(image, { recursive: true, force: true });
      }
    });

    it('a transaction that writes nothing writes no journal line', async () => {
      const store = await seeded();
      const files = await journalFiles(dir);
      const sizes = async () => Promise.all(files.map(async (f) => (await stat(join(dir, f))).size));
      const before = await sizes();
      expect(await store.transaction(async (tx) => (await tx.customerNames()).length)).to.equal(3);
      expect(await journalFiles(dir)).to.deep.equal(files);
      expect(await sizes()).to.deep.equal(before);
    });
  });

  describe('snapshots', () => {
    it('a snapshot is written after the threshold of transactions, and the journal before it deleted', async () => {
      const store = await seeded({ snapshotTransactions: 5 });
      for (let k = 2; k <= 5; k++) await store.transaction((tx) => tx.saveConversation(conversation(`user-${k}`, `chat-${k}`)));
      await eventually(async () => (await journalFiles(dir)).length === 0, 'the journal is dropped');
      expect((await onDisk(dir)).committed).to.equal(5);
      await store.transaction((tx) => tx.saveConversation(conversation('user-6', 'chat-6')));
      expect(await journalFiles(dir)).to.deep.equal([segmentName(6)]);
      expect((await readFile(join(dir, segmentName(6)), 'utf8')).trim().split('\n')).to.have.length(1);
      await store.close();
      expect((await onDisk(dir)).committed).to.equal(6);
      const again = await open();
      expect((await again.conversation(partnerTenant, 'user-6'))?.reference).to.deep.equal({ conversation: { id: 'chat-6' } });
    });

    it('a snapshot is written once the journal has grown past its size threshold', async () => {
      const store = await seeded({ snapshotBytes: 20_000 });
      for (let k = 0; (await journalFiles(dir)).length && k < 200; k++) {
        await store.transaction((tx) => tx.saveConversation(conversation(`user-${k}`, 'x'.repeat(1000))));
        await pause(1);
      }
      await eventually(async () => (await journalFiles(dir)).length <= 1 && (await stat(storeFile(dir)).catch(() => undefined)) !== undefined, 'a snapshot');
      expect((await onDisk(dir)).conversations.length).to.be.greaterThan(10);
    });

    it('the snapshot is store.json as compact JSON, schemaVersion 3, with committed and the outbox', async () => {
      const store = await seeded();
      await someWork(store);
      await store.close();
      const text = await readFile(storeFile(dir), 'utf8');
      const data = JSON.parse(text);
      expect(text, 'ASCII only: a character past it is a \\u escape').to.match(/^[\x20-\x7e]*$/);
      expect(text).to.equal(JSON.stringify(data).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
      expect(data).to.include({ schemaVersion: 3, committed: 3 });
      expect(data.deliveries).to.have.length(1);
    });
  });

  describe('a failed journal write', () => {
    it('keeps nothing of the transaction, which rejects; the next one commits with the same ids and log numbers', async () => {
      const store = await seeded({ snapshotTransactions: 1 });
      await eventually(async () => (await journalFiles(dir)).length === 0, 'the first snapshot');
      // The next commit starts segment 2: a folder in its place makes the write fail.
      await mkdir(join(dir, segmentName(2)));
      const error = await rejectionOf(
        store.transaction(async (tx) => {
          await tx.addPurchase(purchaseOf('q-1'));
          await tx.log(logEntry());
        }),
        Error,
      );
      expect((error as NodeJS.ErrnoException).code).to.equal('EISDIR');
      expect(await store.orders(tailspinId)).to.deep.equal([]);
      expect(await store.orderOfQuote('q-1')).to.equal(undefined);
      expect(await store.log.count()).to.equal(0);
      await rmdir(join(dir, segmentName(2)));
      const after = await store.transaction(async (tx) => ({ bought: await tx.addPurchase(purchaseOf('q-1')), entry: await tx.log(logEntry()) }));
      expect([after.bought.order.id, after.entry.seq]).to.deep.equal(['O-1001', 1]);
      await store.close();
      const again = await open();
      expect((await again.orders(tailspinId)).map((o) => o.id)).to.deep.equal(['O-1001']);
      expect(await again.log.count()).to.equal(1);
    });
  });

  describe('the journal after a crash', () => {
    it('a torn last line is cut off with a warning; what was before it is kept', async () => {
      const store = await seeded();
      await someWork(store);
      const before = await contents(store);
      const image = await crashImage();
      try {
        const [segment] = await journalFiles(image);
        const file = join(image, segment!);
        const complete = (await stat(file)).size;
        await appendFile(file, '{"txn":4,"put":{"conversations":[{"tenantId":"partn');
        const again = await open({}, image);
        expect(await contents(again)).to.deep.equal(before);
        expect(warnings.find((w) => w.includes('incomplete last transaction'))).to.contain(file);
        expect((await stat(file)).size).to.equal(complete);
        await again.close();
      } finally {
        await rm(image, { recursive: true, force: true });
      }
    });

    it('a bad line before the last refuses the store, naming the file and line; nothing is changed', async () => {
      const store = await seeded();
      await someWork(store);
      const image = await crashImage();
      try {
        const file = join(image, (await journalFiles(image))[0]!);
        const lines = (await readFile(file, 'utf8')).split('\n');
        lines[1] = lines[1]!.replace('"txn":2', '"txn":"two"');
        const broken = Buffer.from(lines.join('\n'));
        await writeFile(file, broken);
        const error = await rejectionOf(open({}, image), StoreError);
        expect(error.message).to.contain(file);
        expect(error.message).to.match(/line 2: not a valid transaction/);
        expect(error.message).to.match(/left as it is/);
        expect(await readFile(file)).to.deep.equal(broken);
      } finally {
        await rm(image, { recursive: true, force: true });
      }
    });

    it('a journal that does not follow store.json is refused', async () => {
      const store = await seeded();
      await someWork(store);
      const image = await crashImage();
      try {
        await rm(join(image, (await journalFiles(image))[0]!));
        await writeFile(join(image, segmentName(7)), '');
        await writeFile(join(image, segmentName(5)), `${JSON.stringify({ txn: 5 })}\n`);
        const error = await rejectionOf(open({}, image), StoreError);
        expect(error.message).to.match(/journal starts at transaction 5/);
      } finally {
        await rm(image, { recursive: true, force: true });
      }
    });

    it('log entries of transactions in the journal but not in activity.jsonl are written at open (a crash between the two)', async () => {
      const store = await seeded();
      await someWork(store);
      const image = await crashImage();
      try {
        const log = activityFile(image);
        const lines = (await readFile(log, 'utf8')).trim().split('\n');
        await writeFile(log, `${lines[0]}\n`);
        await rm(join(image, 'activity.idx'), { force: true });
        const again = await open({}, image);
        expect((await again.log.query({ limit: 10 })).map((e) => e.seq)).to.deep.equal([2, 1]);
        expect(warnings.join('\n')).to.match(/wrote 1 log entry from the journal/);
        await again.close();
      } finally {
        await rm(image, { recursive: true, force: true });
      }
    });

    it('a process killed at any moment, also while writing a snapshot: every acknowledged transaction is kept with its log entry, nothing else half', async function () {
      this.timeout(240_000);
      const seed = await seeded();
      // A directory of 2,000 customers, so that each snapshot takes a while to write.
      const big = seedDirectory();
      for (let i = 0; i < 2000; i++) big.customers.push({ ...big.customers[0]!, id: `extra-${i}`, name: `Extra ${i}`, domain: `extra${i}.example` });
      await seed.transaction((tx) => tx.replaceDirectory(big));
      await seed.close();
      let next = 0;
      for (let round = 0; round < 20; round++) {
        // Every fifth is killed while it starts (opening, replaying), counted from its spawn.
        const killAfter = round % 5 === 4 ? 300 + Math.random() * 1200 : 20 + Math.random() * 300;
        const acked = await runAndKill(dir, next, round % 2 ? 3 : 1000, killAfter, round % 5 === 4);
        const roundWarnings: string[] = [];
        const store = await openStore(dir, { warn: (m) => roundWarnings.push(m) });
        try {
          // Transactions commit one after another: those kept are u-0 … u-(n-1), and none after.
          let kept = 0;
          while (await store.conversation('crash-tenant', `u-${kept}`)) kept += 1;
          for (let k = kept; k < kept + 5; k++) expect(await store.conversation('crash-tenant', `u-${k}`)).to.equal(undefined);
          const present = [...Array(kept).keys()];
          const count = await store.log.count();
          const entries = await store.log.query({ limit: count + 1 });
          const where = `round ${round} (killed after ${killAfter.toFixed(0)} ms, ${acked.length} acknowledged; warnings: ${roundWarnings.join(' | ')})`;
          expect(kept, `every acknowledged transaction is kept: ${where}`).to.be.at.least(acked.length ? acked[acked.length - 1]! + 1 : next);
          expect(entries.map((e) => e.target).reverse(), `each with its log entry, and no entry without its change: ${where}`).to.deep.equal(present.map((k) => `u-${k}`));
          expect(entries.map((e) => e.seq).reverse(), `consecutive seqs: ${where}`).to.deep.equal(present.map((k) => k + 1));
          next = present.length;
        } finally {
          await store.close();
        }
      }
      expect(next, 'the children got some work done').to.be.greaterThan(20);
    });
  });

  describe('store.lock: one process per folder', () => {
    it('a second open while the store is open in this process is refused, naming this process; after close it opens', async () => {
      const store = await seeded();
      const error = await rejectionOf(open(), StoreError);
      expect(error.message).to.contain(`is in use by process ${process.pid} (`);
      expect(error.message).to.match(/this process/);
      await store.close();
      expect(await readdir(dir)).to.not.include('store.lock');
      await open();
    });

    it('a store in use by another running process is refused, naming it: "…is in use by process 1234 (node bot/main.ts, since …); stop it first"', async () => {
      const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
      try {
        await writeFile(join(dir, 'store.lock'), JSON.stringify({ pid: other.pid, since: '2026-11-24T09:00:00.000Z', command: 'node bot/main.ts', nonce: 'x' }));
        const error = await rejectionOf(open(), StoreError);
        expect(error.message).to.equal(`${dir}: is in use by process ${other.pid} (node bot/main.ts, since 2026-11-24T09:00:00.000Z); stop it first`);
        expect(await readdir(dir)).to.deep.equal(['store.lock']);
      } finally {
        other.kill();
      }
    });

    it('a lock taken on another machine (a folder shared over the network) is never taken over: whether that process runs cannot be told from here', async () => {
      const dead = spawnSync(process.execPath, ['-e', '']).pid;
      await writeFile(join(dir, 'store.lock'), JSON.stringify({ pid: dead, host: 'bot-vm-2', since: '2026-11-24T09:00:00.000Z', command: 'node bot/main.ts', nonce: 'x' }));
      const error = await rejectionOf(open(), StoreError);
      expect(error.message).to.equal(`${dir}: is in use by process ${dead} on bot-vm-2 (node bot/main.ts, since 2026-11-24T09:00:00.000Z); stop it first; if that machine is gone, delete ${join(dir, 'store.lock')}`);
      expect(warnings).to.deep.equal([]);
    });

    it('a lock left by a process that is no longer running is taken over with a warning', async () => {
      const dead = spawnSync(process.execPath, ['-e', '']).pid;
      await writeFile(join(dir, 'store.lock'), JSON.stringify({ pid: dead, since: '2026-11-24T09:00:00.000Z', command: 'node bot/main.ts', nonce: 'x' }));
      const store = await open();
      expect(warnings).to.deep.equal([`${join(dir, 'store.lock')}: taken over from process ${dead} (node bot/main.ts, since 2026-11-24T09:00:00.000Z), which is no longer running`]);
      const lock = JSON.parse(await readFile(join(dir, 'store.lock'), 'utf8'));
      expect(lock.pid).to.equal(process.pid);
      expect(lock.command).to.be.a('string').and.match(/^node /);
      expect(lock.host).to.equal(hostname());
      await store.close();
      expect(await readdir(dir)).to.not.include('store.lock');
    });
  });

  describe('older stores, and store.json that is not valid', () => {
    const oldLog = (n: number) => `${JSON.stringify(logEntrySchema.parse({ seq: n, ...logEntry({ target: `old ${n}` }) }))}\n`;

    it('a version-2 store.json with activity.jsonl opens as it is (no savings plan permission: off); written back as version 3 at the first snapshot', async () => {
      const { partner, customers: held, products, prices } = seedDirectory();
      const customers = held.map(({ savingsPlanPermission: _savingsPlan, ...customer }) => customer);
      const v2 = { schemaVersion: 2, partner, customers, products, prices, settings: { purchaseNotifications: true, requestLifetimeDays: 7 }, reservations: [purchaseOf('q-1')({ orderId: 'O-1001', reservationId: 'R-1001' }).reservation], orders: [], quotes: [], conversations: [], requests: [] };
      const file = storeFile(dir);
      await writeFile(file, JSON.stringify(v2, null, 2));
      await writeFile(activityFile(dir), oldLog(1) + oldLog(2) + oldLog(3));
      const original = await readFile(file);
      let store = await open();
      expect((await store.reservations(tailspinId)).map((r) => r.id)).to.deep.equal(['R-1001']);
      expect(await store.log.count()).to.equal(3);
      expect((await store.settings()).purchaseNotifications).to.equal(true);
      expect((await store.customer(tailspinId))!.savingsPlanPermission).to.deep.equal({ enabled: false });
      await store.close();
      expect(await readFile(file), 'opening alone writes nothing').to.deep.equal(original);

      store = await open();
      const made = await store.transaction(async (tx) => ({ bought: await tx.addPurchase(purchaseOf('q-2')), entry: await tx.log(logEntry()) }));
      expect([made.bought.reservation.id, made.entry.seq]).to.deep.equal(['R-1002', 4]);
      await store.close();
      expect(await onDisk(dir)).to.deep.include({ schemaVersion: 3, committed: 1, deliveries: [] });
      store = await open();
      expect(await store.log.count()).to.equal(4);
      expect(warnings, 'only that the log had no index yet').to.have.length(1);
      expect(warnings[0]).to.match(/activity\.idx: is missing, so the index was rebuilt/);
    });

    for (const withPrices of [false, true]) {
      it(`a version-1 store.json (before purchases${withPrices ? '' : ', no price rows'}) opens: products from its prices, default settings; written back as 3 after a change`, async () => {
        const { partner, customers, prices } = seedDirectory();
        await writeFile(storeFile(dir), JSON.stringify({ schemaVersion: 1, partner, customers, prices: withPrices ? prices.map((p) => ({ ...p, partnerPrice: p.partnerPrice ?? 1400 })) : [] }, null, 2));
        let store = await open();
        expect(await store.settings()).to.deep.equal({ purchaseNotifications: false, requestLifetimeDays: 7 });
        expect(await store.products()).to.deep.equal(withPrices ? [{ sku: 'Standard_D2s_v5', name: 'Standard_D2s_v5', type: 'Standard_D2s_v5' }] : []);
        expect(await store.prices()).to.have.length(withPrices ? 2 : 0);
        expect(await store.reservations(tailspinId)).to.deep.equal([]);
        await store.transaction((tx) => tx.saveSettings({ purchaseNotifications: true, requestLifetimeDays: 7 }));
        await store.close();
        expect(await onDisk(dir)).to.deep.include({ schemaVersion: 3, settings: { purchaseNotifications: true, requestLifetimeDays: 7 }, reservations: [], orders: [], quotes: [], conversations: [], requests: [], deliveries: [] });
        store = await open();
        expect((await store.settings()).purchaseNotifications).to.equal(true);
      });
    }

    it('a store.json that is not JSON is refused, naming the file and saying it was left as it is; its bytes are unchanged', async () => {
      const file = storeFile(dir);
      const broken = Buffer.from('{ "schemaVersion": 2, "partner": { "tenantId": "p", \n  oops this is not JSON');
      await writeFile(file, broken);
      const error = await rejectionOf(open(), StoreError);
      expect(error.file).to.equal(file);
      expect(error.message).to.match(/not valid JSON/);
      expect(error.message).to.match(/left as it is/);
      expect(await readFile(file)).to.deep.equal(broken);
      expect(await readdir(dir), 'and the lock is released').to.deep.equal(['store.json']);
    });

    /** Each case breaks one thing in a store the store wrote (its check beside it no longer matches), and names the path the refusal gives. */
    const handBroken: { what: string; path: string; message: RegExp; breakIt(data: any): void }[] = [
      { what: 'a subscription status "paused"', path: 'customers[0].subscriptions[0].status', message: /status/, breakIt: (d) => (d.customers[0].subscriptions[0].status = 'paused') },
      { what: 'a customer missing its domain', path: 'customers[1].domain', message: /domain/, breakIt: (d) => delete d.customers[1].domain },
      { what: 'an owner who is not a user of the customer', path: 'customers[0].subscriptions[0].owners[0]', message: /owner fabrikam-tenant-owner is not a user of this customer/, breakIt: (d) => (d.customers[0].subscriptions[0].owners = ['fabrikam-tenant-owner']) },
      { what: 'duplicate customer ids', path: 'customers[2].id', message: /duplicate customer id contoso-tenant/, breakIt: (d) => (d.customers[2].id = d.customers[0].id) },
      { what: 'an agent with an unknown role', path: 'partner.agents[2].role', message: /role/, breakIt: (d) => (d.partner.agents[2].role = 'SuperAgent') },
      { what: 'a permission that is not a boolean', path: 'customers[2].purchasePermission.enabled', message: /enabled/, breakIt: (d) => (d.customers[2].purchasePermission.enabled = 'yes') },
      { what: 'an unknown field', path: 'customers[0]', message: /nickname/, breakIt: (d) => (d.customers[0].nickname = 'Conny') },
      { what: "a customer with the partner's own tenant id", path: 'customers[1].id', message: /partner's own tenant id/, breakIt: (d) => (d.customers[1].id = d.partner.tenantId) },
      { what: 'a price row whose sku is not in products', path: 'prices[1].sku', message: /Standard_E4s_v5 is not in products/, breakIt: (d) => (d.prices[1].sku = 'Standard_E4s_v5') },
      { what: 'a reservation of quantity 0', path: 'reservations[0].quantity', message: /quantity|>0|too small/i, breakIt: (d) => (d.reservations[0].quantity = 0) },
      { what: 'an order with an amount in fractions of cents', path: 'orders[1].amount', message: /cents/, breakIt: (d) => (d.orders[1].amount = 12.345) },
      { what: 'a delivery in an unknown state', path: 'deliveries[0].state', message: /state/, breakIt: (d) => (d.deliveries[0].state = 'Lost') },
    ];

    for (const { what, path, message, breakIt } of handBroken) {
      it(`a hand-broken store.json (${what}) is refused naming ${path}; the file is unchanged`, async () => {
        const store = await seeded();
        await someWork(store);
        await store.close();
        const file = storeFile(dir);
        const data = await onDisk(dir);
        breakIt(data);
        const broken = Buffer.from(JSON.stringify(data, null, 2));
        await writeFile(file, broken);
        const error = await rejectionOf(open(), StoreError);
        expect(error.message).to.contain(file);
        expect(error.message).to.match(/not a valid store/);
        expect(error.message).to.match(/left as it is/);
        const line = error.message.split('\n').find((l) => l.startsWith(`${path}: `));
        expect(line, `a line starting with "${path}: " in:\n${error.message}`).to.be.a('string');
        expect(line).to.match(message);
        expect(await readFile(file)).to.deep.equal(broken);
      });
    }

    it('a record changed without changing the length of the file is still refused (the check beside it is of the bytes)', async () => {
      const store = await seeded();
      await someWork(store);
      await store.close();
      const text = await readFile(storeFile(dir), 'utf8');
      const broken = text.replace('"quantity":2', '"quantity":0');
      expect(broken.length).to.equal(text.length);
      await writeFile(storeFile(dir), broken);
      const error = await rejectionOf(open(), StoreError);
      expect(error.message).to.match(/reservations\[0\]\.quantity/);
    });

    it('a store.json of this version that the store did not write (no check beside it) is checked whole once, and written again at close with its check, so the next start need not', async () => {
      const store = await seeded();
      await someWork(store);
      await store.close();
      await rm(checkFile(storeFile(dir)));
      const again = await open();
      expect((await again.reservations(tailspinId)).length).to.be.greaterThan(0);
      await again.close();
      const bytes = await readFile(storeFile(dir));
      const check = JSON.parse(await readFile(checkFile(storeFile(dir)), 'utf8'));
      expect(check).to.include({ sha1: createHash('sha1').update(bytes).digest('hex'), bytes: bytes.length });
    });

    it('two records with one id are refused', async () => {
      const store = await seeded();
      await someWork(store);
      await store.close();
      const data = await onDisk(dir);
      data.orders[1].id = data.orders[0].id;
      await writeFile(storeFile(dir), JSON.stringify(data, null, 2));
      const error = await rejectionOf(open(), StoreError);
      expect(error.message).to.match(/two orders have the key "O-1001"/);
    });
  });

  it('a transaction started inside another is refused rather than waiting for itself; one started after it ended runs', async () => {
    const store = await seeded();
    const later: Promise<unknown>[] = [];
    const error = await rejectionOf(
      store.transaction(async () => {
        later.push(pause(5).then(() => store.transaction((tx) => tx.saveConversation(conversation('admin-1', 'later')))));
        await store.transaction(async () => undefined);
      }),
      Error,
    );
    expect(error.message).to.match(/cannot start another/);
    await Promise.all(later);
    expect((await store.conversation(partnerTenant, 'admin-1'))?.reference).to.deep.equal({ conversation: { id: 'later' } });
  });

  it('a commit that changes one record costs about the same with 10,000 customers and 100,000 reservations as with 10', async function () {
    this.timeout(300_000);
    const commits = 300;
    /** Latencies of `commits` transactions, each changing one reservation and logging one entry. */
    async function latencies(store: Store, reservationIds: string[]): Promise<number[]> {
      const times: number[] = [];
      for (let i = 0; i < commits; i++) {
        const id = reservationIds[(i * 7919) % reservationIds.length]!;
        const t0 = performance.now();
        await store.transaction(async (tx) => {
          const reservation = (await tx.reservation(id))!;
          await tx.saveReservation({ ...reservation, autoRenew: !reservation.autoRenew });
          await tx.log(logEntry({ customerId: reservation.customerId, target: id }));
        });
        times.push(performance.now() - t0);
      }
      return times.sort((a, b) => a - b);
    }
    const small = await seeded();
    const directory = seedDirectory();
    for (let i = 0; i < 7; i++) directory.customers.push({ ...directory.customers[0]!, id: `more-${i}`, domain: `more${i}.example` });
    await small.transaction(async (tx) => {
      await tx.replaceDirectory(directory);
      for (let i = 0; i < 20; i++) await tx.addPurchase(purchaseOf(undefined, { customerId: directory.customers[i % 10]!.id }));
    });
    const smallTimes = await latencies(small, Array.from({ length: 20 }, (_, i) => `R-${1001 + i}`));

    const bigDir = await mkdtemp(join(tmpdir(), 'csp-bot-big-'));
    try {
      await writeBigStore(bigDir, { customers: 10_000, reservations: 100_000, orders: 100_000, logEntries: 1000 });
      const big = await open({}, bigDir);
      const bigTimes = await latencies(big, Array.from({ length: 100_000 }, (_, i) => `R-${1001 + i}`));
      await big.close();
      const at = (times: number[], p: number) => times[Math.min(times.length - 1, Math.floor(times.length * p))]!;
      console.log(
        `      commit latency (${commits} commits): 10 customers p50 ${at(smallTimes, 0.5).toFixed(2)} ms, p99 ${at(smallTimes, 0.99).toFixed(2)} ms; 10,000 customers p50 ${at(bigTimes, 0.5).toFixed(2)} ms, p99 ${at(bigTimes, 0.99).toFixed(2)} ms`,
      );
      expect(at(bigTimes, 0.5), 'p50 with 10,000 customers').to.be.below(2 * at(smallTimes, 0.5) + 2);
    } finally {
      await rm(bigDir, { recursive: true, force: true });
    }
  });

  it('cold start at 10,000 customers, 100,000 reservations and orders, and a 1,000,000-entry log: well under 3 s', async function () {
    this.timeout(300_000);
    const size = { customers: 10_000, reservations: 100_000, orders: 100_000, logEntries: 1_000_000 };
    await writeBigStore(dir, size);
    const bytes = (await stat(storeFile(dir))).size;
    // In a process of its own, as a start is; three times, the figure being the fastest (this machine is shared with other work).
    const runs: ColdStart[] = [];
    for (let i = 0; i < 3; i++) runs.push(await coldStart(dir));
    for (const run of runs) {
      expect(run.reservations).to.equal(10);
      expect(run.logEntries).to.equal(size.logEntries);
      console.log(
        `      cold start: ${run.open.toFixed(0)} ms (CPU ${run.openCpu.toFixed(0)} ms); on their own: store.json (${(bytes / 1e6).toFixed(0)} MB) read, parsed and checked ${run.snapshotRead.toFixed(0)} ms, tables and indexes ${run.tables.toFixed(0)} ms, activity log (${size.logEntries.toLocaleString('en')} entries) ${run.log.toFixed(0)} ms`,
      );
    }
    const best = Math.min(...runs.map((r) => r.open));
    expect(best, `open took ${best.toFixed(0)} ms`).to.be.below(3000);
  });
});

interface ColdStart {
  open: number;
  openCpu: number;
  snapshotRead: number;
  tables: number;
  log: number;
  reservations: number;
  logEntries: number;
}

/** Runs test/data/storeColdStart.ts on `dir`: its figures. */
function coldStart(dir: string): Promise<ColdStart> {
  const child = spawn(process.execPath, ['--import=tsx', '--disable-warning=DEP0111', join(import.meta.dirname, 'storeColdStart.ts'), dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return new Promise((resolve, reject) =>
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as ColdStart) : reject(new Error(`the cold start exited with ${code}: ${out}`)))),
  );
}

/**
 * Runs test/data/storeCrashChild.ts on `dir`, committing from transaction `first` with a snapshot every
 * `snapshotTransactions`, and SIGKILLs it `killAfter` ms after it is ready (or after it started, if `duringStart`).
 * Resolves with the transactions it acknowledged.
 */
async function runAndKill(dir: string, first: number, snapshotTransactions: number, killAfter: number, duringStart: boolean): Promise<number[]> {
  const child = spawn(process.execPath, ['--import=tsx', '--disable-warning=DEP0111', join(import.meta.dirname, 'storeCrashChild.ts'), dir, String(first), '100000', String(snapshotTransactions)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  if (duringStart) await pause(killAfter);
  else {
    await Promise.race([
      new Promise<void>((resolve) => {
        const check = () => (out.includes('ready\n') ? resolve() : setTimeout(check, 2));
        check();
      }),
      exited,
    ]);
    await pause(killAfter);
  }
  child.kill('SIGKILL');
  await exited;
  if (!duringStart && !out.includes('ready\n')) throw new Error(`the child did not start:\n${err}`);
  return out
    .split('\n')
    .filter((line) => line.startsWith('acked '))
    .map((line) => Number(line.slice('acked '.length)));
}
