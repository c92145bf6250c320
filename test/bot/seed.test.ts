import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { demoWorldFile } from '../../bot/openOrSeed.ts';
import { openStore } from '../../data/embeddedStore.ts';
import { Operation } from '../../services/operations.ts';
import { storeContents, testWorld } from '../helpers/testWorld.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** `npm run seed -- ARGS` as a person runs it: its exit code and what it printed. */
async function seed(dataDir: string, ...args: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import=tsx', 'bot/seed.ts', ...args], { cwd: repoRoot, env: { ...process.env, DATA_DIR: dataDir } });
    return { code: 0, output: stdout + stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, output: e.stdout + e.stderr };
  }
}

/** What the store in `dataDir` holds, read through a store opened for the purpose (and closed again), with how many log entries. */
async function held(dataDir: string) {
  const store = await openStore(dataDir);
  try {
    return { ...(await storeContents(store)), logEntries: await store.log.count() };
  } finally {
    await store.close();
  }
}

describe('npm run seed (bot/seed.ts)', function () {
  this.timeout(30_000);
  let dataDir: string;
  let worldFile: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'seed-test-'));
    worldFile = join(dataDir, 'world.json');
    await writeFile(worldFile, JSON.stringify(testWorld()));
  });
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  it('without a file prints the usage and changes nothing', async () => {
    const { code, output } = await seed(dataDir);
    expect(code).to.equal(2);
    expect(output).to.match(/Usage: npm run seed -- <world.json> \[--replace\]/);
  });

  it('loads a world into an empty store, then refuses to overwrite it without --replace', async () => {
    const first = await seed(dataDir, worldFile);
    expect(first).to.deep.include({ code: 0 });
    expect(first.output).to.match(/Loaded Test Partner: 4 agents, 5 customers, 1 products, 3 prices/);
    const before = await held(dataDir);

    const again = await seed(dataDir, demoWorldFile);
    expect(again.code).to.equal(1);
    expect(again.output).to.match(/already holds a directory\. Pass --replace/);
    expect(await held(dataDir), 'the refused seed changed nothing in the store').to.deep.equal(before);

    const replaced = await seed(dataDir, demoWorldFile, '--replace');
    expect(replaced.code).to.equal(0);
    const store = await openStore(dataDir);
    try {
      expect((await store.partner()).name).to.equal('Lucerne Cloud Partners');
      const loads = await store.log.query({ operations: [Operation.LoadPartnerDirectory], limit: 10 });
      expect(loads, 'both imports are in the log, which is kept').to.have.length(2);
    } finally {
      await store.close();
    }
  });

  it('refuses a broken world file, naming the field, and writes nothing', async () => {
    const world = testWorld();
    world.customers[0]!.subscriptions![0]!.status = 'paused' as 'active';
    await writeFile(worldFile, JSON.stringify(world));
    const { code, output } = await seed(dataDir, worldFile);
    expect(code).to.equal(1);
    expect(output).to.match(/customers\[0\]\.subscriptions\[0\]\.status/);
    expect(await readdir(dataDir), 'no store was made: the folder holds only the world file').to.deep.equal(['world.json']);
  });

  it('refuses to load while the bot has the store open, naming the process that holds it, and changes nothing', async () => {
    expect((await seed(dataDir, worldFile)).code).to.equal(0);
    const before = await held(dataDir);
    const open = await openStore(dataDir);
    try {
      const refused = await seed(dataDir, demoWorldFile, '--replace');
      expect(refused.code).to.equal(1);
      expect(refused.output).to.match(/in use by process/).and.include(String(process.pid));
      expect(refused.output).not.to.match(/Loaded/);
    } finally {
      await open.close();
    }
    expect(await held(dataDir), 'the world was not loaded').to.deep.equal(before);
  });
});
