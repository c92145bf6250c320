import { expect } from 'chai';
import type { WorldInput } from '../../data/schemas.ts';
import { CodedError, ErrorCode } from '../../services/codedError.ts';
import { changeInWords } from '../../services/changeInWords.ts';
import { requestOutcome } from '../../services/changeWords.ts';
import { Operation } from '../../services/operations.ts';
import { buy, logEntries, tailspinOwner } from '../helpers/buying.ts';
import { rejectionOf } from '../helpers/rejectionOf.ts';
import { ask, decide, requestWorld, tailspinReservation } from '../helpers/requesting.ts';
import { openTestStore, people, personOf, tailspinId, type TestStore } from '../helpers/testWorld.ts';

/**
 * The request world, plus a row in EUR (Standard_D2s_v5 northeurope 1 year, EUR 500.00, 1.08 USD per EUR) and a SUSE
 * Linux plan, which Azure neither refunds nor exchanges.
 */
function r17World(): WorldInput {
  const world = requestWorld();
  return {
    ...world,
    products: [...(world.products ?? []), { sku: 'SUSE_SLES_Standard', name: 'SUSE Linux Enterprise Server plan', type: 'SuseLinux', refundable: false, exchangeable: false }],
    prices: [
      ...(world.prices ?? []),
      { sku: 'Standard_D2s_v5', region: 'northeurope', term: 'P1Y', partnerPrice: 500, webDirectPrice: 560, currency: 'EUR', usdRate: 1.08 },
      { sku: 'SUSE_SLES_Standard', region: 'eastus', term: 'P1Y', partnerPrice: 300, webDirectPrice: 330, currency: 'USD' },
    ],
  };
}

/** 1 × Standard_D4s_v5 eastus 1 year per unit at USD 1,200.00. */
const toD4s = (quantity: number, alsoReturned?: string[]) => ({ kind: 'Exchange' as const, sku: 'Standard_D4s_v5', region: 'eastus', term: '1y', quantity, ...(alsoReturned ? { alsoReturned } : {}) });

describe('R17 changes carried out (services/changeRequests.ts, changeExecution.ts)', () => {
  let t: TestStore;
  beforeEach(async () => {
    t = await openTestStore(r17World());
  });
  afterEach(() => t.dispose());

  const stored = async (id: string) => (await t.store.reservation(id))!;
  const refunds = async () => (await t.store.orders(tailspinId)).filter((o) => o.type === 'Refund');
  const entriesOf = async (operation: string) => (await logEntries(t)).filter((e) => e.operation === operation);
  const form = async (id: string, kind: 'Cancel' | 'Exchange') => t.services.requests.form(await personOf(t.services, tailspinOwner), id, kind);

  describe('(R17) returning some of the units', () => {
    it('2 of 5 units: the reservation goes on with 3 (its total with them), the Refund order says 2 and its USD value, the log and the outcome say so', async () => {
      const id = await tailspinReservation(t, '2026-01-31', 5); // 5 × USD 600.00 = 3,000.00
      t.clock.set('2026-03-01T12:00:00.000Z');
      const { request } = await ask(t, tailspinOwner, id, { kind: 'Cancel', quantity: '2' });
      expect(request.change).to.deep.equal({ kind: 'Cancel', quantity: 2 });
      // 2 × 600.00 × 336 / 365 = 1104.66
      expect(request.estimate).to.deep.include({ quantity: 2, unitPrice: 600, priceBasis: 'Paid', unusedValue: 1104.66 });
      expect((await entriesOf(Operation.RequestChange))[0]!.target).to.equal(`${request.id}: cancel 2 units of ${id}`);

      t.clock.set('2026-03-02T09:00:00.000Z');
      const { view } = await decide(t, request.id, 'Approved');
      // A day later, 335 left: 1200 × 335 / 365 = 1101.37
      expect(view.request.outcome!.figures).to.deep.include({ quantity: 2, remainingDays: 335, unusedValue: 1101.37 });
      expect(await stored(id)).to.deep.include({ status: 'Active', quantity: 3, unitPrice: 600, total: 1800, expiresOn: '2027-01-31' });
      expect((await stored(id)).endedOn).to.equal(undefined);
      const [order] = await refunds();
      expect(order).to.deep.include({ reservationId: id, amount: 1101.37, currency: 'USD', quantity: 2, usdAmount: 1101.37 });
      expect(order!.description).to.equal(`Refund for returning 2 of the 5 units of ${id}: 335 of 365 days unused`);
      const [cancelled] = await entriesOf(Operation.CancelReservation);
      expect(cancelled).to.deep.include({ target: `2 of 5 units of ${id}, refund in order ${order!.id} (request ${request.id})`, before: { status: 'Active', expiresOn: '2027-01-31', quantity: 5, total: 3000 } });
      expect(cancelled!.after).to.deep.include({ status: 'Active', quantity: 3, total: 1800, refund: 1101.37, returned: 2, unitPrice: 600 });
      expect(requestOutcome(view.request, view.customer)).to.match(new RegExp(`: Approved by Ada Admin on .*\\. 2 units of ${id} are returned; refund USD 1,101\\.37 in order ${order!.id}\\.$`));

      // The rest may be cancelled in its turn: all 3 (counted at 3 × 600.00), and the reservation ends.
      const rest = await ask(t, tailspinOwner, id, { kind: 'Cancel' });
      expect(rest.request.change).to.deep.equal({ kind: 'Cancel' });
      // 3 × 600.00 × 335 / 365 = 1652.05
      expect(rest.request.estimate).to.deep.include({ quantity: 3, unitPrice: 600, unusedValue: 1652.05 });
      await decide(t, rest.request.id, 'Approved');
      expect(await stored(id)).to.deep.include({ status: 'Cancelled', endedOn: '2026-03-02', quantity: 3 });
      expect((await refunds()).map((o) => [o.quantity, o.amount])).to.deep.equal([
        [2, 1101.37],
        [3, 1652.05],
      ]);
    });

    it('asking to return more units than it has is refused INVALID_QUANTITY and nothing is asked', async () => {
      const id = await tailspinReservation(t, '2026-01-31', 2);
      const error = await rejectionOf(ask(t, tailspinOwner, id, { kind: 'Cancel', quantity: 3 }), CodedError);
      expect(error).to.deep.include({ code: ErrorCode.InvalidQuantity, message: `${id} has 2 units, so 3 cannot be returned: return from 1 to 2.`, field: 'quantity' });
      expect(await t.store.requests()).to.deep.equal([]);
    });

    it("a price lower on the day of the approval than when asked: the approval's figures are counted at it, and the order says so", async () => {
      const id = await tailspinReservation(t, '2026-01-31', 2);
      t.clock.set('2026-03-01T12:00:00.000Z');
      const { request } = await ask(t, tailspinOwner, id, { kind: 'Cancel' });
      await t.services.prices.set(await personOf(t.services, people.admin), 'Standard_D2s_v5', 'eastus', 'P1Y', '550');
      const { view } = await decide(t, request.id, 'Approved');
      // 2 × 550.00 × 336 / 365 = 1012.60, where 2 × 600.00 was asked (1104.66).
      expect(request.estimate).to.deep.include({ unusedValue: 1104.66, priceBasis: 'Paid' });
      expect(view.request.outcome!.figures).to.deep.include({ unusedValue: 1012.6, unitPrice: 550, priceBasis: 'Today' });
      expect((await refunds())[0]!.description).to.equal(`Refund for cancelling ${id}: 336 of 365 days unused, at today's price of USD 550.00 a unit (lower than the price paid)`);
    });
  });

  describe('(R17) the cap counted in USD', () => {
    it('a EUR refund records its USD value at the row\'s rate, and that is what the next cancel finds used of the cap', async () => {
      t.clock.set('2026-01-31T10:00:00.000Z');
      const { reservation } = await buy(t, tailspinOwner, tailspinId, { region: 'northeurope' }); // 2 × EUR 500.00
      expect(reservation).to.deep.include({ currency: 'EUR', total: 1000 });
      t.clock.set('2026-03-01T12:00:00.000Z');
      const { request } = await ask(t, tailspinOwner, reservation.id, { kind: 'Cancel' });
      // EUR 1,000.00 × 336 / 365 = EUR 920.55 = USD 994.19 at 1.08
      expect(request.estimate).to.deep.include({ unusedValue: 920.55, currency: 'EUR', usdValue: 994.19, usdRate: 1.08, allowance: 50_000 });
      await decide(t, request.id, 'Approved');
      expect((await refunds())[0]).to.deep.include({ amount: 920.55, currency: 'EUR', usdAmount: 994.19 });
      const [entry] = await entriesOf(Operation.CancelReservation);
      expect(entry!.after).to.deep.include({ refund: 920.55, currency: 'EUR', refundInUsd: 'USD 994.19' });
      expect(changeInWords(entry!.before, entry!.after)).to.include.members(['Refund: EUR 920.55', 'Refund in USD: USD 994.19', 'Units returned: 2', 'Unit price: EUR 500.00']);

      const next = await tailspinReservation(t, '2026-03-01');
      // 50,000.00 − 994.19 = 49,005.81
      expect((await form(next, 'Cancel')).figures).to.deep.include({ allowance: 49_005.81 });
    });
  });

  describe('(R17) products Azure does not refund', () => {
    it('a SUSE plan: the cancel and exchange forms are refused and logged, saying it runs until its expiry', async () => {
      t.clock.set('2026-01-31T10:00:00.000Z');
      const { reservation } = await buy(t, tailspinOwner, tailspinId, { sku: 'SUSE_SLES_Standard', quantity: 1 });
      const cancel = await rejectionOf(form(reservation.id, 'Cancel'), CodedError);
      expect(cancel).to.deep.include({ code: ErrorCode.NotRefundable });
      expect(cancel.message).to.equal(`Azure does not refund SUSE Linux Enterprise Server plan reservations such as ${reservation.id}. It can be neither cancelled nor exchanged: it runs until 2027-01-31. Nothing was asked.`);
      const exchange = await rejectionOf(form(reservation.id, 'Exchange'), CodedError);
      expect(exchange).to.deep.include({ code: ErrorCode.ExchangeNotAllowed, message: `Azure does not exchange SUSE Linux Enterprise Server plan reservations such as ${reservation.id}. Nothing was asked.` });
      expect((await entriesOf(Operation.RequestChange)).map((e) => [e.outcome, e.reason?.code])).to.deep.equal([
        ['Refused', ErrorCode.ExchangeNotAllowed],
        ['Refused', ErrorCode.NotRefundable],
      ]);
      expect(await t.store.requests()).to.deep.equal([]);
    });
  });

  describe('(R17) exchange restrictions by purchase date', () => {
    it('Virtual Machines bought on 2027-02-01: the exchange form is refused, suggesting a cancel, which may be asked', async () => {
      const id = await tailspinReservation(t, '2027-02-01');
      t.clock.set('2027-03-01T12:00:00.000Z');
      const error = await rejectionOf(form(id, 'Exchange'), CodedError);
      expect(error.code).to.equal(ErrorCode.ExchangeNotAllowed);
      expect(error.message).to.equal(
        `${id} was bought on 2027-02-01, and Azure does not exchange reservations bought from 1 February 2027 for a service that Azure savings plans cover, such as Virtual Machines D2s v5. Type \`cancel ${id}\` to ask for a refund instead. Nothing was asked.`,
      );
      expect((await ask(t, tailspinOwner, id, { kind: 'Cancel' })).request.state).to.equal('Pending');
    });

    it('bought on 2027-01-31, they may be exchanged in March 2027', async () => {
      const id = await tailspinReservation(t, '2027-01-31');
      t.clock.set('2027-03-01T12:00:00.000Z');
      expect((await form(id, 'Exchange')).offers.length).to.be.greaterThan(0);
      expect((await ask(t, tailspinOwner, id, toD4s(2))).request.state).to.equal('Pending');
    });
  });

  describe('(R17) several reservations exchanged into one', () => {
    /** R-1001: 2 × 600.00 from 2026-01-31; R-1002: 1 × 600.00 from 2026-02-01. */
    async function two(): Promise<[string, string]> {
      const a = await tailspinReservation(t, '2026-01-31', 2);
      const b = await tailspinReservation(t, '2026-02-01', 1);
      t.clock.set('2026-03-01T12:00:00.000Z');
      return [a, b];
    }

    it('the exchange form offers the other active reservations of the same type and currency as companions, each with its credit', async () => {
      const [a, b] = await two();
      const sql = (await buy(t, tailspinOwner, tailspinId, { sku: 'SQLDB_GP_2vCore', quantity: 1 })).reservation.id;
      const euro = (await buy(t, tailspinOwner, tailspinId, { region: 'northeurope', quantity: 1 })).reservation.id;
      expect([sql, euro]).to.have.length(2);
      // R-1002: 1 × 600.00 for 2026-02-01 to 2027-02-01 (365 days), 337 left on 2026-03-01: 600 × 337 / 365 = 553.97.
      const exchange = await form(a, 'Exchange');
      expect(exchange.companions.map((c) => [c.reservation.id, c.figures.unusedValue])).to.deep.equal([[b, 553.97]]);
      expect(exchange.offers.map((o) => o.price.currency), 'no row in EUR for a reservation paid in USD').to.include('USD').and.not.include('EUR');
    });

    it('approved: both end, one new reservation gets the summed credit, and while it waits neither can be asked about again', async () => {
      const [a, b] = await two();
      const { request } = await ask(t, tailspinOwner, a, toD4s(2, [b.toLowerCase()]));
      expect(request.change).to.deep.equal({ kind: 'Exchange', sku: 'Standard_D4s_v5', region: 'eastus', term: 'P1Y', quantity: 2, alsoReturned: [b] });
      // 1104.66 (R-1001, 336 of 365 days) + 553.97 (R-1002, 337 of 365) = 1658.63 towards 2 × 1200.00; 741.37 due.
      expect(request.estimate).to.deep.include({ unusedValue: 1658.63, newTotal: 2400, due: 741.37 });
      expect(request.estimate!.returned!.map((r) => [r.reservationId, r.remainingDays, r.unusedValue])).to.deep.equal([
        [a, 336, 1104.66],
        [b, 337, 553.97],
      ]);

      const blocked = await rejectionOf(ask(t, tailspinOwner, b, { kind: 'Cancel' }), CodedError);
      expect(blocked).to.deep.include({ code: ErrorCode.RequestAlreadyPending });
      expect(blocked.message).to.include(`${b} already has a request waiting for a decision: ${request.id} (exchange of ${a}, which returns it too)`);
      const named = await rejectionOf(ask(t, tailspinOwner, a, toD4s(1)), CodedError);
      expect(named.code).to.equal(ErrorCode.RequestAlreadyPending);

      t.clock.set('2026-03-02T09:00:00.000Z');
      const { view } = await decide(t, request.id, 'Approved');
      const created = view.request.outcome!.newReservationId!;
      for (const id of [a, b]) expect(await stored(id)).to.deep.include({ status: 'Exchanged', endedOn: '2026-03-02', exchangedFor: created });
      // A day later: 1200 × 335 / 365 = 1101.37 and 600 × 336 / 365 = 552.33; 1653.70 in all.
      expect(await stored(created)).to.deep.include({ quantity: 2, sku: 'Standard_D4s_v5', total: 2400, exchangedFrom: a, status: 'Active' });
      const order = (await t.store.orders(tailspinId)).find((o) => o.type === 'Exchange')!;
      expect(order).to.deep.include({ reservationId: created, amount: 2400, credit: 1653.7 });
      expect(order.description).to.equal(`Exchange of ${a}, ${b} for 2 × Virtual Machines D4s v5 (Standard_D4s_v5), eastus, 1 year`);
      const [entry] = await entriesOf(Operation.ExchangeReservation);
      expect(entry).to.deep.include({ target: `${a}, ${b} for ${created} in order ${order.id} (request ${request.id})` });
      expect(entry!.before).to.deep.include({ reservation: a, alsoReturned: [b] });
      expect(requestOutcome(view.request, view.customer)).to.include(`${a}, ${b} are exchanged for ${created}`);
      expect(await refunds(), 'an exchange refunds nothing').to.deep.equal([]);
    });

    it('checked again on approval: one that expired meanwhile is refused, saying so; nothing changes and the request waits', async () => {
      const a = await tailspinReservation(t, '2026-01-31', 2);
      const soon = await tailspinReservation(t, '2025-03-05', 1); // expires 2026-03-05
      t.clock.set('2026-03-01T12:00:00.000Z');
      const { request } = await ask(t, tailspinOwner, a, toD4s(2, [soon]));
      t.clock.set('2026-03-06T09:00:00.000Z');
      const error = await rejectionOf(decide(t, request.id, 'Approved'), CodedError);
      expect(error.code).to.equal(ErrorCode.ExchangeNotAllowed);
      expect(error.message).to.equal(`${soon} expired on 2026-03-05, so it can no longer be changed. Nothing was changed and the request is still pending: reject it, saying why.`);
      expect((await t.store.request(request.id))!.state).to.equal('Pending');
      expect(await stored(a)).to.deep.include({ status: 'Active' });
      expect((await t.store.orders(tailspinId)).map((o) => o.type)).to.deep.equal(['Purchase', 'Purchase']);
    });
  });
});
