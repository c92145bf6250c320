import { expect } from 'chai';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { directoryFile, openStore } from '../../data/store.ts';
import { StoreError } from '../../data/storeError.ts';
import { contosoId, fabrikamId, tailspinId, testStoreData } from '../helpers/testWorld.ts';
import { rejectionOf } from '../helpers/rejectionOf.ts';

describe('JSON directory (data/jsonDirectory.ts, data/store.ts)', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'csp-bot-directory-'));
  });
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  it('writes the initial directory, and a reopened store reads it back', async () => {
    const first = await openStore(dataDir, testStoreData());
    await first.close();
    const again = await openStore(dataDir);
    try {
      expect(again.directory.partner().name).to.equal('Test Partner');
      expect(again.directory.customers().map((c) => c.id)).to.deep.equal(testStoreData().customers.map((c) => c.id));
      expect(again.directory.customer(tailspinId)!.purchasePermission.enabled).to.equal(true);
      expect(again.directory.prices()).to.have.length(3);
    } finally {
      await again.close();
    }
  });

  it('a permission change made with setPurchasePermission is on disk once it resolves (durable across reopening)', async () => {
    const store = await openStore(dataDir, testStoreData());
    const permission = { enabled: true, changedAt: '2026-11-24T10:15:00.000Z', changedBy: 'admin-1' };
    await store.directory.setPurchasePermission(contosoId, permission);
    expect(store.directory.customer(contosoId)!.purchasePermission).to.deep.equal(permission);
    await store.close();

    const reopened = await openStore(dataDir);
    try {
      expect(reopened.directory.customer(contosoId)!.purchasePermission).to.deep.equal(permission);
      expect(reopened.directory.customer(fabrikamId)!.purchasePermission).to.deep.equal({ enabled: false });
    } finally {
      await reopened.close();
    }
  });

  it('setPurchasePermission for an unknown customer throws and writes nothing', async () => {
    const store = await openStore(dataDir, testStoreData());
    const before = await readFile(directoryFile(dataDir));
    try {
      let error: unknown;
      await store.directory.setPurchasePermission('no-such-tenant', { enabled: true }).catch((err: unknown) => (error = err));
      expect(error).to.be.instanceOf(Error);
      expect((error as Error).message).to.contain('no-such-tenant');
      expect(await readFile(directoryFile(dataDir))).to.deep.equal(before);
    } finally {
      await store.close();
    }
  });

  it('a store.json that is not JSON is refused, naming the file and saying it was left as it is; its bytes are unchanged', async () => {
    const file = directoryFile(dataDir);
    const broken = Buffer.from('{ "schemaVersion": 1, "partner": { "tenantId": "p", \n  oops this is not JSON');
    await writeFile(file, broken);
    const error = await rejectionOf(openStore(dataDir), StoreError);
    expect(error.file).to.equal(file);
    expect(error.message).to.contain(file);
    expect(error.message).to.match(/not valid JSON/);
    expect(error.message).to.match(/left as it is/);
    expect(await readFile(file)).to.deep.equal(broken);
  });

  it('a folder without store.json is refused as not existing (and no store.json is invented)', async () => {
    const error = await rejectionOf(openStore(dataDir), StoreError);
    expect(error.message).to.contain(directoryFile(dataDir));
    expect(error.message).to.match(/does not exist/);
    let exists = true;
    await readFile(directoryFile(dataDir)).catch(() => (exists = false));
    expect(exists).to.equal(false);
  });

  /** Each case breaks one thing in an otherwise valid store, and names the field path the refusal must give. */
  const handBroken: { what: string; path: string; message: RegExp; breakIt(data: any): void }[] = [
    { what: 'a subscription status "paused"', path: 'customers[0].subscriptions[0].status', message: /status/, breakIt: (d) => (d.customers[0].subscriptions[0].status = 'paused') },
    { what: 'a customer missing its domain', path: 'customers[1].domain', message: /domain/, breakIt: (d) => delete d.customers[1].domain },
    { what: 'an owner who is not a user of the customer', path: 'customers[0].subscriptions[0].owners[0]', message: /owner fabrikam-user is not a user of this customer/, breakIt: (d) => (d.customers[0].subscriptions[0].owners = ['fabrikam-user']) },
    { what: 'duplicate customer ids', path: 'customers[2].id', message: /duplicate customer id contoso-tenant/, breakIt: (d) => (d.customers[2].id = d.customers[0].id) },
    { what: 'an agent with an unknown role', path: 'partner.agents[2].role', message: /role/, breakIt: (d) => (d.partner.agents[2].role = 'SuperAgent') },
    { what: 'a permission that is not a boolean', path: 'customers[3].purchasePermission.enabled', message: /enabled/, breakIt: (d) => (d.customers[3].purchasePermission.enabled = 'yes') },
    { what: 'an unknown field', path: 'customers[0]', message: /nickname/, breakIt: (d) => (d.customers[0].nickname = 'Conny') },
    { what: 'a customer with the partner\'s own tenant id', path: 'customers[4].id', message: /partner's own tenant id/, breakIt: (d) => (d.customers[4].id = d.partner.tenantId) },
  ];

  for (const { what, path, message, breakIt } of handBroken) {
    it(`a hand-broken store.json (${what}) is refused naming ${path}; the file is unchanged`, async () => {
      const first = await openStore(dataDir, testStoreData());
      await first.close();
      const file = directoryFile(dataDir);
      const data = JSON.parse(await readFile(file, 'utf8'));
      breakIt(data);
      const broken = Buffer.from(JSON.stringify(data, null, 2));
      await writeFile(file, broken);

      const error = await rejectionOf(openStore(dataDir), StoreError);
      expect(error.message).to.contain(file);
      expect(error.message).to.match(/not a valid store/);
      expect(error.message).to.match(/left as it is/);
      const line = error.message.split('\n').find((l) => l.startsWith(`${path}: `));
      expect(line, `a line starting with "${path}: " in:\n${error.message}`).to.be.a('string');
      expect(line).to.match(message);
      expect(await readFile(file)).to.deep.equal(broken);
    });
  }
});
