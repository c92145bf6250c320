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
});
