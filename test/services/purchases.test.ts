import { expect } from 'chai';
import { CodedError, ErrorCode } from '../../services/codedError.ts';
import { Operation } from '../../services/operations.ts';
import { quoteLifetimeMs } from '../../services/purchases.ts';
import { buy, confirmAs, everything, logEntries, quoteFor, tailspinOwner } from '../helpers/buying.ts';
import { rejectionOf } from '../helpers/rejectionOf.ts';
import { contosoId, fabrikamId, openTestStore, partnerTenant, people, personOf, tailspinId, type TestStore, type TestUser } from '../helpers/testWorld.ts';

describe('purchases (services/purchases.ts)', () => {
  let t: TestStore;
  beforeEach(async () => {
    t = await openTestStore();
  });
  afterEach(() => t.dispose());

  const purchaseEntries = async () => (await logEntries(t)).filter((e) => e.operation === Operation.PurchaseReservation);
  const as = (user: TestUser) => personOf(t.services, user);

  describe('a customer user with Owner buys (R8–R11, R13)', () => {
    it('(R13) the reservation has every field, at the partner price (R10), billed to the partner (R9), bought by the user', async () => {
      t.clock.set('2026-11-24T10:30:00.000Z');
      const { quote } = await quoteFor(t, tailspinOwner, tailspinId, { quantity: 3 });
      expect(quote).to.deep.include({ unitPrice: 600, total: 1800, currency: 'USD' });

      const purchase = await confirmAs(t, tailspinOwner, quote.id);
      expect(purchase.alreadyBought).to.equal(false);
      const [reservation] = t.services.purchases.reservations(as(tailspinOwner), tailspinId);
      expect(reservation).to.deep.equal({
        id: 'R-1001',
        orderId: 'O-1001',
        customerId: tailspinId,
        sku: 'Standard_D2s_v5',
        productName: 'Virtual Machines D2s v5',
        region: 'eastus',
        quantity: 3,
        term: 'P1Y',
        billingPlan: 'Upfront',
        billingSubscriptionId: 'sub-tailspin-plan',
        scope: { type: 'Shared' },
        autoRenew: false,
        purchasedAt: '2026-11-24T10:30:00.000Z',
        expiresOn: '2027-11-24',
        status: 'Active',
        boughtBy: { tenantId: tailspinId, userId: 'tailspin-owner', name: 'Tia Owner', role: 'CustomerUser' },
        unitPrice: 600,
        total: 1800,
        currency: 'USD',
      });
    });

    it('(R9, R11) the order is in Order history, billed to the partner, marked with who bought it', async () => {
      await buy(t, tailspinOwner, tailspinId);
      const orders = t.services.purchases.orders(as(tailspinOwner), tailspinId);
      expect(orders).to.have.length(1);
      expect(orders[0]).to.deep.include({
        id: 'O-1001',
        type: 'Purchase',
        customerId: tailspinId,
        reservationId: 'R-1001',
        billedTo: { tenantId: partnerTenant, name: 'Test Partner' },
        by: { tenantId: tailspinId, userId: 'tailspin-owner', name: 'Tia Owner', role: 'CustomerUser' },
        billingPlan: 'Upfront',
        amount: 1200,
        currency: 'USD',
      });
      expect(t.services.purchases.orders(as(people.sales), tailspinId), 'agents see it too').to.deep.equal(orders);
    });

    it('(R11, R18) the log has Purchase Azure Reservation, Succeeded, with the customer and the amount after', async () => {
      t.clock.set('2026-11-24T10:30:00.000Z');
      await buy(t, tailspinOwner, tailspinId, { region: 'westeurope', quantity: 3 });
      const entries = await purchaseEntries();
      expect(entries).to.have.length(1);
      expect(entries[0]).to.deep.include({
        at: '2026-11-24T10:30:00.000Z',
        outcome: 'Succeeded',
        customerId: tailspinId,
        customerName: 'Tailspin Toys',
        actor: { tenantId: tailspinId, userId: 'tailspin-owner', name: 'Tia Owner', role: 'CustomerUser' },
      });
      expect(entries[0]!.after).to.deep.include({ order: 'O-1001', reservation: 'R-1001', quantity: 3, region: 'westeurope', amount: 1951.5, currency: 'USD', billedTo: 'Test Partner' });
    });

    it('(R13) a term starting on 29 February 2028 expires on 28 February 2029', async () => {
      t.clock.set('2028-02-29T12:00:00.000Z');
      const { reservation } = await buy(t, tailspinOwner, tailspinId);
      expect(reservation.expiresOn).to.equal('2029-02-28');
    });

    it('(R14) a management group of the customer is accepted as scope and described in the log', async () => {
      await t.services.permissions.set(as(people.admin), contosoId, true);
      const { reservation } = await buy(t, people.contosoOwner, contosoId, { billingSubscriptionId: 'sub-contoso-plan', scope: { type: 'ManagementGroup', managementGroupId: 'contoso-mg' } });
      expect(reservation.scope).to.deep.equal({ type: 'ManagementGroup', managementGroupId: 'contoso-mg' });
      expect((await purchaseEntries())[0]!.after).to.deep.include({ scope: 'Management group Contoso Root' });
    });
  });

  describe('a quote is bought once (R11, R18)', () => {
    it('confirming twice buys once: the second says alreadyBought and logs nothing new', async () => {
      const { quote } = await quoteFor(t, tailspinOwner, tailspinId);
      const first = await confirmAs(t, tailspinOwner, quote.id);
      const logSize = t.services.activity.size();
      const second = await confirmAs(t, tailspinOwner, quote.id);
      expect(second.alreadyBought).to.equal(true);
      expect(second.order.id).to.equal(first.order.id);
      expect(t.services.purchases.orders(as(tailspinOwner), tailspinId)).to.have.length(1);
      expect(t.services.activity.size()).to.equal(logSize);
    });

    it('two confirmations at once buy once and log one purchase', async () => {
      const { quote } = await quoteFor(t, tailspinOwner, tailspinId);
      const results = await Promise.all([confirmAs(t, tailspinOwner, quote.id), confirmAs(t, tailspinOwner, quote.id)]);
      expect(results.map((r) => r.alreadyBought).sort()).to.deep.equal([false, true]);
      expect(results[0].order.id).to.equal(results[1].order.id);
      expect(everything(t)).to.deep.equal({ reservations: 1, orders: 1 });
      expect((await purchaseEntries()).filter((e) => e.outcome === 'Succeeded')).to.have.length(1);
    });
  });

  describe('confirming checks everything again', () => {
    /** Quote as Tailspin's owner, let `meanwhile` happen, then expect the confirmation refused with `code`, nothing bought, one refusal logged. */
    const refusedAtConfirmation: { title: string; code: ErrorCode; by?: TestUser; meanwhile(t: TestStore): Promise<unknown> | void; says?: RegExp }[] = [
      { title: '(R7) the permission is turned off between quote and confirm', code: ErrorCode.PurchaseNotAllowed, meanwhile: (t) => t.services.permissions.set(personOf(t.services, people.admin), tailspinId, false) },
      { title: '(R10) the partner price changed between quote and confirm', code: ErrorCode.PriceChanged, meanwhile: (t) => t.services.prices.set(personOf(t.services, people.admin), 'Standard_D2s_v5', 'eastus', 'P1Y', '610'), says: /USD 600\.00.*USD 610\.00/ },
      { title: '(R10) the partner price was withdrawn between quote and confirm', code: ErrorCode.NoPartnerPrice, meanwhile: (t) => t.services.prices.set(personOf(t.services, people.admin), 'Standard_D2s_v5', 'eastus', 'P1Y', 'none') },
      { title: '(R18) someone else confirms the quote', code: ErrorCode.QuoteNotFound, by: people.admin, meanwhile: () => undefined },
      { title: '(R18) the quote is older than 24 hours', code: ErrorCode.QuoteNotFound, meanwhile: (t) => t.clock.advance(quoteLifetimeMs + 1000), says: /24 hours/ },
    ];

    for (const { title, code, by = tailspinOwner, meanwhile, says } of refusedAtConfirmation) {
      it(`${title}: refused ${code}, nothing bought, one refusal logged`, async () => {
        const { quote } = await quoteFor(t, tailspinOwner, tailspinId);
        await meanwhile(t);
        const logSize = t.services.activity.size();
        const error = await rejectionOf(confirmAs(t, by, quote.id), CodedError);
        expect(error.code).to.equal(code);
        if (says) expect(error.message).to.match(says);
        expect(everything(t)).to.deep.equal({ reservations: 0, orders: 0 });
        expect(t.services.activity.size()).to.equal(logSize + 1);
        const [newest] = await logEntries(t);
        expect(newest).to.deep.include({ operation: Operation.PurchaseReservation, outcome: 'Refused' });
        expect(newest!.reason?.code).to.equal(code);
        expect(newest!.actor.userId).to.equal(by.userId);
      });
    }

    it('a quote exactly 24 hours old can still be confirmed', async () => {
      const { quote } = await quoteFor(t, tailspinOwner, tailspinId);
      t.clock.advance(quoteLifetimeMs);
      expect((await confirmAs(t, tailspinOwner, quote.id)).alreadyBought).to.equal(false);
    });

    it('(R7) reservations bought before the permission is turned off stay as they are', async () => {
      await buy(t, tailspinOwner, tailspinId);
      await t.services.permissions.set(as(people.admin), tailspinId, false);
      expect(t.services.purchases.reservations(as(tailspinOwner), tailspinId)).to.have.length(1);
      expect(t.services.purchases.reservations(as(tailspinOwner), tailspinId)[0]!.status).to.equal('Active');
    });
  });

  describe('agents buying on behalf of a customer (R8, R11)', () => {
    for (const who of ['sales', 'admin'] as const) {
      it(`a ${who} agent buys for Fabrikam (permission off, no Owners); bought-by says who`, async () => {
        const { reservation, order } = await buy(t, people[who], fabrikamId, { billingSubscriptionId: 'sub-fabrikam-plan' });
        const role = who === 'sales' ? 'SalesAgent' : 'AdminAgent';
        expect(reservation.boughtBy).to.deep.equal({ tenantId: partnerTenant, userId: people[who].userId, name: people[who].name, role });
        expect(order).to.deep.include({ customerId: fabrikamId, amount: 1200, billedTo: { tenantId: partnerTenant, name: 'Test Partner' } });
        expect(t.services.purchases.reservations(personOf(t.services, people.fabrikamUser), fabrikamId), 'the customer sees it (R11)').to.have.length(1);
        expect((await purchaseEntries())[0]).to.deep.include({ outcome: 'Succeeded', customerId: fabrikamId });
      });
    }

    it('(R8) a Help Desk Agent is refused ROLE_NOT_ALLOWED, and the refusal is logged', async () => {
      const error = await rejectionOf(quoteFor(t, people.helpdesk, fabrikamId, { billingSubscriptionId: 'sub-fabrikam-plan' }), CodedError);
      expect(error.code).to.equal(ErrorCode.RoleNotAllowed);
      expect(error.message).to.contain('Help Desk Agent');
      expect(everything(t)).to.deep.equal({ reservations: 0, orders: 0 });
      const [newest] = await logEntries(t);
      expect(newest).to.deep.include({ operation: Operation.PurchaseReservation, outcome: 'Refused', customerId: fabrikamId });
      expect(newest!.actor).to.deep.include({ userId: 'help-1', role: 'HelpDeskAgent' });
    });
  });

  describe('who sees reservations and orders (R19)', () => {
    it('a Contoso user asking for Tailspin\'s reservations and orders gets nothing', async () => {
      await buy(t, tailspinOwner, tailspinId);
      expect(t.services.purchases.reservations(as(tailspinOwner), tailspinId)).to.have.length(1);
      expect(t.services.purchases.reservations(as(people.contosoOwner), tailspinId)).to.deep.equal([]);
      expect(t.services.purchases.orders(as(people.contosoOwner), tailspinId)).to.deep.equal([]);
    });

    it('reservations and orders are listed newest first', async () => {
      await buy(t, tailspinOwner, tailspinId);
      await buy(t, tailspinOwner, tailspinId, { region: 'westeurope' });
      expect(t.services.purchases.reservations(as(tailspinOwner), tailspinId).map((r) => r.id)).to.deep.equal(['R-1002', 'R-1001']);
      expect(t.services.purchases.orders(as(people.admin), tailspinId).map((o) => o.id)).to.deep.equal(['O-1002', 'O-1001']);
    });
  });
});
