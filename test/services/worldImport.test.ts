import { expect } from 'chai';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { worldSchema, type World, type WorldInput } from '../../data/schemas.ts';
import { openStore, type Store } from '../../data/store.ts';
import { StoreError } from '../../data/storeError.ts';
import { eligibleSubscriptions, hasOwnerOnEligible } from '../../services/eligibility.ts';
import { Operation } from '../../services/operations.ts';
import { identify } from '../../services/people.ts';
import { createServices } from '../../services/services.ts';
import { RecordingMessenger } from '../helpers/recordingMessenger.ts';
import { importWorld, readWorld } from '../../services/worldImport.ts';
import { fixedClock } from '../helpers/fixedClock.ts';
import { contosoId, fabrikamId, tailspinId, testWorld } from '../helpers/testWorld.ts';
import { rejectionOf } from '../helpers/rejectionOf.ts';

const demoWorldFile = fileURLToPath(new URL('../../data/demo-world.json', import.meta.url));

/** The ids the Agents Playground puts on activities by default (its user is Alex Wilber in this tenant). */
const playgroundTenant = '00000000-0000-0000-0000-0000000000001';
const playgroundUser = '00000000-0000-0000-0000-0000000000020';


describe('world import (services/worldImport.ts)', () => {
  let dir: string;
  const stores: Store[] = [];
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'csp-bot-world-'));
  });
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
    await rm(dir, { recursive: true, force: true });
  });

  async function worldFile(world: unknown): Promise<string> {
    const file = join(dir, 'world.json');
    await writeFile(file, JSON.stringify(world, null, 2));
    return file;
  }
  async function imported(world: World, clock = fixedClock()): Promise<Store> {
    const store = await importWorld(join(dir, 'data'), world, 'world.json', clock);
    stores.push(store);
    return store;
  }

  describe('the demo world', () => {
    let world: World;
    let demoDir: string;
    let demo: Store;
    /** The demo customers as the product sees them once imported. */
    const customers = () => demo.directory.customers();
    before(async () => {
      world = await readWorld(demoWorldFile);
      demoDir = await mkdtemp(join(tmpdir(), 'csp-bot-demo-'));
      demo = await importWorld(demoDir, world, 'the demo world', fixedClock('2026-11-24T08:00:00.000Z'));
    });
    after(async () => {
      await demo.close();
      await rm(demoDir, { recursive: true, force: true });
    });

    it('has an Admin Agent with the Agents Playground\'s default user id, in the partner tenant', () => {
      expect(demo.directory.partner().tenantId).to.equal(playgroundTenant);
      expect(identify(demo.directory, playgroundTenant, playgroundUser)).to.deep.include({ kind: 'agent', role: 'AdminAgent' });
    });

    it('has an agent of each role', () => {
      expect(new Set(world.partner.agents.map((a) => a.role))).to.deep.equal(new Set(['AdminAgent', 'SalesAgent', 'HelpDeskAgent']));
    });

    it('has a customer with no eligible (active, usage-based Azure Plan/Global) subscription', () => {
      expect(customers().filter((c) => eligibleSubscriptions(c).length === 0)).not.to.be.empty;
    });

    it('has a customer with an eligible subscription but no Owners on it (R5 warning case)', () => {
      expect(customers().filter((c) => eligibleSubscriptions(c).length > 0 && !hasOwnerOnEligible(c))).not.to.be.empty;
    });

    it('has a customer with an Owner on an eligible subscription, its permission still off', () => {
      expect(customers().filter((c) => hasOwnerOnEligible(c) && !c.purchasePermission.enabled)).not.to.be.empty;
    });

    it('has a customer whose permission is on, and it is eligible (R4)', () => {
      const on = customers().filter((c) => c.purchasePermission.enabled);
      expect(on).not.to.be.empty;
      for (const c of on) expect(eligibleSubscriptions(c), c.name).not.to.be.empty;
    });

    it('has two customers that share the first word of their name (an ambiguous lookup)', () => {
      const words = customers().map((c) => c.name.toLowerCase().split(/\s+/)[0]);
      expect(words.some((w, i) => words.indexOf(w) !== i)).to.equal(true);
    });

    it('imports: every customer with its permission as the file says; Load Partner Directory, then one Create Customer Purchase Permissions per customer whose permission is on', async () => {
      expect(customers().map((c) => [c.id, c.purchasePermission.enabled])).to.deep.equal(world.customers.map((c) => [c.id, c.purchasePermission]));
      const on = world.customers.filter((c) => c.purchasePermission);
      const entries = (await demo.log.newest(() => true, 100)).reverse();
      expect(entries.map((e) => e.operation)).to.deep.equal([Operation.LoadPartnerDirectory, ...on.map(() => Operation.CreateCustomerPurchasePermissions)]);
      expect(entries.slice(1).map((e) => e.customerId)).to.deep.equal(on.map((c) => c.id));
    });
  });

  it('importWorld logs Load Partner Directory with a summary, then a Create Customer Purchase Permissions for each customer turned on', async () => {
    const input = testWorld();
    input.customers.find((c) => c.id === contosoId)!.purchasePermission = true;
    const clock = fixedClock('2026-11-24T08:30:00.000Z');
    const store = await imported(worldSchema.parse(input), clock);

    const entries = (await store.log.newest(() => true, 100)).reverse();
    expect(entries).to.have.length(3);
    expect(entries[0]).to.deep.include({
      seq: 1,
      at: '2026-11-24T08:30:00.000Z',
      operation: Operation.LoadPartnerDirectory,
      outcome: 'Succeeded',
      target: 'world.json',
      after: { partner: 'Test Partner', agents: 4, customers: 5, products: 1, prices: 3 },
    });
    expect(entries[0]!.actor).to.deep.include({ tenantId: 'partner-tenant', userId: 'system', role: 'System' });
    const creates = entries.slice(1);
    expect(creates.map((e) => e.customerId)).to.deep.equal([contosoId, tailspinId]);
    for (const e of creates) {
      expect(e).to.deep.include({ operation: Operation.CreateCustomerPurchasePermissions, outcome: 'Succeeded', before: { enabled: false }, after: { enabled: true } });
    }
    expect(store.directory.customer(contosoId)!.purchasePermission).to.deep.equal({ enabled: true, changedAt: '2026-11-24T08:30:00.000Z', changedBy: 'system' });
    expect(store.directory.customer(fabrikamId)!.purchasePermission).to.deep.equal({ enabled: false });
  });

  it('the imported directory is on disk: a store opened afterwards sees it', async () => {
    const store = await imported(worldSchema.parse(testWorld()));
    await store.close();
    stores.splice(stores.indexOf(store), 1);
    const reopened = await openStore(join(dir, 'data'));
    stores.push(reopened);
    expect(reopened.directory.customer(tailspinId)!.purchasePermission.enabled).to.equal(true);
    expect(reopened.log.size()).to.equal(2);
  });

  it('readWorld refuses a customer whose permission is on without an eligible subscription, naming R4, the customer and why (its Azure Plan is suspended)', async () => {
    const input: WorldInput = testWorld();
    const northwind = input.customers.findIndex((c) => c.name === 'Northwind Traders');
    input.customers[northwind]!.purchasePermission = true;
    const file = await worldFile(input);
    const error = await rejectionOf(readWorld(file), StoreError);
    expect(error.message).to.contain(file);
    expect(error.message).to.contain(`customers[${northwind}].purchasePermission`);
    expect(error.message).to.contain("Northwind Traders' Azure Plan subscription sub-northwind-suspended is suspended, so the permission cannot be on (R4). Reactivate it in Partner Center");
    expect(error.message).to.contain('or set it to false');
  });

  it('(R21) readWorld refuses a partner price or a Web Direct price of 0, naming the row', async () => {
    const input = testWorld();
    input.prices![0]!.partnerPrice = 0;
    input.prices![1]!.webDirectPrice = 0;
    const error = await rejectionOf(readWorld(await worldFile(input)), StoreError);
    expect(error.message.split('\n')).to.include.members(['prices[0].partnerPrice: a price of more than 0 (R21)', 'prices[1].webDirectPrice: a price of more than 0 (R21)']);
  });

  it('readWorld refuses an agent with a role that does not exist, naming the path', async () => {
    const input = testWorld();
    (input.partner.agents[1] as { role: string }).role = 'Superuser';
    const error = await rejectionOf(readWorld(await worldFile(input)), StoreError);
    expect(error.message).to.match(/is not a valid world file/);
    expect(error.message.split('\n').some((l) => l.startsWith('partner.agents[1].role: '))).to.equal(true);
  });

  it('readWorld refuses a file that is not JSON, naming it', async () => {
    const file = join(dir, 'world.json');
    await writeFile(file, '{ "partner": ');
    const error = await rejectionOf(readWorld(file), StoreError);
    expect(error.message).to.contain(file);
    expect(error.message).to.match(/cannot be read as JSON/);
  });

  it('readWorld fills in what a world file may leave out: permission off, no prices, no users, no owners', async () => {
    const file = await worldFile({
      partner: { tenantId: 'p', name: 'P', agents: [{ userId: 'a', name: 'A', role: 'AdminAgent' }] },
      customers: [{ id: 'c', name: 'C', domain: 'c.example', subscriptions: [{ id: 's', offer: 'AzurePlan', usageBased: true, status: 'active' }] }],
    });
    const world = await readWorld(file);
    expect(world.prices).to.deep.equal([]);
    expect(world.customers[0]).to.deep.include({ purchasePermission: false, users: [] });
    expect(world.customers[0]!.subscriptions[0]!.owners).to.deep.equal([]);
  });

  it('R6/R18: re-importing a world logs permission changes against what the store held, not against the file', async () => {
    // Tailspin is on in the world file; an Admin Agent then turns Contoso on from chat; then the same world is imported again (seed --replace).
    const world = worldSchema.parse(testWorld());
    const clock = fixedClock();
    const first = await imported(world, clock);
    const services = createServices(first, clock, new RecordingMessenger());
    await services.permissions.set(identify(services.directory, 'partner-tenant', 'admin-1')!, contosoId, true);
    await first.close();
    stores.splice(stores.indexOf(first), 1);
    clock.advance(60_000);
    const again = await imported(world, clock);
    expect(again.directory.customer(contosoId)!.purchasePermission.enabled, 'the world file turns Contoso off again').to.equal(false);

    const secondImport = await again.log.newest((e) => e.at === clock().toISOString(), 100);
    const permissionEntries = secondImport
      .filter((e) => e.operation !== Operation.LoadPartnerDirectory)
      .map((e) => ({ operation: e.operation, customerId: e.customerId, before: e.before, after: e.after }));
    // Expected per R6/R18: Tailspin stays on (nothing new logged); Contoso goes from on to off (a Delete, before on, after off).
    expect(permissionEntries).to.deep.equal([{ operation: Operation.DeleteCustomerPurchasePermissions, customerId: contosoId, before: { enabled: true }, after: { enabled: false } }]);
  });

  it('R6/R18: a customer whose permission was on and who is left out of the re-imported world gets a Delete entry', async () => {
    const clock = fixedClock();
    const first = await imported(worldSchema.parse(testWorld()), clock);
    await first.close();
    stores.splice(stores.indexOf(first), 1);
    clock.advance(60_000);
    const withoutTailspin = testWorld();
    withoutTailspin.customers = withoutTailspin.customers.filter((c) => c.id !== tailspinId);
    const again = await imported(worldSchema.parse(withoutTailspin), clock);
    const entries = await again.log.newest((e) => e.at === clock().toISOString() && e.operation !== Operation.LoadPartnerDirectory, 100);
    expect(entries.map((e) => ({ operation: e.operation, customerId: e.customerId, customerName: e.customerName, before: e.before, after: e.after }))).to.deep.equal([
      { operation: Operation.DeleteCustomerPurchasePermissions, customerId: tailspinId, customerName: 'Tailspin Toys', before: { enabled: true }, after: { enabled: false } },
    ]);
  });
});
