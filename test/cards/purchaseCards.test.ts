import { expect } from 'chai';
import { customerCardFor } from '../../bot/commands/customer.ts';
import { priceListFor } from '../../bot/commands/prices.ts';
import { settingsFor } from '../../bot/commands/settings.ts';
import { purchaseDone, purchaseForm, purchaseReview } from '../../bot/purchaseCards.ts';
import type { AdaptiveCard } from '../../cards/adaptiveCard.ts';
import { ordersCard, ordersPageSize } from '../../cards/ordersCard.ts';
import { choiceSet, expandedChoices, purchaseFormCard, scopeOf, scopeValue } from '../../cards/purchaseFormCard.ts';
import { purchaseNoticeCard } from '../../cards/purchaseNoticeCard.ts';
import { listPage } from '../../cards/listPage.ts';
import { reservationsCard, reservationsPageSize, reservationsPageVerb } from '../../cards/reservationsCard.ts';
import type { Scope } from '../../data/schemas.ts';
import type { Person } from '../../services/people.ts';
import type { Purchase, PurchaseInput } from '../../services/purchases.ts';
import { isResourceGroupName, sharedScopeCoverage } from '../../services/scope.ts';
import { executeActions, shownLines, shownText } from '../helpers/shown.ts';
import { contosoId, openTestStore, people, personOf, tailspinId, type TestStore, type TestUser } from '../helpers/testWorld.ts';
import { expectValidCard } from '../helpers/validateCard.ts';
import { rejectionOf } from '../helpers/rejectionOf.ts';
import { setPartnerPrice } from '../helpers/storeWrites.ts';
import { CodedError } from '../../services/codedError.ts';

const tia: TestUser = { tenantId: tailspinId, userId: 'tailspin-owner', name: 'Tia Owner' };
const line: PurchaseInput = { sku: 'Standard_D2s_v5', region: 'eastus', term: 'P1Y', quantity: 2, billingPlan: 'Upfront', billingSubscriptionId: 'sub-tailspin-plan', scope: { type: 'Shared' } };

/** The ids of the inputs a card asks for, in order. */
function inputIds(card: AdaptiveCard): string[] {
  return (card.body as { type: string; id?: string }[]).filter((e) => e.type.startsWith('Input.')).map((e) => e.id!);
}

describe('purchase cards: valid Adaptive Cards that show what R10–R14 say', () => {
  let t: TestStore;
  let as: (user: TestUser) => Person;
  let bought: Purchase;
  beforeEach(async () => {
    t = await openTestStore();
    // The Person each test user is, identified once against the store, so that cards can be built for them.
    const persons = new Map<string, Person>();
    for (const user of [tia, people.admin, people.sales, people.helpdesk]) persons.set(user.userId, await personOf(t.services, user));
    as = (user) => {
      const person = persons.get(user.userId);
      if (!person) throw new Error(`${user.name} was not identified in beforeEach`);
      return person;
    };
    const view = await t.services.purchases.quote(as(tia), tailspinId, line);
    bought = await t.services.purchases.confirm(as(tia), view.quote.id);
  });
  afterEach(() => t.dispose());

  describe('the purchase form', () => {
    it('asks for product/region/term, quantity, billing plan, billing subscription and scope, with defaults and a Review button carrying only the customer id', async () => {
      const card = await purchaseForm(t.services, as(tia), await t.services.purchases.choices(as(tia), tailspinId));
      expectValidCard(card);
      expect(inputIds(card)).to.deep.equal(['offer', 'quantity', 'billingPlan', 'billingSubscription', 'scope', 'resourceGroup']);
      expect(executeActions(card)).to.deep.equal([{ title: 'Review purchase', verb: 'purchase.review', data: { customerId: tailspinId } }]);
      const offer = (card.body as { id?: string; choices?: { title: string; value: string }[]; value?: string }[]).find((e) => e.id === 'offer')!;
      // R10: a customer sees only what they pay, and only what can be bought.
      expect(offer.choices!.map((c) => c.title)).to.deep.equal(['Virtual Machines D2s v5 · eastus · 1 year · USD 600.00 per unit', 'Virtual Machines D2s v5 · westeurope · 1 year · USD 650.50 per unit']);
      expect(offer.value).to.equal('Standard_D2s_v5|eastus|P1Y');
    });

    it('for an agent: on the customer\'s behalf, with the Web Direct price beside the partner\'s (R10), and every scope target of this customer only (R14)', async () => {
      const card = await purchaseForm(t.services, as(people.sales), await t.services.purchases.choices(as(people.sales), contosoId));
      expectValidCard(card);
      const text = JSON.stringify(card);
      expect(shownText(card)).to.match(/Buy a reservation for Contoso Ltd[\s\S]*On the customer's behalf, billed to Test Partner/);
      expect(text).to.include('USD 600.00 per unit (Web Direct USD 700.00)');
      expect(text).to.include('Management group: Contoso Root').and.include('Single subscription: Contoso Plan (sub-contoso-plan)');
      expect(text).not.to.include('sub-contoso-m365').and.not.to.include('sub-tailspin-plan');
    });

    it('shown again after a refusal: the values kept and the reason in an attention banner', async () => {
      const choices = await t.services.purchases.choices(as(tia), tailspinId);
      const card = await purchaseForm(t.services, as(tia), choices, { offer: 'Standard_D2s_v5|westeurope|P1Y', quantity: '7', billingPlan: 'Monthly', scope: 'shared' }, { tone: 'attention', text: 'Fix this' });
      expectValidCard(card);
      const byId = Object.fromEntries((card.body as { id?: string; value?: unknown }[]).filter((e) => e.id).map((e) => [e.id, e.value]));
      expect(byId).to.include({ offer: 'Standard_D2s_v5|westeurope|P1Y', quantity: 7, billingPlan: 'Monthly', scope: 'shared' });
      expect(shownText(card)).to.include('Fix this');
    });

    it('a short choice shows as radio buttons, whose titles wrap, so a price or a subscription id is never cut off (issue 13, item 10)', async () => {
      const card = await purchaseForm(t.services, as(people.sales), await t.services.purchases.choices(as(people.sales), contosoId));
      const choiceSets = (card.body as { type: string; id?: string; wrap?: boolean; style?: string }[]).filter((e) => e.type === 'Input.ChoiceSet');
      expect(choiceSets.map((c) => [c.id, c.wrap, c.style])).to.deep.equal([
        ['offer', true, 'expanded'],
        ['billingPlan', true, 'expanded'],
        ['billingSubscription', true, 'expanded'],
        ['scope', true, 'expanded'],
      ]);
    });

    it(`more than ${expandedChoices} choices are a list to type into and pick from, whose titles wrap`, () => {
      const many = Array.from({ length: expandedChoices + 1 }, (_, i) => ({ title: `Choice ${i}`, value: String(i) }));
      expect(choiceSet('offer', 'Product, region and term', many, undefined)).to.include({ style: 'filtered', wrap: true, placeholder: 'Choose the product, region and term' });
      expect(choiceSet('offer', 'Product, region and term', many.slice(1), undefined)).to.include({ style: 'expanded' });
    });

    it('(R14) the resource-group box checks Azure\'s name rule on the card, as the server does, with the rule as its error message', async () => {
      const card = await purchaseForm(t.services, as(tia), await t.services.purchases.choices(as(tia), tailspinId));
      const box = (card.body as { id?: string; regex?: string; errorMessage?: string }[]).find((e) => e.id === 'resourceGroup')!;
      expect(box.errorMessage).to.equal('A resource group name has 1 to 90 letters, digits, underscores, hyphens, periods and parentheses, and does not end in a period.');
      // Adaptive Cards clients compile the pattern without flags.
      const onCard = new RegExp(box.regex!);
      for (const name of ['rg-web', 'RG_1.(prod)', 'x', 'a'.repeat(90), 'rg.web', 'Ünïcode-rg']) {
        expect(onCard.test(name), name).to.equal(true);
        expect(isResourceGroupName(name), name).to.equal(true);
      }
      for (const name of ['bad name!', 'ends.', 'a'.repeat(91), 'rg/web', 'rg,web', "rg'web"]) {
        expect(onCard.test(name), name).to.equal(false);
        expect(isResourceGroupName(name), name).to.equal(false);
      }
    });

    it('(R14) a refusal about the resource group is shown right under its box, not in a banner at the top', async () => {
      const choices = await t.services.purchases.choices(as(tia), tailspinId);
      const card = await purchaseForm(t.services, as(tia), choices, { scope: 'rg|sub-tailspin-plan', resourceGroup: 'ends.' }, { tone: 'attention', text: 'Not a valid name.', field: 'resourceGroup' });
      expectValidCard(card);
      const body = card.body as { type: string; id?: string; text?: string; style?: string }[];
      const box = body.findIndex((e) => e.id === 'resourceGroup');
      expect(body[box + 1]).to.deep.include({ type: 'TextBlock', text: 'Not a valid name.', color: 'Attention' });
      expect(body.filter((e) => e.type === 'Container' && e.style === 'attention'), 'no banner').to.deep.equal([]);
      expect(shownLines(card).filter((l) => l === 'Not a valid name.')).to.have.length(1);
    });

    it('a scope goes into one choice value and comes back the same', () => {
      const scopes: Scope[] = [{ type: 'Shared' }, { type: 'Single', subscriptionId: 's1' }, { type: 'ResourceGroup', subscriptionId: 's1', resourceGroup: 'rg-web' }, { type: 'ManagementGroup', managementGroupId: 'mg1' }];
      for (const scope of scopes) expect(scopeOf(scopeValue(scope), 'rg-web')).to.deep.equal(scope);
      for (const forged of ['', 'single', 'single|', 'everything', 'shared|x', 'mg|']) expect(scopeOf(forged, undefined), forged).to.equal(undefined);
    });

    it('is never built without a priced product, whose choice set would be empty and so invalid: the buyer is told why instead (R10)', async () => {
      const choices = { ...(await t.services.purchases.choices(as(tia), tailspinId)), offers: [] };
      expect(() => expectValidCard(purchaseFormCard({ choices, partnerName: 'Test Partner', forAgent: false }))).to.throw(/ChoiceSet/);
      for (const row of await t.store.prices()) await setPartnerPrice(t.store, row, undefined);
      const refusal = await rejectionOf(t.services.purchases.choices(as(tia), tailspinId), CodedError);
      expect(refusal.message).to.equal('Test Partner has not priced any reservation yet, so nothing can be bought. Ask your contact at Test Partner.');
    });
  });

  describe('the confirm step and the receipt', () => {
    it('the review card shows the total and the partner price; the customer never sees the Web Direct price (R10)', async () => {
      const view = await t.services.purchases.quote(as(tia), tailspinId, { ...line, billingPlan: 'Monthly', quantity: 3 });
      const card = await purchaseReview(t.services, as(tia), view);
      expectValidCard(card);
      expect(shownLines(card)).to.include.members(['Price per unit: USD 600.00', 'Total: USD 1,800.00', 'Billing plan: Monthly (about USD 150.00 a month for 12 months)', 'Billed to: Test Partner', '[Buy for USD 1,800.00]', '[Change]']);
      expect(shownText(card)).not.to.match(/Web Direct|700/);
      expect(executeActions(card).map((a) => a.data)).to.deep.equal([{ quoteId: view.quote.id }, { quoteId: view.quote.id }]);
    });

    it('an agent\'s review card shows the Web Direct price too', async () => {
      const view = await t.services.purchases.quote(as(people.admin), contosoId, { ...line, billingSubscriptionId: 'sub-contoso-plan' });
      const card = await purchaseReview(t.services, as(people.admin), view);
      expectValidCard(card);
      expect(shownLines(card)).to.include('Web Direct price per unit: USD 700.00');
    });

    it('the receipt has every R13 field, and says when a second click bought nothing more', async () => {
      const card = await purchaseDone(t.services, bought);
      expectValidCard(card);
      expect(shownLines(card)).to.include.members([
        'Bought: order O-1001, reservation R-1001. It is billed to Test Partner.',
        'Reservation: R-1001 (order O-1001)',
        'Product: Virtual Machines D2s v5 (Standard_D2s_v5)',
        'Region: eastus',
        'Quantity: 2',
        'Term: 1 year',
        'Billing plan: Upfront',
        'Billing subscription: sub-tailspin-plan',
        'Scope: Shared',
        'Auto-renew: Off',
        'Purchased: 2026-11-24',
        'Expires: 2027-11-24',
        'Status: Active',
        'Bought by: Tia Owner (Tailspin Toys)',
        'Price paid: USD 1,200.00 (USD 600.00 per unit)',
      ]);
      const again = await purchaseDone(t.services, { ...bought, alreadyBought: true });
      expectValidCard(again);
      expect(shownText(again)).to.match(/already confirmed, so it was bought once: order O-1001/);
    });

    it('the R12 notice card names the customer, the buyer, what and how much, and opens the orders', () => {
      const card = purchaseNoticeCard(bought);
      expectValidCard(card);
      expect(shownText(card)).to.match(/Tailspin Toys bought a reservation[\s\S]*Tia Owner[\s\S]*USD 1,200.00, billed to Test Partner[\s\S]*O-1001/);
      expect(card.actions).to.deep.equal([{ type: 'Action.Submit', title: 'Orders of Tailspin Toys', data: { command: 'orders tailspin.example' } }]);
    });
  });

  describe('reservations, orders, prices, settings and the customer card', () => {
    const customer = async () => (await t.services.directory.customer(tailspinId))!;

    it('reservations: each marked with who bought it, and what the shared scope covers, by subscription name (R11, R14)', async () => {
      const card = reservationsCard({ customer: await customer(), partnerName: 'Test Partner', page: listPage(await t.services.purchases.reservations(as(tia), tailspinId), 1, reservationsPageSize), sharedCoverage: sharedScopeCoverage(await customer(), 'Test Partner'), today: '2026-11-24', canAsk: false });
      expectValidCard(card);
      expect(shownText(card)).to.match(/\*\*R-1001\*\* · 2 × Virtual Machines D2s v5 · eastus · 1 year · Active[\s\S]*Bought by: Tia Owner \(Tailspin Toys\)/);
      expect(shownText(card)).to.match(/Shared scope\nA shared-scope reservation's discount applies to matching usage in every Azure subscription Test Partner bought for Tailspin Toys: sub-tailspin-plan\. It never applies to another customer's usage\./);
    });

    it('reservations: none, and more than a card holds (a page at a time, with the count and Previous/Next)', async () => {
      const none = reservationsCard({ customer: await customer(), partnerName: 'P', page: listPage([], 1, reservationsPageSize), sharedCoverage: '', today: '2026-11-24', canAsk: false });
      expectValidCard(none);
      expect(shownText(none)).to.include('No reservations yet.');
      expect(executeActions(none)).to.deep.equal([]);
      const many = Array.from({ length: 12 }, (_, i) => ({ ...bought.reservation, id: `R-${2000 + i}` }));
      const first = reservationsCard({ customer: await customer(), partnerName: 'P', page: listPage(many, 1, reservationsPageSize), sharedCoverage: 'covers', today: '2027-12-01', canAsk: true });
      expectValidCard(first);
      expect(shownText(first)).to.include('12 reservations · page 1 of 2').and.include('Expired').and.include('R-2009').and.not.include('R-2010');
      expect(executeActions(first)).to.deep.equal([{ title: 'Next page', verb: reservationsPageVerb, data: { customerId: tailspinId, page: 2 } }]);
      const past = reservationsCard({ customer: await customer(), partnerName: 'P', page: listPage(many, 5, reservationsPageSize), sharedCoverage: 'covers', today: '2027-12-01', canAsk: true });
      expectValidCard(past);
      expect(shownLines(past).slice(0, 4)).to.deep.equal(['Reservations of Tailspin Toys', '12 reservations · page 2 of 2', 'There are only 2 pages; this is the last.', '**R-2010** · 2 × Virtual Machines D2s v5 · eastus · 1 year · Expired']);
      expect(executeActions(past)).to.deep.equal([{ title: 'Previous page', verb: reservationsPageVerb, data: { customerId: tailspinId, page: 1 } }]);
    });

    it('orders: amount, who bought it and billed to whom (R9, R11)', async () => {
      const card = ordersCard({ customer: await customer(), partnerName: 'Test Partner', page: listPage(await t.services.purchases.orders(as(people.admin), tailspinId), 1, ordersPageSize) });
      expectValidCard(card);
      expect(shownText(card)).to.match(/\*\*O-1001\*\* · Purchase · USD 1,200.00 · 2 × Virtual Machines D2s v5 \(Standard_D2s_v5\), eastus, 1 year, billed upfront\n2026-11-24 09:00 UTC · bought by Tia Owner \(Tailspin Toys\) · billed to Test Partner · reservation R-1001/);
      expectValidCard(ordersCard({ customer: { id: 'x', name: 'X' }, partnerName: 'P', page: listPage([], 1, ordersPageSize) }));
    });

    it('prices: agents see both prices and the unpriced row; customers only what they can buy, at the partner price (R10)', async () => {
      const agent = await priceListFor(t.services, as(people.helpdesk));
      const own = await priceListFor(t.services, as(tia), { tone: 'good', text: 'ok' });
      expectValidCard(agent);
      expectValidCard(own);
      expect(shownText(agent)).to.match(/Web Direct[\s\S]*USD 600.00\nUSD 700.00[\s\S]*3 years[\s\S]*Not set\nUSD 1,500.00/);
      expect(shownText(own)).not.to.match(/Web Direct|700|1,500|3 years/);
      expect(shownText(own)).to.match(/USD 600.00[\s\S]*USD 650.50/);
    });

    it('settings: the switch for an Admin Agent only', async () => {
      const admin = await settingsFor(t.services, as(people.admin));
      const sales = await settingsFor(t.services, as(people.sales));
      expectValidCard(admin);
      expectValidCard(sales);
      expect(executeActions(admin)).to.deep.equal([{ title: 'Turn notifications on', verb: 'settings.set', data: { purchaseNotifications: true } }]);
      expect(executeActions(sales)).to.deep.equal([]);
      expect(shownText(sales)).to.match(/Purchase notifications: Off[\s\S]*Only Admin Agents can change settings/);
    });

    it('the customer card counts the reservations and shows the last purchase (issue 3, item 6)', async () => {
      const card = await customerCardFor(t.services, as(people.sales), await customer());
      expectValidCard(card);
      expect(shownLines(card)).to.include.members(['Reservations: 1', 'Last purchase: 2026-11-24 09:00 UTC · Tia Owner (Tailspin Toys) · USD 1,200.00']);
      expect(shownLines(await customerCardFor(t.services, as(people.sales), (await t.services.directory.customer(contosoId))!))).to.include.members(['Reservations: 0', 'Last purchase: None yet']);
    });
  });
});
