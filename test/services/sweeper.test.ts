import { expect } from 'chai';
import type { Store, Transaction } from '../../data/store.ts';
import { Operation } from '../../services/operations.ts';
import { quoteLifetimeMs } from '../../services/purchases.ts';
import { createServices, type Services } from '../../services/services.ts';
import { logEntries, quoteFor, tailspinOwner } from '../helpers/buying.ts';
import { ask, decide, requestWorld, tailspinReservation, talkedToTheBot } from '../helpers/requesting.ts';
import { rejectionOf } from '../helpers/rejectionOf.ts';
import { fabrikamId, openTestStore, pendingDeliveries, people, personOf, tailspinId, type TestStore } from '../helpers/testWorld.ts';

/** The reads that list a whole table, or a whole customer's or person's part of it: the sweeper must never need them. */
const listingReads = new Set(['requests', 'reservations', 'orders', 'customerNames', 'customers', 'quotesBy']);

/**
 * The store as the sweeper may use it: work that falls due is found through `due` (each call recorded as
 * "<kind> <time>"), records by their id; a listing read, in or out of a transaction, throws.
 */
function byDeadlineOnly(store: Store, asked: string[]): Store {
  const dueOf = (reads: Store['due']): Store['due'] =>
    new Proxy(reads, {
      get(target, kind: string) {
        const read = Reflect.get(target, kind, target) as (at: string, limit: number) => Promise<unknown>;
        return (at: string, limit: number) => {
          asked.push(`${kind} ${at}`);
          return read.call(target, at, limit);
        };
      },
    });
  const watched = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(inner, key) {
        if (typeof key === 'string' && listingReads.has(key)) return () => Promise.reject(new Error(`the sweeper read ${key}(): due work is found by its deadline`));
        if (key === 'due') return dueOf(Reflect.get(inner, key, inner) as Store['due']);
        if (key === 'transaction') return <R>(work: (tx: Transaction) => Promise<R>) => (inner as Store).transaction((tx) => work(watched(tx)));
        const value: unknown = Reflect.get(inner, key, inner);
        return typeof value === 'function' ? value.bind(inner) : value;
      },
    });
  return watched(store);
}

describe('the sweeper finds due work by its deadline (requests.sweep, renewals.renewDue, purchases.dropStaleQuotes, deliveries.deliverDue)', () => {
  let t: TestStore;
  let sweeper: Services;
  let asked: string[];
  beforeEach(async () => {
    t = await openTestStore(requestWorld());
    asked = [];
    sweeper = createServices(byDeadlineOnly(t.store, asked), t.clock, t.messenger);
  });
  afterEach(async () => {
    await sweeper.deliveries.stop();
    await t.dispose();
  });

  const state = async (id: string) => (await t.store.request(id))!;

  it('the watch works: a listing read through it is refused', async () => {
    const error = await rejectionOf(sweeper.requests.list(await personOf(sweeper, people.admin)), Error);
    expect(error.message).to.match(/the sweeper read requests\(\)/);
  });

  it('(R16) each request is reminded at its own half time and expires at its own deadline, without a listing read', async () => {
    await talkedToTheBot(t, people.admin, tailspinOwner);
    for (const day of ['2026-01-31', '2026-01-31', '2026-01-31']) await tailspinReservation(t, day); // R-1001 … R-1003
    t.clock.set('2026-03-01T12:00:00.000Z');
    await ask(t, tailspinOwner, 'R-1001', { kind: 'Cancel' }); // REQ-1001: half time 03-05 00:00, expires 03-08 12:00
    t.clock.set('2026-03-02T12:00:00.000Z');
    await ask(t, tailspinOwner, 'R-1002', { kind: 'Renew', autoRenew: true }); // REQ-1002: 03-06 00:00, 03-09 12:00
    t.clock.set('2026-03-03T12:00:00.000Z');
    await ask(t, tailspinOwner, 'R-1003', { kind: 'Renew', autoRenew: true }); // REQ-1003: 03-07 00:00, 03-10 12:00
    await t.delivered();

    t.clock.set('2026-03-04T23:59:59.999Z');
    expect(await sweeper.requests.sweep()).to.deep.equal({ expired: 0, reminded: 0 });
    t.clock.set('2026-03-05T00:00:00.000Z');
    expect(await sweeper.requests.sweep()).to.deep.equal({ expired: 0, reminded: 1 });
    expect((await state('REQ-1001')).reminderSentAt).to.equal('2026-03-05T00:00:00.000Z');
    expect((await state('REQ-1002')).reminderSentAt).to.equal(undefined);
    expect(asked).to.include.members(['expiries 2026-03-05T00:00:00.000Z', 'reminders 2026-03-05T00:00:00.000Z']);

    // Days later (the bot was stopped): REQ-1001 expires at its deadline; the other two are reminded once each.
    t.clock.set('2026-03-08T12:00:00.000Z');
    expect(await sweeper.requests.sweep()).to.deep.equal({ expired: 1, reminded: 2 });
    expect(await state('REQ-1001')).to.deep.include({ state: 'Expired', closedAt: '2026-03-08T12:00:00.000Z' });
    expect((await state('REQ-1003')).reminderSentAt).to.equal('2026-03-08T12:00:00.000Z');

    t.clock.set('2026-03-10T11:59:59.999Z');
    expect(await sweeper.requests.sweep()).to.deep.equal({ expired: 1, reminded: 0 });
    expect((await state('REQ-1002')).state).to.equal('Expired');
    expect((await state('REQ-1003')).state).to.equal('Pending');
    t.clock.set('2026-03-10T12:00:00.000Z');
    expect(await sweeper.requests.sweep()).to.deep.equal({ expired: 1, reminded: 0 });
    expect(await sweeper.requests.sweep()).to.deep.equal({ expired: 0, reminded: 0 });
    expect((await logEntries(t)).filter((e) => e.operation === Operation.ExpireRequest).map((e) => e.target)).to.deep.equal(['REQ-1003', 'REQ-1002', 'REQ-1001']);

    // What the sweeps put in the outbox is found by its time too: a reminder and, at the expiry, a text for each.
    await sweeper.deliveries.deliverDue();
    expect(asked.some((a) => a.startsWith('deliveries '))).to.equal(true);
    expect(t.messenger.requestCards.filter((c) => c.news === 'reminder').map((c) => c.requestId).sort()).to.deep.equal(['REQ-1001', 'REQ-1002', 'REQ-1003']);
    expect(t.messenger.texts).to.have.length(3);
    expect(await pendingDeliveries(t.store)).to.deep.equal([]);
  });

  it('(R16) a request decided before its deadline is neither reminded nor expired', async () => {
    await tailspinReservation(t);
    t.clock.set('2026-03-01T12:00:00.000Z');
    await ask(t, tailspinOwner, 'R-1001', { kind: 'Renew', autoRenew: true });
    await decide(t, 'REQ-1001', 'Rejected', people.admin, 'not now');
    t.clock.set('2026-04-01T00:00:00.000Z');
    expect(await sweeper.requests.sweep()).to.deep.equal({ expired: 0, reminded: 0 });
    expect((await state('REQ-1001')).state).to.equal('Rejected');
  });

  it('(R17) each reservation is renewed on its expiry day, without a listing read', async () => {
    for (const day of ['2026-01-31', '2026-02-15']) {
      const id = await tailspinReservation(t, day);
      const { request } = await ask(t, tailspinOwner, id, { kind: 'Renew', autoRenew: true });
      await decide(t, request.id, 'Approved');
    }
    await tailspinReservation(t, '2026-01-31'); // R-1003: no auto-renew
    t.clock.set('2027-01-31T00:00:00.000Z');
    expect(await sweeper.renewals.renewDue()).to.equal(1);
    expect(asked).to.include('renewals 2027-01-31');
    expect((await t.store.reservation('R-1001'))!.renewedBy).to.equal('R-1004');
    expect((await t.store.reservation('R-1002'))!.renewedBy).to.equal(undefined);
    expect((await t.store.reservation('R-1003'))!.renewedBy).to.equal(undefined);
    t.clock.set('2027-02-15T00:00:00.000Z');
    expect(await sweeper.renewals.renewDue()).to.equal(1);
    expect((await t.store.reservation('R-1002'))!.renewedBy).to.equal('R-1005');
    expect(await sweeper.renewals.renewDue()).to.equal(0);
  });

  it('(R17) two renewal checks at once renew a reservation once', async () => {
    const id = await tailspinReservation(t);
    await ask(t, tailspinOwner, id, { kind: 'Renew', autoRenew: true });
    await decide(t, 'REQ-1001', 'Approved');
    t.clock.set('2027-02-01T00:00:00.000Z');
    const counts = await Promise.all([sweeper.renewals.renewDue(), sweeper.renewals.renewDue()]);
    expect(counts.sort()).to.deep.equal([0, 1]);
    expect((await t.store.reservations(tailspinId)).filter((r) => r.renewalOf === id)).to.have.length(1);
  });

  it('stale quotes are dropped by their age, without reading anyone\'s quotes', async () => {
    const { quote: old } = await quoteFor(t, tailspinOwner, tailspinId);
    t.clock.advance(60_000);
    const { quote: young } = await quoteFor(t, people.sales, fabrikamId, { billingSubscriptionId: 'sub-fabrikam-plan' });
    t.clock.set(new Date(Date.parse(old.createdAt) + quoteLifetimeMs + 1).toISOString());
    expect(await sweeper.purchases.dropStaleQuotes()).to.equal(1);
    expect(asked).to.include(`staleQuotes ${new Date(Date.parse(old.createdAt) + 1).toISOString()}`);
    expect(await t.store.quote(old.id)).to.equal(undefined);
    expect(await t.store.quote(young.id)).to.deep.equal(young);
  });
});
