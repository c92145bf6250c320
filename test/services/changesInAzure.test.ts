import { expect } from 'chai';
import type { ChangeRequest, LogEntry } from '../../data/schemas.ts';
import { CodedError, ErrorCode } from '../../services/codedError.ts';
import { Operation } from '../../services/operations.ts';
import { buy, confirmAs, logEntries, quoteFor, tailspinOwner } from '../helpers/buying.ts';
import { rejectionOf } from '../helpers/rejectionOf.ts';
import { ask, decide, requestWorld, talkedToTheBot } from '../helpers/requesting.ts';
import { ScriptedCloud } from '../helpers/scriptedCloud.ts';
import { ScriptedOrders } from '../helpers/scriptedOrders.ts';
import { openTestStore, people, personOf, tailspinId, type TestStore } from '../helpers/testWorld.ts';

const minuteMs = 60_000;

/**
 * R17 in Partner Center mode (services/changesInAzure.ts): an approved change is carried out in Azure after the
 * decision, through the port, and recorded with Azure's answer; purchases are Partner Center checkouts, bought once.
 * The port is scripted here (test/helpers/scriptedOrders.ts); test/cloud/ plays the same against the HTTP fakes.
 */
describe('changes carried out in Azure (services/changesInAzure.ts, R8, R16–R18)', () => {
  let t: TestStore;
  let azure: ScriptedOrders;
  beforeEach(async () => {
    azure = new ScriptedOrders();
    t = await openTestStore(requestWorld(), undefined, {
      cloud: async (store) => {
        const cloud = await ScriptedCloud.of(store);
        cloud.owners.add('sub-tailspin-plan|tailspin-owner');
        cloud.orders = azure;
        return cloud;
      },
      changesPolicy: { attempts: 3, firstRetryMs: minuteMs, longestRetryMs: 5 * minuteMs, claimMs: 30 * minuteMs },
    });
    await talkedToTheBot(t, tailspinOwner, people.admin);
  });
  afterEach(() => t.dispose());

  const stored = async (id = 'REQ-1001') => (await t.store.request(id)) as ChangeRequest;
  const entriesOf = async (operation: string): Promise<LogEntry[]> => (await logEntries(t)).filter((e) => e.operation === operation);
  const toldTia = () => t.messenger.texts.filter((m) => JSON.stringify(m.to).includes('tailspin-owner')).map((m) => m.text);
  const run = () => t.services.changes!.runDue();

  /** Tia buys 2 × D2s v5 (USD 1,200.00 in all) on 2026-01-31 through Partner Center; Azure holds it at that price. */
  async function bought() {
    t.clock.set('2026-01-31T10:00:00.000Z');
    const { reservation } = await buy(t, tailspinOwner, tailspinId, { quantity: 2 });
    azure.paid(reservation.azure!.reservationId, 1200);
    t.clock.set('2026-03-01T12:00:00.000Z');
    return reservation;
  }

  it('(R8, R11) a purchase is a Partner Center checkout, recorded with its order id and Azure\'s reservation ids', async () => {
    const reservation = await bought();
    expect(azure.calls.map((c) => c.operation)).to.deep.equal(['buy']);
    expect(reservation.azure).to.deep.equal(azure.reservations.get(reservation.azure!.reservationId) && { orderId: reservation.azure!.orderId, reservationId: reservation.azure!.reservationId });
    const [order] = await t.store.orders(tailspinId);
    expect(order!.partnerCenterOrderId).to.equal('pc-order-1');
    const [entry] = await entriesOf(Operation.PurchaseReservation);
    expect(entry!.correlationId).to.equal(azure.calls[0]!.correlationId);
  });

  it('(R11) a purchase whose Azure ids came later is linked by the sync, not recorded again as bought in the portal', async () => {
    azure.idsLater = true;
    t.clock.set('2026-01-31T10:00:00.000Z');
    const { reservation } = await buy(t, tailspinOwner, tailspinId, { quantity: 2 });
    expect(reservation.azure).to.equal(undefined);
    const [inAzure] = azure.reservations.values();
    const cloud = t.services.cloud as ScriptedCloud;
    cloud.bought.set(tailspinId, [{ ...inAzure!, purchasedAt: '2026-01-31T10:00:05.000Z' }]);
    const report = await t.services.sync.run('schedule');
    expect(report.purchases, 'no portal purchase').to.deep.equal([]);
    expect((await t.store.reservation(reservation.id))!.azure).to.deep.equal({ orderId: inAzure!.orderId, reservationId: inAzure!.reservationId });
    expect(await t.store.reservations(tailspinId)).to.have.length(1);
    const [linked] = (await entriesOf(Operation.SyncCustomer)).filter((e) => e.target?.includes('is Azure reservation'));
    expect(linked!.target).to.equal(`${reservation.id} is Azure reservation ${inAzure!.reservationId}`);
  });

  it('(R8) a confirmation whose checkout answer was lost buys nothing twice: confirming the same card again records the one order', async () => {
    const quote = await quoteFor(t, tailspinOwner, tailspinId, { quantity: 1 });
    azure.failNext('buy', 'loseAnswer');
    const lost = await rejectionOf(confirmAs(t, tailspinOwner, quote.quote.id), CodedError);
    expect(lost.code).to.equal(ErrorCode.CloudOutcomeUnknown);
    expect(await t.store.reservations(tailspinId), 'nothing recorded while the outcome is unknown').to.have.length(0);
    const purchase = await confirmAs(t, tailspinOwner, quote.quote.id);
    expect(purchase.alreadyBought).to.equal(false);
    expect(azure.reservations.size, 'one reservation in Azure').to.equal(1);
    expect(purchase.reservation.azure!.reservationId).to.equal([...azure.reservations.keys()][0]);
    expect(await t.store.reservations(tailspinId)).to.have.length(1);
  });

  it('(R17) an approved cancel is carried out after the answer: calculateRefund then return with its session, and the customer is told Azure\'s refund', async () => {
    const reservation = await bought();
    await ask(t, tailspinOwner, reservation.id, { kind: 'Cancel' });
    const { view } = await decide(t, 'REQ-1001', 'Approved');
    expect(view.request.state).to.equal('Approved');
    expect(view.request.execution).to.include({ state: 'InProgress' });
    expect((await t.store.reservation(reservation.id))!.status, 'not cancelled before Azure did it').to.equal('Active');
    expect(await t.store.orders(tailspinId)).to.have.length(1);

    await run();
    const [quote, refund] = azure.calls.filter((c) => c.operation !== 'buy');
    expect(quote).to.include({ operation: 'quoteRefund', quantity: 2 });
    expect(refund).to.include({ operation: 'refund', sessionId: 'refund-session-2', quantity: 2 });
    const request = await stored();
    expect(request.execution).to.include({ state: 'Done' });
    // Azure's figure (40% of USD 1,200.00), not the bot's own estimate of that day.
    expect(request.outcome!.figures!.unusedValue).to.equal(480);
    expect(request.estimate!.unusedValue).to.not.equal(480);
    const refundOrder = (await t.store.orders(tailspinId)).find((o) => o.type === 'Refund')!;
    expect(refundOrder).to.include({ amount: 480, currency: 'USD' });
    expect((await t.store.reservation(reservation.id))!.status).to.equal('Cancelled');
    await t.delivered();
    const told = toldTia();
    expect(told[0]).to.match(/REQ-1001 \(cancel R-1001\): Approved by Ada Admin .* It is being carried out in Azure; you will be told when it is done\./);
    expect(told[1]).to.match(/R-1001 is cancelled; refund USD 480\.00 in order O-\d+/);
    const [entry] = await entriesOf(Operation.CancelReservation);
    expect(entry!.correlationId).to.equal(refund!.correlationId);
  });

  it('(R17, R18) a change Azure refuses leaves the request approved but failed, in Azure\'s words, told and logged; an Admin Agent retries it', async () => {
    const reservation = await bought();
    await ask(t, tailspinOwner, reservation.id, { kind: 'Scope', scope: { type: 'Single', subscriptionId: 'sub-tailspin-plan' } });
    await decide(t, 'REQ-1001', 'Approved');
    azure.failNext('update', 'refuse');
    await run();
    const failed = await stored();
    expect(failed.state).to.equal('Approved');
    expect(failed.execution).to.include({ state: 'Failed' });
    expect(failed.execution!.reason).to.match(/Azure said "The operation is not allowed by policy: update"/);
    expect((await t.store.reservation(reservation.id))!.scope).to.deep.equal({ type: 'Shared' });
    const [refused] = await entriesOf(Operation.ChangeScope);
    expect(refused).to.deep.include({ outcome: 'Refused' });
    expect(refused!.reason!.message).to.match(/Azure did not carry out REQ-1001: Azure said "The operation is not allowed by policy/);
    await t.delivered();
    expect(toldTia().at(-1)).to.match(/Azure did not carry it out: Azure said .* An Admin Agent can retry it\./);

    // Only an Admin Agent retries; anyone else is refused and logged (R18).
    const sales = await rejectionOf(t.services.requests.retry(await personOf(t.services, people.sales), 'REQ-1001'), CodedError);
    expect(sales.code).to.equal(ErrorCode.RoleNotAllowed);
    const retried = await t.services.requests.retry(await personOf(t.services, people.admin), 'req-1001');
    expect(retried.request.execution).to.include({ state: 'InProgress', attempts: 0 });
    const retries = await entriesOf(Operation.RetryChange);
    expect(retries.map((e) => e.outcome)).to.deep.equal(['Succeeded', 'Refused']);
    await run();
    expect((await stored()).execution).to.include({ state: 'Done' });
    expect((await t.store.reservation(reservation.id))!.scope).to.deep.equal({ type: 'Single', subscriptionId: 'sub-tailspin-plan' });
    expect(azure.reservations.get(reservation.azure!.reservationId)!.scope).to.deep.equal({ type: 'Single', subscriptionId: 'sub-tailspin-plan' });
    const again = await rejectionOf(t.services.requests.retry(await personOf(t.services, people.admin), 'REQ-1001'), CodedError);
    expect(again.message).to.match(/There is nothing to retry on REQ-1001: Azure carried it out already/);
  });

  it('Azure not answering is tried again with backoff, and fails only after the last attempt', async () => {
    const reservation = await bought();
    await ask(t, tailspinOwner, reservation.id, { kind: 'Renew', autoRenew: true });
    await decide(t, 'REQ-1001', 'Approved');
    azure.failNext('update', 'silent');
    await run();
    const waiting = await stored();
    expect(waiting.execution).to.include({ state: 'InProgress', attempts: 1, nextAttemptAt: '2026-03-01T12:01:00.000Z' });
    expect(await run(), 'not due yet').to.equal(0);
    t.clock.set('2026-03-01T12:01:00.000Z');
    expect(await run()).to.equal(1);
    expect((await t.store.reservation(reservation.id))!.autoRenew).to.equal(true);
    expect(azure.reservations.get(reservation.azure!.reservationId)!.autoRenew).to.equal(true);
  });

  it('a return whose answer was lost is not sent twice: the next attempt finds it done in Azure and records the quoted refund', async () => {
    const reservation = await bought();
    await ask(t, tailspinOwner, reservation.id, { kind: 'Cancel' });
    await decide(t, 'REQ-1001', 'Approved');
    azure.failNext('refund', 'loseAnswer');
    await run();
    expect((await stored()).execution).to.include({ state: 'InProgress' });
    t.clock.set('2026-03-01T12:05:00.000Z');
    await run();
    expect(azure.calls.filter((c) => c.operation === 'refund'), 'one return').to.have.length(1);
    expect((await stored()).outcome!.figures!.unusedValue).to.equal(480);
    expect((await t.store.reservation(reservation.id))!.status).to.equal('Cancelled');
  });

  it('(R17) an approved exchange is calculateExchange then exchange; the new reservation carries Azure\'s ids and figures', async () => {
    const reservation = await bought();
    await ask(t, tailspinOwner, reservation.id, { kind: 'Exchange', sku: 'Standard_D4s_v5', region: 'eastus', term: 'P3Y', quantity: 1 });
    await decide(t, 'REQ-1001', 'Approved');
    await run();
    expect(azure.calls.filter((c) => c.operation !== 'buy').map((c) => c.operation)).to.deep.equal(['quoteExchange', 'exchange']);
    const request = await stored();
    const created = (await t.store.reservation(request.outcome!.newReservationId!))!;
    const made = [...azure.reservations.values()].find((r) => r.reservationId !== reservation.azure!.reservationId)!;
    expect(created.azure).to.deep.equal({ orderId: made.orderId, reservationId: made.reservationId });
    expect(made).to.include({ sku: 'Standard_D4s_v5', term: 'P3Y', quantity: 1, billingSubscriptionId: 'sub-tailspin-plan' });
    expect(request.outcome!.figures).to.include({ unusedValue: 480, newTotal: 1000, due: 520 });
    expect((await t.store.reservation(reservation.id))!.status).to.equal('Exchanged');
    expect(azure.reservations.get(reservation.azure!.reservationId)!.state).to.equal('Cancelled');
  });

  it('(R17) several reservations exchanged into one are all returned in one calculateExchange and end together', async () => {
    const first = await bought();
    t.clock.set('2026-01-31T11:00:00.000Z');
    const { reservation: second } = await buy(t, tailspinOwner, tailspinId, { quantity: 1 });
    azure.paid(second.azure!.reservationId, 600);
    t.clock.set('2026-03-01T12:00:00.000Z');
    await ask(t, tailspinOwner, first.id, { kind: 'Exchange', sku: 'Standard_D4s_v5', region: 'eastus', term: 'P3Y', quantity: 1, alsoReturned: [second.id] });
    await decide(t, 'REQ-1001', 'Approved');
    await run();
    // Azure's credit: 40% of USD 1,200.00 and of USD 600.00.
    expect((await stored()).outcome!.figures).to.include({ unusedValue: 720, newTotal: 1000, due: 280 });
    for (const id of [first.id, second.id]) expect((await t.store.reservation(id))!.status, id).to.equal('Exchanged');
    for (const r of [first, second]) expect(azure.reservations.get(r.azure!.reservationId)!.state).to.equal('Cancelled');
  });

  it("(R17) a renewal made at expiry does not take the old reservation's Azure ids: the sync links it to Azure's own renewal", async () => {
    const old = await bought();
    await t.store.transaction(async (tx) => tx.saveReservation({ ...(await tx.reservation(old.id))!, autoRenew: true }));
    t.clock.set(`${old.expiresOn}T01:00:00.000Z`);
    await t.services.renewals.renewDue();
    await t.services.renewals.renewDue();
    const renewal = (await t.store.reservations(tailspinId)).find((r) => r.renewalOf === old.id)!;
    expect(renewal.azure).to.equal(undefined);
    const azureRenewal = { ...azure.reservations.get(old.azure!.reservationId)!, orderId: 'azure-renewal-order', reservationId: 'azure-renewal', purchasedAt: `${old.expiresOn}T00:00:00.000Z` };
    (t.services.cloud as ScriptedCloud).bought.set(tailspinId, [azureRenewal]);
    const report = await t.services.sync.run('schedule');
    expect(report.purchases).to.deep.equal([]);
    expect((await t.store.reservation(renewal.id))!.azure).to.deep.equal({ orderId: 'azure-renewal-order', reservationId: 'azure-renewal' });
  });
});
