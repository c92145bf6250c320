import { expect } from 'chai';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { worldSchema, type NewLogEntry, type World, type WorldInput } from '../../data/schemas.ts';
import type { Store, Transaction } from '../../data/store.ts';
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
import { createStorePlace, type StorePlace } from '../helpers/storePlace.ts';

const demoWorldFile = fileURLToPath(new URL('../../data/demo-world.json', import.meta.url));

/** The ids the Agents Playground puts on activities by default (its user is Alex Wilber in this tenant). */
const playgroundTenant = '00000000-0000-0000-0000-0000000000001';
const playgroundUser = '00000000-0000-0000-0000-0000000000020';


describe('world import (services/worldImport.ts)', () => {
  let place: StorePlace;
  const stores: Store[] = [];
  beforeEach(async () => {
    place = await createStorePlace({ prefix: 'csp-bot-world-' });
  });
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
    await place.dispose();
  });

  async function worldFile(world: unknown): Promise<string> {
    const file = join(place.dataDir, 'world.json');
    await writeFile(file, JSON.stringify(world, null, 2));
    return file;
  }
  /** Opens the test's store (empty the first time) and imports `world` into it. */
  async function imported(world: World, clock = fixedClock()): Promise<Store> {
    const store = await place.open();
    stores.push(store);
    await importWorld(store, world, 'world.json', clock);
    return store;
  }
  /** Every log entry, oldest first. */
  const wholeLog = async (store: Store) => (await store.log.query({ limit: 1000 })).reverse();
  /** The customers of the directory, in directory order. */
  const customersOf = async (store: Store) => store.customers((await store.customerNames()).map((c) => c.id));

  describe('the demo world', () => {
    let world: World;
    let demoPlace: StorePlace;
    let demo: Store;
    /** The demo customers as the product sees them once imported. */
    const customers = () => customersOf(demo);
    before(async () => {
      world = await readWorld(demoWorldFile);
      demoPlace = await createStorePlace({ prefix: 'csp-bot-demo-' });
      demo = await demoPlace.open();
      await importWorld(demo, world, 'the demo world', fixedClock('2026-11-24T08:00:00.000Z'));
    });
    after(async () => {
      await demo.close();
      await demoPlace.dispose();
    });

    it('has an Admin Agent with the Agents Playground\'s default user id, in the partner tenant', async () => {
      expect((await demo.partner()).tenantId).to.equal(playgroundTenant);
      expect(await identify(demo, playgroundTenant, playgroundUser)).to.deep.include({ kind: 'agent', role: 'AdminAgent' });
    });

    it('has an agent of each role', () => {
      expect(new Set(world.partner.agents.map((a) => a.role))).to.deep.equal(new Set(['AdminAgent', 'SalesAgent', 'HelpDeskAgent']));
    });

    it('has a customer with no eligible (active, usage-based Azure Plan/Global) subscription', async () => {
      expect((await customers()).filter((c) => eligibleSubscriptions(c).length === 0)).not.to.be.empty;
    });

    it('has a customer with an eligible subscription but no Owners on it (R5 warning case)', async () => {
      expect((await customers()).filter((c) => eligibleSubscriptions(c).length > 0 && !hasOwnerOnEligible(c))).not.to.be.empty;
    });

    it('has a customer with an Owner on an eligible subscription, its permission still off', async () => {
      expect((await customers()).filter((c) => hasOwnerOnEligible(c) && !c.purchasePermission.enabled)).not.to.be.empty;
    });

    it('has a customer whose permission is on, and it is eligible (R4)', async () => {
      const on = (await customers()).filter((c) => c.purchasePermission.enabled);
      expect(on).not.to.be.empty;
      for (const c of on) expect(eligibleSubscriptions(c), c.name).not.to.be.empty;
    });

    it('has two customers that share the first word of their name (an ambiguous lookup)', async () => {
      const words = (await customers()).map((c) => c.name.toLowerCase().split(/\s+/)[0]);
      expect(words.some((w, i) => words.indexOf(w) !== i)).to.equal(true);
    });

    it('imports: every customer with its permission as the file says; Load Partner Directory, then one Create Customer Purchase Permissions per customer whose permission is on', async () => {
      expect((await customers()).map((c) => [c.id, c.purchasePermission.enabled])).to.deep.equal(world.customers.map((c) => [c.id, c.purchasePermission]));
      const on = world.customers.filter((c) => c.purchasePermission);
      const entries = await wholeLog(demo);
      expect(entries.map((e) => e.operation)).to.deep.equal([Operation.LoadPartnerDirectory, ...on.map(() => Operation.CreateCustomerPurchasePermissions)]);
      expect(entries.slice(1).map((e) => e.customerId)).to.deep.equal(on.map((c) => c.id));
    });
  });

  it('importWorld logs Load Partner Directory with a summary, then a Create Customer Purchase Permissions for each customer turned on', async () => {
    const input = testWorld();
    input.customers.find((c) => c.id === contosoId)!.purchasePermission = true;
    const clock = fixedClock('2026-11-24T08:30:00.000Z');
    const store = await imported(worldSchema.parse(input), clock);

    const entries = await wholeLog(store);
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
    expect((await store.customer(contosoId))!.purchasePermission).to.deep.equal({ enabled: true, changedAt: '2026-11-24T08:30:00.000Z', changedBy: 'system' });
    expect((await store.customer(fabrikamId))!.purchasePermission).to.deep.equal({ enabled: false });
  });

  it('the imported directory is kept: a store opened afterwards sees it', async () => {
    const store = await imported(worldSchema.parse(testWorld()));
    await store.close();
    stores.splice(stores.indexOf(store), 1);
    const reopened = await place.open();
    stores.push(reopened);
    expect((await reopened.customer(tailspinId))!.purchasePermission.enabled).to.equal(true);
    expect(await reopened.log.count()).to.equal(2);
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
    const file = join(place.dataDir, 'world.json');
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
    await services.permissions.set((await services.directory.identify('partner-tenant', 'admin-1'))!, contosoId, true);
    await services.deliveries.stop();
    await first.close();
    stores.splice(stores.indexOf(first), 1);
    clock.advance(60_000);
    const again = await imported(world, clock);
    expect((await again.customer(contosoId))!.purchasePermission.enabled, 'the world file turns Contoso off again').to.equal(false);

    const secondImport = (await again.log.query({ limit: 100 })).filter((e) => e.at === clock().toISOString());
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
    const entries = (await again.log.query({ limit: 100 })).filter((e) => e.at === clock().toISOString() && e.operation !== Operation.LoadPartnerDirectory);
    expect(entries.map((e) => ({ operation: e.operation, customerId: e.customerId, customerName: e.customerName, before: e.before, after: e.after }))).to.deep.equal([
      { operation: Operation.DeleteCustomerPurchasePermissions, customerId: tailspinId, customerName: 'Tailspin Toys', before: { enabled: true }, after: { enabled: false } },
    ]);
  });

  it('the savings plan permission: off unless the file says so; imported, logged with its own target, and kept with its history by a re-import that leaves it as it was (R1, R6)', async () => {
    const input = testWorld();
    input.customers.find((c) => c.id === contosoId)!.savingsPlanPermission = true;
    const clock = fixedClock('2026-11-24T08:30:00.000Z');
    const first = await imported(worldSchema.parse(input), clock);
    expect((await first.customer(contosoId))!.savingsPlanPermission).to.deep.equal({ enabled: true, changedAt: '2026-11-24T08:30:00.000Z', changedBy: 'system' });
    expect((await first.customer(tailspinId))!.savingsPlanPermission, 'its reservations permission is on, not this one').to.deep.equal({ enabled: false });
    const created = (await wholeLog(first)).filter((e) => e.target === 'Azure savings plan: allow customer to purchase');
    expect(created.map((e) => ({ operation: e.operation, customerId: e.customerId, before: e.before, after: e.after }))).to.deep.equal([
      { operation: Operation.CreateCustomerPurchasePermissions, customerId: contosoId, before: { enabled: false }, after: { enabled: true } },
    ]);
    await first.close();
    stores.splice(stores.indexOf(first), 1);
    clock.advance(60_000);
    const again = await imported(worldSchema.parse(input), clock);
    expect((await again.customer(contosoId))!.savingsPlanPermission.changedAt, 'kept as it was').to.equal('2026-11-24T08:30:00.000Z');
    expect((await again.log.query({ limit: 100 })).filter((e) => e.at === clock().toISOString() && e.operation !== Operation.LoadPartnerDirectory)).to.deep.equal([]);
  });

  it('readWorld refuses a savings plan permission that is on without an eligible subscription, naming the field (R4)', async () => {
    const input: WorldInput = testWorld();
    const northwind = input.customers.findIndex((c) => c.name === 'Northwind Traders');
    input.customers[northwind]!.savingsPlanPermission = true;
    const error = await rejectionOf(readWorld(await worldFile(input)), StoreError);
    expect(error.message).to.contain(`customers[${northwind}].savingsPlanPermission: Northwind Traders' Azure Plan subscription sub-northwind-suspended is suspended, so the permission cannot be on (R4).`);
  });

  it('a new folder opens as an empty store; an import fills it', async () => {
    const store = await place.open();
    stores.push(store);
    expect(await store.hasDirectory()).to.equal(false);
    expect(await store.log.count()).to.equal(0);
    await importWorld(store, worldSchema.parse(testWorld()), 'world.json', fixedClock());
    expect(await store.hasDirectory()).to.equal(true);
    expect((await store.partner()).name).to.equal('Test Partner');
    expect((await store.customerNames()).map((c) => c.id)).to.deep.equal(testWorld().customers.map((c) => c.id));
    expect(await store.products()).to.have.length(1);
    expect(await store.prices()).to.have.length(3);
  });

  it('the directory and its log entries are written in one transaction: an import that fails half way leaves the store empty, and nothing logged', async () => {
    const store = await place.open();
    stores.push(store);
    // The second log entry (Tailspin's permission) fails, after the directory and the first entry were written.
    let entries = 0;
    const failing = new Proxy(store, {
      get(target, key) {
        if (key !== 'transaction') {
          const value: unknown = Reflect.get(target, key, target);
          return typeof value === 'function' ? value.bind(target) : value;
        }
        return <T>(work: (tx: Transaction) => Promise<T>) =>
          target.transaction((tx) =>
            work(
              new Proxy(tx, {
                get(inner, name) {
                  if (name === 'log') return (entry: NewLogEntry) => (++entries === 2 ? Promise.reject(new Error('disk full')) : inner.log(entry));
                  const value: unknown = Reflect.get(inner, name, inner);
                  return typeof value === 'function' ? value.bind(inner) : value;
                },
              }),
            ),
          );
      },
    });
    const error = await rejectionOf(importWorld(failing, worldSchema.parse(testWorld()), 'world.json', fixedClock()), Error);
    expect(error.message).to.equal('disk full');
    expect(await store.hasDirectory()).to.equal(false);
    expect(await store.log.count()).to.equal(0);

    await importWorld(store, worldSchema.parse(testWorld()), 'world.json', fixedClock());
    expect((await wholeLog(store)).map((e) => e.operation)).to.deep.equal([Operation.LoadPartnerDirectory, Operation.CreateCustomerPurchasePermissions]);
  });

  it('a re-import keeps what the world file does not hold: reservations, orders, settings, conversations and the log', async () => {
    const clock = fixedClock('2026-11-24T08:00:00.000Z');
    const store = await imported(worldSchema.parse(testWorld()), clock);
    const services = createServices(store, clock, new RecordingMessenger());
    try {
      const tia = (await services.directory.identify(tailspinId, 'tailspin-owner'))!;
      const ada = (await services.directory.identify('partner-tenant', 'admin-1'))!;
      const { quote } = await services.purchases.quote(tia, tailspinId, { sku: 'Standard_D2s_v5', region: 'eastus', term: 'P1Y', quantity: 1, billingPlan: 'Upfront', billingSubscriptionId: 'sub-tailspin-plan', scope: { type: 'Shared' } });
      const { reservation, order } = await services.purchases.confirm(tia, quote.id);
      await services.settings.setPurchaseNotifications(ada, true);
      await services.conversations.remember(ada, { conversation: { id: 'chat-admin-1' } });
      const logged = await store.log.count();

      clock.advance(60_000);
      await importWorld(store, worldSchema.parse(testWorld()), 'world.json', clock);
      expect(await store.reservation(reservation.id)).to.deep.equal(reservation);
      expect(await store.orders(tailspinId)).to.deep.equal([order]);
      expect((await store.settings()).purchaseNotifications).to.equal(true);
      expect((await store.conversation('partner-tenant', 'admin-1'))?.reference).to.deep.equal({ conversation: { id: 'chat-admin-1' } });
      expect(await store.log.count(), 'the log goes on: one Load Partner Directory more, no permission changed').to.equal(logged + 1);
    } finally {
      await services.deliveries.stop();
    }
  });

  it('R10/R18: a re-import logs a Set Partner Price for each partner price it changes, against what the store held, and none for the others', async () => {
    const clock = fixedClock();
    const store = await imported(worldSchema.parse(testWorld()), clock);
    clock.advance(60_000);
    const changed = testWorld();
    changed.prices![0]!.partnerPrice = 620; // eastus P1Y: 600 → 620
    delete changed.prices![2]!.partnerPrice; // westeurope P1Y: 650.50 → none
    await importWorld(store, worldSchema.parse(changed), 'world.json', clock);
    const entries = (await store.log.query({ operations: [Operation.SetPartnerPrice], limit: 100 })).reverse();
    expect(entries.map((e) => ({ target: e.target, before: e.before, after: e.after }))).to.deep.equal([
      { target: 'Standard_D2s_v5 eastus P1Y', before: { partnerPrice: 600, currency: 'USD' }, after: { partnerPrice: 620, webDirectPrice: 700, currency: 'USD' } },
      { target: 'Standard_D2s_v5 westeurope P1Y', before: { partnerPrice: 650.5, currency: 'USD' }, after: { partnerPrice: null, webDirectPrice: 750, currency: 'USD' } },
    ]);
    expect(entries.every((e) => e.at === clock().toISOString() && e.actor.role === 'System')).to.equal(true);
  });
});
