import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { demoWorldFile } from '../../bot/openOrSeed.ts';
import type { Store } from '../../data/store.ts';
import { Operation } from '../../services/operations.ts';
import { createStorePlace, type StorePlace } from '../helpers/storePlace.ts';
import { storeContents, testWorld } from '../helpers/testWorld.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** `npm run seed -- ARGS` on the store of `place`, as a person runs it: its exit code and what it printed. */
async function seed(place: StorePlace, ...args: string[]): Promise<{ code: number; output: string }> {
  return seedWith({}, place, ...args);
}

/** The same with `env` on top (Partner Center mode's settings, say). */
async function seedWith(env: NodeJS.ProcessEnv, place: StorePlace, ...args: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import=tsx', 'bot/seed.ts', ...args], { cwd: repoRoot, env: { ...process.env, ...place.env, ...env } });
    return { code: 0, output: stdout + stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, output: e.stdout + e.stderr };
  }
}

/** Reads the store of `place` through a store opened for the purpose, and closes it again. */
async function reading<T>(place: StorePlace, read: (store: Store) => Promise<T>): Promise<T> {
  const store = await place.open();
  try {
    return await read(store);
  } finally {
    await store.close();
  }
}

/** What the store of `place` holds, with how many log entries. */
const held = (place: StorePlace) => reading(place, async (store) => ({ ...(await storeContents(store)), logEntries: await store.log.count() }));

describe('npm run seed (bot/seed.ts)', function () {
  this.timeout(30_000);
  let place: StorePlace;
  let worldFile: string;
  beforeEach(async () => {
    place = await createStorePlace({ prefix: 'seed-test-' });
    worldFile = join(place.dataDir, 'world.json');
    await writeFile(worldFile, JSON.stringify(testWorld()));
  });
  afterEach(() => place.dispose());

  it('without a file prints the usage and changes nothing', async () => {
    const { code, output } = await seed(place);
    expect(code).to.equal(2);
    expect(output).to.match(/Usage: npm run seed -- <world.json> \[--replace\]/);
  });

  it('loads a world into an empty store, then refuses to overwrite it without --replace', async () => {
    const first = await seed(place, worldFile);
    expect(first).to.deep.include({ code: 0 });
    expect(first.output).to.match(/Loaded Test Partner: 4 agents, 5 customers, 1 products, 3 prices/);
    const before = await held(place);

    const again = await seed(place, demoWorldFile);
    expect(again.code).to.equal(1);
    expect(again.output).to.match(/already holds a directory\. Pass --replace/);
    expect(await held(place), 'the refused seed changed nothing in the store').to.deep.equal(before);

    const replaced = await seed(place, demoWorldFile, '--replace');
    expect(replaced.code).to.equal(0);
    await reading(place, async (store) => {
      expect((await store.partner()).name).to.equal('Lucerne Cloud Partners');
      const loads = await store.log.query({ operations: [Operation.LoadPartnerDirectory], limit: 10 });
      expect(loads, 'both imports are in the log, which is kept').to.have.length(2);
    });
  });

  it('refuses a broken world file, naming the field, and writes nothing', async () => {
    const world = testWorld();
    world.customers[0]!.subscriptions![0]!.status = 'paused' as 'active';
    await writeFile(worldFile, JSON.stringify(world));
    const { code, output } = await seed(place, worldFile);
    expect(code).to.equal(1);
    expect(output).to.match(/customers\[0\]\.subscriptions\[0\]\.status/);
    expect(await readdir(place.dataDir), 'no store was made: the folder holds only the world file').to.deep.equal(['world.json']);
    const empty = await reading(place, async (store) => ({ directory: await store.hasDirectory(), logEntries: await store.log.count() }));
    expect(empty, 'the store holds nothing').to.deep.equal({ directory: false, logEntries: 0 });
  });

  // The embedded store's folder lock, in either run (on PostgreSQL several instances share the database).
  it('refuses to load while the bot has the store open, naming the process that holds it, and changes nothing', async () => {
    const folder = await createStorePlace({ backend: 'embedded', prefix: 'seed-test-' });
    try {
      expect((await seed(folder, worldFile)).code).to.equal(0);
      const before = await held(folder);
      const open = await folder.open();
      try {
        const refused = await seed(folder, demoWorldFile, '--replace');
        expect(refused.code).to.equal(1);
        expect(refused.output).to.match(/in use by process/).and.include(String(process.pid));
        expect(refused.output).not.to.match(/Loaded/);
      } finally {
        await open.close();
      }
      expect(await held(folder), 'the world was not loaded').to.deep.equal(before);
    } finally {
      await folder.dispose();
    }
  });

  describe('in Partner Center mode (customers come from Partner Center)', () => {
    const partnerCenter = { PARTNER_TENANT_ID: testWorld().partner.tenantId, PARTNER_CENTER_CLIENT_ID: '7d0c9e2a-6f1b-4c3e-9a5d-2b8f4e6a1c30', PARTNER_CENTER_CLIENT_SECRET: 'a-secret' };
    const directoryOnly = () => ({ ...testWorld(), customers: [] });

    it('refuses a file that lists customers, saying to leave them out, and changes nothing', async () => {
      const { code, output } = await seedWith(partnerCenter, place, worldFile);
      expect(code).to.equal(1);
      expect(output).to.match(/customers come from Partner Center: leave "customers" empty/);
      expect(await reading(place, (store) => store.hasDirectory())).to.equal(false);
    });

    it('refuses another partner\'s directory', async () => {
      await writeFile(worldFile, JSON.stringify({ ...directoryOnly(), partner: { ...testWorld().partner, tenantId: 'another-partner' } }));
      const { code, output } = await seedWith(partnerCenter, place, worldFile);
      expect(code).to.equal(1);
      expect(output).to.match(/partner tenant another-partner, not PARTNER_TENANT_ID/);
    });

    it('--replace keeps the customers the store holds (synced from Partner Center) and logs no permission change', async () => {
      expect((await seed(place, worldFile)).code).to.equal(0);
      const before = await held(place);
      await writeFile(worldFile, JSON.stringify({ ...directoryOnly(), partner: { ...testWorld().partner, name: 'Renamed Partner' } }));
      const { code, output } = await seedWith(partnerCenter, place, worldFile, '--replace');
      expect(code, output).to.equal(0);
      expect(output).to.match(/the customers from Partner Center kept/);
      const after = await held(place);
      expect(after.customers).to.deep.equal(before.customers);
      expect(after.partner.name).to.equal('Renamed Partner');
      const entries = await reading(place, (store) => store.log.query({ limit: 10 }));
      expect(entries.filter((e) => e.seq > before.logEntries).map((e) => e.operation)).to.deep.equal([Operation.LoadPartnerDirectory]);
    });
  });
});
