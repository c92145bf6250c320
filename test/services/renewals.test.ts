import { expect } from 'chai';
import { Operation } from '../../services/operations.ts';
import { worldSchema } from '../../data/schemas.ts';
import { importWorld } from '../../services/worldImport.ts';
import { buy, logEntries, tailspinOwner } from '../helpers/buying.ts';
import { ask, decide, requestWorld, tailspinReservation } from '../helpers/requesting.ts';
import { contosoId, openTestStore, people, personOf, tailspinId, type TestStore } from '../helpers/testWorld.ts';

describe('renewals at expiry (services/renewals.ts, R17)', () => {
  let t: TestStore;
  beforeEach(async () => {
    t = await openTestStore(requestWorld());
  });
  afterEach(() => t.dispose());

  const reservations = async () => t.services.purchases.reservations(await personOf(t.services, people.admin), tailspinId);
  const renewalEntries = async () => (await logEntries(t)).filter((e) => e.operation === Operation.RenewReservation);

  /** R-1001 bought 2026-01-31 (expires 2027-01-31) with auto-renew turned on by an approved request. */
  async function autoRenewed() {
    const id = await tailspinReservation(t, '2026-01-31');
    const { request } = await ask(t, tailspinOwner, id, { kind: 'Renew', autoRenew: true });
    await decide(t, request.id, 'Approved');
    return id;
  }

  it('(R17) a reservation with auto-renew on is renewed at expiry: same product, region, scope, subscription, term and quantity, at the price of that day', async () => {
    const id = await autoRenewed();
    await t.services.prices.set(await personOf(t.services, people.admin), 'Standard_D2s_v5', 'eastus', 'P1Y', '580');
    t.clock.set('2027-01-30T23:59:00.000Z');
    expect(await t.services.renewals.renewDue(), 'not due the day before expiry').to.equal(0);

    t.clock.set('2027-01-31T00:01:00.000Z');
    expect(await t.services.renewals.renewDue()).to.equal(1);
    const [renewal, old] = await reservations();
    expect(old!.id).to.equal(id);
    expect(renewal).to.deep.include({
      renewalOf: id,
      sku: old!.sku,
      region: old!.region,
      quantity: old!.quantity,
      term: old!.term,
      billingPlan: old!.billingPlan,
      billingSubscriptionId: old!.billingSubscriptionId,
      purchasedAt: '2027-01-31T00:00:00.000Z',
      expiresOn: '2028-01-31',
      status: 'Active',
      autoRenew: true,
      unitPrice: 580,
      total: 1160,
    });
    expect(renewal!.scope).to.deep.equal(old!.scope);
    expect(old!.renewedBy, 'the renewed reservation names its renewal').to.equal(renewal!.id);
    expect(renewal!.renewedBy).to.equal(undefined);
    const order = (await t.services.purchases.orders(await personOf(t.services, people.admin), tailspinId))[0]!;
    expect(order).to.deep.include({ type: 'Renewal', reservationId: renewal!.id, amount: 1160, currency: 'USD' });
    expect(order.billedTo.name).to.equal('Test Partner');
    const [entry] = await renewalEntries();
    expect(entry).to.deep.include({ outcome: 'Succeeded', customerId: tailspinId });
    expect(entry!.after).to.deep.include({ reservation: renewal!.id, from: '2027-01-31', expiresOn: '2028-01-31', amount: 1160 });
  });

  it('(R17) a renewal is made once, however often the check runs, also when it runs days late (after a restart)', async () => {
    await autoRenewed();
    t.clock.set('2027-02-04T08:00:00.000Z');
    const [first, second] = await Promise.all([t.services.renewals.renewDue(), t.services.renewals.renewDue()]);
    expect(first + second).to.equal(1);
    expect(await t.services.renewals.renewDue()).to.equal(0);
    expect((await reservations()).map((r) => r.purchasedAt.slice(0, 10))).to.deep.equal(['2027-01-31', '2026-01-31']);
    expect(await renewalEntries()).to.have.length(1);
    const [renewal, old] = await reservations();
    expect(old!.renewedBy).to.equal(renewal!.id);
  });

  it('(R17) ten checks at once renew once: one new reservation, one Renewal order, one log entry', async () => {
    const id = await autoRenewed();
    t.clock.set('2027-01-31T00:00:00.000Z');
    const counts = await Promise.all(Array.from({ length: 10 }, () => t.services.renewals.renewDue()));
    expect(counts.reduce((a, b) => a + b, 0)).to.equal(1);
    const orders = await t.services.purchases.orders(await personOf(t.services, people.admin), tailspinId);
    expect(orders.filter((o) => o.type === 'Renewal')).to.have.length(1);
    const [renewal] = await reservations();
    expect(await reservations()).to.have.length(2);
    // The renewal's number: on PostgreSQL the one the check that won drew while all ten were under way.
    expect(renewal).to.deep.include({ renewalOf: id });
    expect((await t.store.reservation(id))!.renewedBy).to.equal(renewal!.id);
    expect((await renewalEntries()).map((e) => e.outcome)).to.deep.equal(['Succeeded']);
  });

  it('(R17) a renewal is renewed in its turn a year later; the reservation it renewed, named renewed, is never renewed again', async () => {
    const id = await autoRenewed();
    t.clock.set('2027-01-31T00:00:00.000Z');
    expect(await t.services.renewals.renewDue()).to.equal(1);
    t.clock.set('2028-01-31T00:00:00.000Z');
    expect(await t.services.renewals.renewDue()).to.equal(1);
    expect(await t.services.renewals.renewDue()).to.equal(0);
    const [second, first, original] = await reservations();
    expect(original).to.deep.include({ id, renewedBy: first!.id });
    expect(first).to.deep.include({ renewalOf: id, renewedBy: second!.id, purchasedAt: '2027-01-31T00:00:00.000Z', expiresOn: '2028-01-31' });
    expect(second).to.deep.include({ renewalOf: first!.id, purchasedAt: '2028-01-31T00:00:00.000Z', expiresOn: '2029-01-31', autoRenew: true });
    expect(second!.renewedBy).to.equal(undefined);
    expect((await renewalEntries()).map((e) => e.target)).to.deep.equal([`${first!.id} as ${second!.id} in order O-1003`, `${id} as ${first!.id} in order O-1002`]);
  });

  it('(R17) each reservation is renewed on its own expiry day, found by that date', async () => {
    const first = await autoRenewed(); // expires 2027-01-31
    const second = await tailspinReservation(t, '2026-03-15'); // expires 2027-03-15
    const { request } = await ask(t, tailspinOwner, second, { kind: 'Renew', autoRenew: true });
    await decide(t, request.id, 'Approved');
    t.clock.set('2027-01-31T06:00:00.000Z');
    expect(await t.services.renewals.renewDue()).to.equal(1);
    expect((await t.store.reservation(first))!.renewedBy).to.be.a('string');
    expect((await t.store.reservation(second))!.renewedBy).to.equal(undefined);
    t.clock.set('2027-03-14T23:59:59.999Z');
    expect(await t.services.renewals.renewDue(), 'not before its day').to.equal(0);
    t.clock.set('2027-03-15T00:00:00.000Z');
    expect(await t.services.renewals.renewDue()).to.equal(1);
    expect((await t.store.reservation(second))!.renewedBy).to.be.a('string');
  });

  it('(R17) a reservation of a customer that a re-imported world left out does not stop the renewals due after it', async () => {
    await autoRenewed(); // Tailspin's R-1001, due 2027-01-31
    const admin = await personOf(t.services, people.admin);
    await t.services.permissions.set(admin, contosoId, true);
    t.clock.set('2026-02-01T10:00:00.000Z');
    const { reservation } = await buy(t, people.contosoOwner, contosoId, { billingSubscriptionId: 'sub-contoso-plan' }); // R-1002, due 2027-02-01
    const { request } = await ask(t, people.contosoOwner, reservation.id, { kind: 'Renew', autoRenew: true });
    await decide(t, request.id, 'Approved');
    const withoutTailspin = requestWorld();
    withoutTailspin.customers = withoutTailspin.customers.filter((c) => c.id !== tailspinId);
    await importWorld(t.store, worldSchema.parse(withoutTailspin), 'world.json', t.clock);

    t.clock.set('2027-02-02T00:00:00.000Z');
    await t.services.renewals.renewDue();
    expect((await t.store.reservation(reservation.id))!.renewedBy, "Contoso's reservation is renewed").to.be.a('string');
  });

  it('a reservation without auto-renew just expires', async () => {
    await tailspinReservation(t, '2026-01-31');
    t.clock.set('2027-02-01T00:00:00.000Z');
    expect(await t.services.renewals.renewDue()).to.equal(0);
    expect(await reservations()).to.have.length(1);
  });

  it('(R10, R18) without a partner price that day it cannot be renewed: refused once in the log, auto-renew turned off', async () => {
    const id = await autoRenewed();
    await t.services.prices.set(await personOf(t.services, people.admin), 'Standard_D2s_v5', 'eastus', 'P1Y', 'none');
    t.clock.set('2027-01-31T06:00:00.000Z');
    expect(await t.services.renewals.renewDue()).to.equal(0);
    expect(await t.services.renewals.renewDue()).to.equal(0);
    expect(await reservations()).to.have.length(1);
    expect((await reservations())[0]).to.deep.include({ id, autoRenew: false });
    const entries = await renewalEntries();
    expect(entries).to.have.length(1);
    expect(entries[0]).to.deep.include({ outcome: 'Refused' });
    expect(entries[0]!.reason?.message).to.include(`${id} could not be renewed`);
  });

  describe('(R17) the renewal price: locked 30 days before expiry, and the lower of it and the price at renewal', () => {
    const lockEntries = async () => (await logEntries(t)).filter((e) => e.operation === Operation.LockRenewalPrice);
    const stored = async (id: string) => (await t.store.reservation(id))!;
    const setPrice = async (amount: string) => t.services.prices.set(await personOf(t.services, people.admin), 'Standard_D2s_v5', 'eastus', 'P1Y', amount);

    it('on 2027-01-01, 30 days before R-1001 expires on 2027-01-31, the price of that day is locked, once, and logged; nothing is renewed', async () => {
      const id = await autoRenewed();
      t.clock.set('2026-12-31T23:59:59.999Z');
      expect(await t.services.renewals.renewDue()).to.equal(0);
      expect((await stored(id)).renewalPrice, 'not before its day').to.equal(undefined);
      t.clock.set('2027-01-01T00:00:00.000Z');
      const [a, b] = await Promise.all([t.services.renewals.renewDue(), t.services.renewals.renewDue()]);
      expect(a + b).to.equal(0);
      expect(await t.services.renewals.renewDue()).to.equal(0);
      expect((await stored(id)).renewalPrice).to.deep.equal({ unitPrice: 600, currency: 'USD', lockedOn: '2027-01-01' });
      expect(await reservations()).to.have.length(1);
      const entries = await lockEntries();
      expect(entries).to.have.length(1);
      expect(entries[0]).to.deep.include({ outcome: 'Succeeded', customerId: tailspinId, target: `${id}: renews on 2027-01-31 at no more than USD 600.00 a unit` });
      expect(entries[0]!.after).to.deep.equal({ renewalPrice: 600, currency: 'USD', lockedOn: '2027-01-01', renewsOn: '2027-01-31' });
    });

    it('the price rises after the lock (600.00 → 700.00): renewed at the 600.00 locked', async () => {
      const id = await autoRenewed();
      t.clock.set('2027-01-01T08:00:00.000Z');
      await t.services.renewals.renewDue();
      await setPrice('700');
      t.clock.set('2027-01-31T00:05:00.000Z');
      expect(await t.services.renewals.renewDue()).to.equal(1);
      const [renewal] = await reservations();
      // 2 × 600.00 = 1200.00
      expect(renewal).to.deep.include({ renewalOf: id, unitPrice: 600, total: 1200 });
      expect(renewal!.renewalPrice, 'the renewal locks its own price in its turn').to.equal(undefined);
      const order = (await t.store.orders(tailspinId)).find((o) => o.type === 'Renewal')!;
      expect(order).to.deep.include({ amount: 1200 });
      expect(order.description).to.match(/, the price locked on 2027-01-01 \(lower than today's\)$/);
      const [entry] = await renewalEntries();
      expect(entry!.after).to.deep.include({ unitPrice: 600, lockedPrice: 600, lockedOn: '2027-01-01', amount: 1200 });
    });

    it('the price falls after the lock (600.00 → 540.00): renewed at 540.00', async () => {
      await autoRenewed();
      t.clock.set('2027-01-01T08:00:00.000Z');
      await t.services.renewals.renewDue();
      await setPrice('540');
      t.clock.set('2027-01-31T00:05:00.000Z');
      expect(await t.services.renewals.renewDue()).to.equal(1);
      // 2 × 540.00 = 1080.00
      expect((await reservations())[0]).to.deep.include({ unitPrice: 540, total: 1080 });
      expect((await t.store.orders(tailspinId)).find((o) => o.type === 'Renewal')!.description).to.match(/, today's price \(not above the one locked\)$/);
    });

    it('auto-renew turned on 10 days before expiry: the price of the next check is locked, and holds against a rise', async () => {
      const id = await tailspinReservation(t, '2026-01-31');
      t.clock.set('2027-01-21T09:00:00.000Z');
      const { request } = await ask(t, tailspinOwner, id, { kind: 'Renew', autoRenew: true });
      await decide(t, request.id, 'Approved');
      await t.services.renewals.renewDue();
      expect((await stored(id)).renewalPrice).to.deep.equal({ unitPrice: 600, currency: 'USD', lockedOn: '2027-01-21' });
      await setPrice('650');
      t.clock.set('2027-01-31T00:05:00.000Z');
      expect(await t.services.renewals.renewDue()).to.equal(1);
      expect((await reservations())[0]).to.deep.include({ unitPrice: 600, total: 1200 });
    });

    it('a renewal due with no price locked (the checks did not run for 30 days) is made at the price of that day', async () => {
      await autoRenewed();
      await setPrice('650');
      t.clock.set('2027-02-02T10:00:00.000Z');
      expect(await t.services.renewals.renewDue()).to.equal(1);
      expect((await reservations())[0]).to.deep.include({ unitPrice: 650, total: 1300 });
      expect(await lockEntries()).to.deep.equal([]);
    });

    it('auto-renew turned off drops the locked price; turned on again, the price of that day is locked anew', async () => {
      const id = await autoRenewed();
      t.clock.set('2027-01-01T08:00:00.000Z');
      await t.services.renewals.renewDue();
      const off = await ask(t, tailspinOwner, id, { kind: 'Renew', autoRenew: false });
      await decide(t, off.request.id, 'Approved');
      expect((await stored(id)).renewalPrice).to.equal(undefined);
      await setPrice('620');
      t.clock.set('2027-01-05T08:00:00.000Z');
      const on = await ask(t, tailspinOwner, id, { kind: 'Renew', autoRenew: true });
      await decide(t, on.request.id, 'Approved');
      await t.services.renewals.renewDue();
      expect((await stored(id)).renewalPrice).to.deep.equal({ unitPrice: 620, currency: 'USD', lockedOn: '2027-01-05' });
    });

    it('(R10, R18) without a partner price on the lock day: refused once in the log as the lock, auto-renew turned off', async () => {
      const id = await autoRenewed();
      await setPrice('none');
      t.clock.set('2027-01-01T06:00:00.000Z');
      await t.services.renewals.renewDue();
      await t.services.renewals.renewDue();
      expect(await stored(id)).to.deep.include({ autoRenew: false });
      const entries = await lockEntries();
      expect(entries).to.have.length(1);
      expect(entries[0]).to.deep.include({ outcome: 'Refused' });
      expect(entries[0]!.reason?.message).to.include(`the renewal price of ${id} could not be locked 30 days before its expiry and its auto-renew was turned off`);
      expect(await renewalEntries()).to.deep.equal([]);
    });
  });
});
