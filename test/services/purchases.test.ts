import { expect } from 'chai';
import { CodedError, ErrorCode } from '../../services/codedError.ts';
import { Operation } from '../../services/operations.ts';
import type { Store } from '../../data/store.ts';
import { maxQuotesPerPerson, quoteLifetimeMs, type Purchase } from '../../services/purchases.ts';
import { createServices } from '../../services/services.ts';
import { buy, confirmAs, everything, logEntries, quoteFor, tailspinOwner } from '../helpers/buying.ts';
import { rejectionOf } from '../helpers/rejectionOf.ts';
import { contosoId, fabrikamId, openTestStore, partnerTenant, people, personOf, tailspinId, testWorld, type TestStore, type TestUser } from '../helpers/testWorld.ts';

/** The store, but a read of a quote waits for `until` first: a confirmation overtaken by another. */
function quoteReadsWait(store: Store, until: Promise<unknown>): Store {
  return new Proxy(store, {
    get(target, key) {
      if (key === 'quote') {
        return async (id: string) => {
          await until;
          return target.quote(id);
        };
      }
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

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
      const [reservation] = await t.services.purchases.reservations(await as(tailspinOwner), tailspinId);
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
      const orders = await t.services.purchases.orders(await as(tailspinOwner), tailspinId);
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
      expect(await t.services.purchases.orders(await as(people.sales), tailspinId), 'agents see it too').to.deep.equal(orders);
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
      await t.services.permissions.set(await as(people.admin), contosoId, true);
      const { reservation } = await buy(t, people.contosoOwner, contosoId, { billingSubscriptionId: 'sub-contoso-plan', scope: { type: 'ManagementGroup', managementGroupId: 'contoso-mg' } });
      expect(reservation.scope).to.deep.equal({ type: 'ManagementGroup', managementGroupId: 'contoso-mg' });
      expect((await purchaseEntries())[0]!.after).to.deep.include({ scope: 'Management group Contoso Root' });
    });
  });

  describe('a quote is bought once (R11, R18)', () => {
    it('confirming twice buys once: the second says alreadyBought and logs nothing new', async () => {
      const { quote } = await quoteFor(t, tailspinOwner, tailspinId);
      const first = await confirmAs(t, tailspinOwner, quote.id);
      const logSize = await t.services.activity.size();
      const second = await confirmAs(t, tailspinOwner, quote.id);
      expect(second.alreadyBought).to.equal(true);
      expect(second.order.id).to.equal(first.order.id);
      expect(await t.services.purchases.orders(await as(tailspinOwner), tailspinId)).to.have.length(1);
      expect(await t.services.activity.size()).to.equal(logSize);
    });

    it('two confirmations at once buy once and log one purchase', async () => {
      const { quote } = await quoteFor(t, tailspinOwner, tailspinId);
      const results = await Promise.all([confirmAs(t, tailspinOwner, quote.id), confirmAs(t, tailspinOwner, quote.id)]);
      expect(results.map((r) => r.alreadyBought).sort()).to.deep.equal([false, true]);
      expect(results[0].order.id).to.equal(results[1].order.id);
      expect(await everything(t)).to.deep.equal({ reservations: 1, orders: 1 });
      expect((await purchaseEntries()).filter((e) => e.outcome === 'Succeeded')).to.have.length(1);
    });

    it('ten confirmations of one quote at once buy once: one order, one Succeeded entry and no refusal, every answer naming that order', async () => {
      const { quote } = await quoteFor(t, tailspinOwner, tailspinId);
      const results = await Promise.all(Array.from({ length: 10 }, () => confirmAs(t, tailspinOwner, quote.id)));
      expect(results.filter((r) => !r.alreadyBought)).to.have.length(1);
      expect(await everything(t)).to.deep.equal({ reservations: 1, orders: 1 });
      // The one bought; on PostgreSQL its numbers are those the confirmation that won drew while all ten were under way.
      const [order] = await t.store.orders(tailspinId);
      const [reservation] = await t.store.reservations(tailspinId);
      expect([...new Set(results.map((r) => r.order.id))]).to.deep.equal([order!.id]);
      expect([...new Set(results.map((r) => r.reservation.id))]).to.deep.equal([reservation!.id]);
      expect((await purchaseEntries()).map((e) => e.outcome)).to.deep.equal(['Succeeded']);
    });

    it('a confirmation that finds its quote gone because its own other confirmation just bought it gets that purchase, not a refusal', async () => {
      const { quote } = await quoteFor(t, tailspinOwner, tailspinId);
      // The second confirmation has found no order for the quote yet, and reads the quote only once the first has bought it.
      let firstDone!: () => void;
      const bought = new Promise<void>((resolve) => (firstDone = resolve));
      // (Its own services: whichever of two reads reached a database first, only the second confirmation waits.)
      const overtaken = createServices(quoteReadsWait(t.store, bought), t.clock, t.messenger);
      const tia = await as(tailspinOwner);
      const first = t.services.purchases.confirm(tia, quote.id).finally(firstDone);
      const second = overtaken.purchases.confirm(tia, quote.id);
      const results = await Promise.allSettled([first, second]);
      await overtaken.deliveries.stop();
      expect(results.map((r) => r.status)).to.deep.equal(['fulfilled', 'fulfilled']);
      const [a, b] = results.map((r) => (r as PromiseFulfilledResult<Purchase>).value);
      expect([a!.alreadyBought, b!.alreadyBought]).to.deep.equal([false, true]);
      expect(b!.order.id).to.equal(a!.order.id);
      expect((await purchaseEntries()).map((e) => e.outcome), 'no refusal logged').to.deep.equal(['Succeeded']);
    });
  });

  describe('quotes kept for confirmation: at most 20 a person, for a day', () => {
    it(`the ${maxQuotesPerPerson + 1}st quote drops the oldest; confirming the dropped one is refused QUOTE_NOT_FOUND and logged; someone else's quotes stay`, async () => {
      const { quote: salesQuote } = await quoteFor(t, people.sales, fabrikamId, { billingSubscriptionId: 'sub-fabrikam-plan' });
      const ids: string[] = [];
      for (let i = 0; i <= maxQuotesPerPerson; i++) {
        t.clock.advance(1000);
        ids.push((await quoteFor(t, tailspinOwner, tailspinId, { quantity: i + 1 })).quote.id);
      }
      const kept = await t.store.quotesBy(tailspinId, tailspinOwner.userId);
      expect(kept.map((q) => q.id), 'the newest 20, oldest first').to.deep.equal(ids.slice(1));
      expect(await t.store.quote(ids[0]!)).to.equal(undefined);
      expect((await t.store.quotesBy(partnerTenant, people.sales.userId)).map((q) => q.id)).to.deep.equal([salesQuote.id]);

      const logSize = await t.services.activity.size();
      const error = await rejectionOf(confirmAs(t, tailspinOwner, ids[0]!), CodedError);
      expect(error.code).to.equal(ErrorCode.QuoteNotFound);
      expect(await everything(t)).to.deep.equal({ reservations: 0, orders: 0 });
      expect(await t.services.activity.size()).to.equal(logSize + 1);
      const [newest] = await logEntries(t);
      expect(newest).to.deep.include({ operation: Operation.PurchaseReservation, outcome: 'Refused', customerId: tailspinId, target: `quote ${ids[0]}` });
      expect(newest!.reason?.code).to.equal(ErrorCode.QuoteNotFound);
      expect(newest!.actor.userId).to.equal(tailspinOwner.userId);

      const { reservation } = await confirmAs(t, tailspinOwner, ids[maxQuotesPerPerson]!);
      expect(reservation.quantity, 'the newest is bought as quoted').to.equal(maxQuotesPerPerson + 1);
    });

    it(`quotes already bought do not count: after ${maxQuotesPerPerson} purchases, a quote prepared before them can still be bought`, async () => {
      const { quote: waiting } = await quoteFor(t, tailspinOwner, tailspinId, { quantity: 7 });
      for (let i = 0; i < maxQuotesPerPerson; i++) {
        t.clock.advance(1000);
        await confirmAs(t, tailspinOwner, (await quoteFor(t, tailspinOwner, tailspinId)).quote.id);
      }
      t.clock.advance(1000);
      await quoteFor(t, tailspinOwner, tailspinId);
      const { reservation } = await confirmAs(t, tailspinOwner, waiting.id);
      expect(reservation.quantity).to.equal(7);
    });

    it('a confirmed quote stays until its day is over (the card\'s Change still reopens it): its order keeps the quote id, and confirming it again answers with that purchase', async () => {
      const { quote } = await quoteFor(t, tailspinOwner, tailspinId);
      expect(await t.store.quote(quote.id)).to.deep.equal(quote);
      const { order } = await confirmAs(t, tailspinOwner, quote.id);
      expect(await t.store.quote(quote.id)).to.deep.equal(quote);
      expect((await t.services.purchases.quoteOf(await personOf(t.services, tailspinOwner), quote.id)).quote).to.deep.equal(quote);
      expect(order.quoteId).to.equal(quote.id);
      expect(await t.store.orderOfQuote(quote.id)).to.deep.equal(order);
      expect(await confirmAs(t, tailspinOwner, quote.id)).to.deep.include({ alreadyBought: true, order });
    });

    it('dropStaleQuotes drops the quotes past their day and only those; one exactly a day old is kept, as it can still be confirmed', async () => {
      const start = Date.parse(t.clock().toISOString());
      const { quote: old } = await quoteFor(t, tailspinOwner, tailspinId);
      t.clock.advance(12 * 3_600_000);
      const { quote: young } = await quoteFor(t, people.sales, fabrikamId, { billingSubscriptionId: 'sub-fabrikam-plan' });

      t.clock.set(new Date(start + quoteLifetimeMs).toISOString());
      expect(await t.services.purchases.dropStaleQuotes()).to.equal(0);
      expect(await t.store.quote(old.id)).to.deep.equal(old);

      t.clock.advance(1);
      expect(await t.services.purchases.dropStaleQuotes()).to.equal(1);
      expect(await t.store.quote(old.id)).to.equal(undefined);
      expect(await t.store.quote(young.id)).to.deep.equal(young);
      expect((await rejectionOf(confirmAs(t, tailspinOwner, old.id), CodedError)).code).to.equal(ErrorCode.QuoteNotFound);

      t.clock.advance(12 * 3_600_000);
      expect(await t.services.purchases.dropStaleQuotes()).to.equal(1);
      expect(await t.services.purchases.dropStaleQuotes(), 'nothing left to drop').to.equal(0);
      expect(await t.store.quote(young.id)).to.equal(undefined);
      expect(await everything(t)).to.deep.equal({ reservations: 0, orders: 0 });
    });

    it('dropStaleQuotes drops every stale quote, however many (more than the hundred it reads at a time)', async () => {
      const world = testWorld();
      const sellers = Array.from({ length: 6 }, (_, i): TestUser => ({ tenantId: partnerTenant, userId: `seller-${i}`, name: `Seller ${i}` }));
      world.partner.agents.push(...sellers.map((u) => ({ userId: u.userId, name: u.name, role: 'SalesAgent' as const })));
      const many = await openTestStore(world);
      try {
        for (const seller of sellers) {
          for (let i = 0; i < maxQuotesPerPerson; i++) await quoteFor(many, seller, fabrikamId, { billingSubscriptionId: 'sub-fabrikam-plan' });
        }
        many.clock.advance(quoteLifetimeMs + 1);
        expect(await many.services.purchases.dropStaleQuotes()).to.equal(sellers.length * maxQuotesPerPerson);
        for (const seller of sellers) expect(await many.store.quotesBy(seller.tenantId, seller.userId), seller.name).to.deep.equal([]);
      } finally {
        await many.dispose();
      }
    });
  });

  describe('confirming checks everything again', () => {
    /** Quote as Tailspin's owner, let `meanwhile` happen, then expect the confirmation refused with `code`, nothing bought, one refusal logged. */
    const refusedAtConfirmation: { title: string; code: ErrorCode; by?: TestUser; meanwhile(t: TestStore): Promise<unknown> | void; says?: RegExp }[] = [
      { title: '(R7) the permission is turned off between quote and confirm', code: ErrorCode.PurchaseNotAllowed, meanwhile: async (t) => t.services.permissions.set(await personOf(t.services, people.admin), tailspinId, false) },
      { title: '(R10) the partner price changed between quote and confirm', code: ErrorCode.PriceChanged, meanwhile: async (t) => t.services.prices.set(await personOf(t.services, people.admin), 'Standard_D2s_v5', 'eastus', 'P1Y', '610'), says: /USD 600\.00.*USD 610\.00/ },
      { title: '(R10) the partner price was withdrawn between quote and confirm', code: ErrorCode.NoPartnerPrice, meanwhile: async (t) => t.services.prices.set(await personOf(t.services, people.admin), 'Standard_D2s_v5', 'eastus', 'P1Y', 'none') },
      { title: '(R18) someone else confirms the quote', code: ErrorCode.QuoteNotFound, by: people.admin, meanwhile: () => undefined },
      { title: '(R18) the quote is older than 24 hours', code: ErrorCode.QuoteNotFound, meanwhile: (t) => t.clock.advance(quoteLifetimeMs + 1000), says: /24 hours/ },
    ];

    for (const { title, code, by = tailspinOwner, meanwhile, says } of refusedAtConfirmation) {
      it(`${title}: refused ${code}, nothing bought, one refusal logged`, async () => {
        const { quote } = await quoteFor(t, tailspinOwner, tailspinId);
        await meanwhile(t);
        const logSize = await t.services.activity.size();
        const error = await rejectionOf(confirmAs(t, by, quote.id), CodedError);
        expect(error.code).to.equal(code);
        if (says) expect(error.message).to.match(says);
        expect(await everything(t)).to.deep.equal({ reservations: 0, orders: 0 });
        expect(await t.services.activity.size()).to.equal(logSize + 1);
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
      await t.services.permissions.set(await as(people.admin), tailspinId, false);
      expect(await t.services.purchases.reservations(await as(tailspinOwner), tailspinId)).to.have.length(1);
      expect((await t.services.purchases.reservations(await as(tailspinOwner), tailspinId))[0]!.status).to.equal('Active');
    });
  });

  describe('agents buying on behalf of a customer (R8, R11)', () => {
    for (const who of ['sales', 'admin'] as const) {
      it(`a ${who} agent buys for Fabrikam (permission off, no Owners); bought-by says who`, async () => {
        const { reservation, order } = await buy(t, people[who], fabrikamId, { billingSubscriptionId: 'sub-fabrikam-plan' });
        const role = who === 'sales' ? 'SalesAgent' : 'AdminAgent';
        expect(reservation.boughtBy).to.deep.equal({ tenantId: partnerTenant, userId: people[who].userId, name: people[who].name, role });
        expect(order).to.deep.include({ customerId: fabrikamId, amount: 1200, billedTo: { tenantId: partnerTenant, name: 'Test Partner' } });
        expect(await t.services.purchases.reservations(await as(people.fabrikamUser), fabrikamId), 'the customer sees it (R11)').to.have.length(1);
        expect((await purchaseEntries())[0]).to.deep.include({ outcome: 'Succeeded', customerId: fabrikamId });
      });
    }

    it('(R8) a Help Desk Agent is refused ROLE_NOT_ALLOWED, and the refusal is logged', async () => {
      const error = await rejectionOf(quoteFor(t, people.helpdesk, fabrikamId, { billingSubscriptionId: 'sub-fabrikam-plan' }), CodedError);
      expect(error.code).to.equal(ErrorCode.RoleNotAllowed);
      expect(error.message).to.contain('Help Desk Agent');
      expect(await everything(t)).to.deep.equal({ reservations: 0, orders: 0 });
      const [newest] = await logEntries(t);
      expect(newest).to.deep.include({ operation: Operation.PurchaseReservation, outcome: 'Refused', customerId: fabrikamId });
      expect(newest!.actor).to.deep.include({ userId: 'help-1', role: 'HelpDeskAgent' });
    });
  });

  describe('who sees reservations and orders (R19)', () => {
    it('a Contoso user asking for Tailspin\'s reservations and orders gets nothing', async () => {
      await buy(t, tailspinOwner, tailspinId);
      expect(await t.services.purchases.reservations(await as(tailspinOwner), tailspinId)).to.have.length(1);
      expect(await t.services.purchases.reservations(await as(people.contosoOwner), tailspinId)).to.deep.equal([]);
      expect(await t.services.purchases.orders(await as(people.contosoOwner), tailspinId)).to.deep.equal([]);
    });

    it('reservations and orders are listed newest first', async () => {
      await buy(t, tailspinOwner, tailspinId);
      await buy(t, tailspinOwner, tailspinId, { region: 'westeurope' });
      expect((await t.services.purchases.reservations(await as(tailspinOwner), tailspinId)).map((r) => r.id)).to.deep.equal(['R-1002', 'R-1001']);
      expect((await t.services.purchases.orders(await as(people.admin), tailspinId)).map((o) => o.id)).to.deep.equal(['O-1002', 'O-1001']);
    });
  });
});
