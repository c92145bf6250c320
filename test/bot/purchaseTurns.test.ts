import { expect } from 'chai';
import { Operation } from '../../services/operations.ts';
import { turns } from '../helpers/turns.ts';
import { executeActions, shownText } from '../helpers/shown.ts';
import { contosoId, openTestStore, people, personOf, tailspinId, testWorld, type TestStore, type TestUser } from '../helpers/testWorld.ts';

const tia: TestUser = { tenantId: tailspinId, userId: 'tailspin-owner', name: 'Tia Owner' };
const form = { customerId: tailspinId, offer: 'Standard_D2s_v5|eastus|P1Y', quantity: '2', billingPlan: 'Upfront', billingSubscription: 'sub-tailspin-plan', scope: 'shared' };

describe('purchase turns (TestAdapter)', () => {
  let t: TestStore;
  let bot: ReturnType<typeof turns>;
  beforeEach(async () => {
    t = await openTestStore();
    bot = turns(t.services);
  });
  afterEach(() => t.dispose());

  const said = async (user: TestUser, text: string) => (await bot.say(user, text)).map(shownText).join('\n---\n');
  const newest = async (n = 1) => t.services.activity.read(await personOf(t.services, people.admin), {}, n);
  const orders = async () => t.services.purchases.orders(await personOf(t.services, people.admin), tailspinId);
  const conversationOf = (user: TestUser) => t.store.conversation(user.tenantId, user.userId);

  /** [who, says, the reply must match, the reply must not match] */
  const table: [string, TestUser, string, RegExp[], RegExp[]][] = [
    ['help for a customer user lists buying and what they bought', tia, 'help', [/^- \*\*buy\*\* \[/m, /^- \*\*reservations\*\* \[page \*n\*\] — /m, /^- \*\*orders\*\* \[page \*n\*\] — /m, /^- \*\*prices\*\* — /m], [/\*\*price\*\* /, /\*\*settings/]],
    ['help for an Admin Agent lists prices and settings', people.admin, 'help', [/^- \*\*price\*\* \*sku\* \*region\* \*term\* \*amount\*\|none — /m, /^- \*\*settings\*\* \[notifications on\|off \| approvals-channel \[off\] \| request-expiry \*days\*\] — /m], []],
    ['help buy shows the one-line form', people.admin, 'help buy', [/Usage: \*\*buy\*\* for \*customer\* \[\*sku\* \*region\* \*term\* \*quantity\*/, /`buy for fabrikam Standard_D2s_v5 eastus 3y 1 single monthly`/], []],
    ['an agent must say for whom', people.sales, 'buy', [/Which customer is it for\? For example: `buy for fabrikam`/], []],
    ['a customer user buys for their own account only', tia, 'buy for contoso', [/You can buy reservations only for your own organisation, Tailspin Toys/], [/Contoso/]],
    ['a line missing the quantity gets usage and an example', tia, 'buy Standard_D2s_v5 eastus 1y', [/a purchase needs the product \(SKU\), region, term and quantity/, /For example: `buy Standard_D2s_v5 eastus 1y 2`/], []],
    ['an option that is neither scope nor plan is named', tia, 'buy Standard_D2s_v5 eastus 1y 2 everywhere', [/"everywhere" is neither a scope/], []],
    ['the one-line form goes straight to the confirm step with the total', tia, 'buy standard_d2s_v5 EASTUS 1 2 monthly', [/Review your purchase/, /Total: USD 1,200.00/, /\[Buy for USD 1,200.00\]/], []],
    ['an agent buys on behalf, naming the customer before the SKU', people.sales, 'buy for contoso ltd Standard_D2s_v5 westeurope 1y 1 mg:contoso-mg', [/Review your purchase[\s\S]*Contoso Ltd/, /Scope: Management group Contoso Root/, /Web Direct price per unit: USD 750.00/, /Total: USD 650.50/], []],
    ['an agent naming an ambiguous customer gets a choice that keeps the purchase', people.admin, 'buy for contoso Standard_D2s_v5 eastus 1y 1', [/Several customers match "contoso"/], []],
    ['an agent without a customer asking for reservations is asked which', people.admin, 'reservations', [/Which customer\? For example: `reservations fabrikam`/], []],
    ['a customer user asking for another customer\'s orders learns nothing of it (R19)', people.contosoOwner, 'orders tailspin', [/You can see only Contoso Ltd/], [/Tailspin/]],
    ['prices takes no arguments', tia, 'prices please', [/prices takes no arguments/], []],
    ['price with too few words shows usage', people.admin, 'price Standard_D2s_v5 eastus', [/name the term/, /Usage: \*\*price\*\* \*sku\* \*region\* \*term\* \*amount\*\|none/], []],
    ['settings with a wrong word shows usage', people.admin, 'settings alerts on', [/say `settings`, `settings notifications on` or `off`/], []],
    ['a customer user has no settings', tia, 'settings', [/not available to you as a customer user/], [/Purchase notifications/]],
  ];
  for (const [title, user, text, must, mustNot] of table) {
    it(title, async () => {
      const reply = await said(user, text);
      for (const re of must) expect(reply).to.match(re);
      for (const re of mustNot) expect(reply).not.to.match(re);
    });
  }

  it('(R21, R18) an Admin Agent typing a price of 0 is refused, saying why; the price list is unchanged and the refusal is logged', async () => {
    const prices = await t.store.prices();
    const reply = await said(people.admin, 'price Standard_D2s_v5 eastus 1y 0');
    expect(reply).to.match(/A partner price must be more than 0, and "0" is not: customers would get reservations for nothing, billed to you\./).and.not.match(/now costs customers/);
    expect(await t.store.prices()).to.deep.equal(prices);
    const [entry] = await newest();
    expect(entry).to.deep.include({ operation: Operation.SetPartnerPrice, outcome: 'Refused', target: 'Standard_D2s_v5 eastus 1y' });
    expect(entry!.actor).to.deep.include({ userId: people.admin.userId, role: 'AdminAgent' });
    expect(entry!.reason?.code).to.equal('INVALID_PRICE');
  });

  it('(R14) Review purchase with a resource group left empty or badly named: the reason is right under the box, the form kept as filled in, nothing bought', async () => {
    for (const [resourceGroup, says] of [
      ['', 'Type the name of the resource group for a resource-group scope. A resource group name has 1 to 90 letters'],
      ['bad name!', '"bad name!" is not a valid resource group name. A resource group name has 1 to 90 letters'],
    ]) {
      const { card } = await bot.click(tia, 'purchase.review', { ...form, scope: 'rg|sub-tailspin-plan', resourceGroup });
      const body = card.body as { type: string; id?: string; text?: string; style?: string; value?: unknown }[];
      const box = body.findIndex((e) => e.id === 'resourceGroup');
      expect(body[box + 1], resourceGroup).to.deep.include({ type: 'TextBlock', color: 'Attention' });
      expect(body[box + 1]!.text, resourceGroup).to.contain(says);
      expect(body.filter((e) => e.type === 'Container'), 'no banner at the top').to.deep.equal([]);
      expect(body.find((e) => e.id === 'scope')?.value).to.equal('rg|sub-tailspin-plan');
    }
    expect(await orders()).to.have.length(0);
  });

  it('the purchase card: Review then Buy buys once; a second Buy says it was bought once; Change reopens the form as filled in (R8, R11)', async () => {
    const [reply] = await bot.say(tia, 'buy');
    const [review] = executeActions(reply);
    expect(review).to.deep.include({ verb: 'purchase.review', data: { customerId: tailspinId } });
    const confirm = await bot.click(tia, review!.verb, { ...review!.data, ...form });
    expect(shownText(confirm.card)).to.match(/Total: USD 1,200.00/);
    const [buy, change] = executeActions(confirm.card);
    const formValues = (card: Record<string, unknown>) => Object.fromEntries((card.body as { id?: string; value?: unknown }[]).filter((e) => e.id).map((e) => [e.id, e.value]));
    const changedFirst = await bot.click(tia, change!.verb, change!.data);
    expect(formValues(changedFirst.card), 'Change before buying reopens the form as filled in').to.include({ offer: 'Standard_D2s_v5|eastus|P1Y', quantity: 2, billingSubscription: 'sub-tailspin-plan', scope: 'shared' });

    const done = await bot.click(tia, buy!.verb, buy!.data);
    expect(shownText(done.card)).to.match(/Bought: order O-1001, reservation R-1001\. It is billed to Test Partner\./);
    const again = await bot.click(tia, buy!.verb, buy!.data);
    expect(shownText(again.card)).to.match(/already confirmed, so it was bought once: order O-1001/);
    expect((await orders()).map((o) => o.id)).to.deep.equal(['O-1001']);
    expect((await newest(5)).filter((e) => e.operation === Operation.PurchaseReservation)).to.have.length(1);

    // Change on a copy of the review card after its Buy: the form again as filled in, to buy another like it.
    const reopened = await bot.click(tia, change!.verb, change!.data);
    expect(shownText(reopened.card), 'Change after the purchase reopens the form').to.include('[Review purchase]');
    expect(formValues(reopened.card)).to.include({ offer: 'Standard_D2s_v5|eastus|P1Y', quantity: 2, billingSubscription: 'sub-tailspin-plan', scope: 'shared' });
  });

  it('a refused review shows the form again with the reason, logged once (R5, R18)', async () => {
    await t.services.permissions.set(await personOf(t.services, people.admin), contosoId, true);
    const before = await t.services.activity.size();
    const answer = await bot.click(people.contosoUser, 'purchase.review', { ...form, customerId: contosoId, billingSubscription: 'sub-contoso-plan' });
    expect(shownText(answer.card)).to.match(/You need the Owner role \(Azure RBAC\) on the subscription "Contoso Plan"/);
    expect(await t.services.activity.size()).to.equal(before + 1);
    expect((await newest())[0]).to.deep.include({ operation: Operation.PurchaseReservation, outcome: 'Refused' });
  });

  const forged: [string, TestUser, Record<string, unknown>, RegExp][] = [
    ['a scope that is none of the forms', tia, { ...form, scope: 'everything' }, /card's data is not what I expected/],
    ['a quantity that is an object', tia, { ...form, quantity: { n: 1 } }, /card's data is not what I expected/],
    ['a Help Desk Agent reviewing a purchase', people.helpdesk, form, /not available to you as a Help Desk Agent/],
  ];
  for (const [what, user, data, message] of forged) {
    it(`a forged purchase click is refused, logged, and buys nothing: ${what} (R18)`, async () => {
      const answer = await bot.click(user, 'purchase.review', data);
      expect(shownText(answer.card)).to.match(message);
      expect((await newest())[0]).to.deep.include({ operation: Operation.CardAction, outcome: 'Refused' });
      expect(await orders()).to.deep.equal([]);
    });
  }

  it('a customer user\'s review naming another customer is refused, logged against their own customer, and tells nothing of the other (R18, R19)', async () => {
    await t.services.permissions.set(await personOf(t.services, people.admin), contosoId, true);
    const answer = await bot.click(people.contosoOwner, 'purchase.review', { ...form, billingSubscription: 'sub-contoso-plan' });
    expect(shownText(answer.card)).to.match(/You can see only Contoso Ltd/);
    expect(shownText(answer.card)).not.to.match(/Tailspin/);
    expect((await newest())[0]).to.deep.include({ operation: Operation.PurchaseReservation, outcome: 'Refused', customerId: contosoId });
    expect(await t.services.purchases.orders(await personOf(t.services, people.admin), contosoId)).to.deep.equal([]);
  });

  it('a customer user\'s own Buy on another customer\'s quote is refused: the quote is the preparer\'s only', async () => {
    const view = await t.services.purchases.quote(await personOf(t.services, tia), tailspinId, { sku: 'Standard_D2s_v5', region: 'eastus', term: '1y', quantity: 1, billingPlan: 'Upfront', billingSubscriptionId: 'sub-tailspin-plan', scope: { type: 'Shared' } });
    const answer = await bot.click(people.contosoOwner, 'purchase.confirm', { quoteId: view.quote.id });
    expect(shownText(answer.card)).to.match(/no longer valid[\s\S]*nothing was bought/);
    expect(await orders()).to.deep.equal([]);
  });

  it('a one-line purchase for a customer with two subscriptions to bill opens the form filled in, asking which to bill', async () => {
    const world = testWorld();
    world.customers[0]!.subscriptions!.push({ id: 'sub-contoso-dev', name: 'Contoso Dev', offer: 'AzureGlobal', usageBased: true, status: 'active', owners: [] });
    const two = await openTestStore(world);
    try {
      const [reply] = await turns(two.services).say(people.admin, 'buy for contoso.example Standard_D2s_v5 westeurope 1y 3 monthly');
      const card = reply!.attachments![0]!.content as { body: { id?: string; value?: unknown; choices?: { value: string }[] }[] };
      expect(shownText(reply!)).to.include('Choose the subscription to bill, check the rest, then review.');
      const inputs: Record<string, (typeof card.body)[number]> = Object.fromEntries(card.body.filter((e) => e.id).map((e) => [e.id, e]));
      expect(inputs.offer!.value).to.equal('Standard_D2s_v5|westeurope|P1Y');
      expect(inputs.quantity!.value).to.equal(3);
      expect(inputs.billingPlan!.value).to.equal('Monthly');
      expect(inputs.billingSubscription!.choices!.map((c) => c.value)).to.deep.equal(['sub-contoso-plan', 'sub-contoso-dev']);
      expect(await two.services.purchases.orders(await personOf(two.services, people.admin), contosoId)).to.deep.equal([]);
    } finally {
      await two.dispose();
    }
  });

  it('settings: an Admin Agent turns notifications on by command and off by the card switch; a Sales Agent\'s click is refused and logged (R12, R18)', async () => {
    expect(await said(people.admin, 'settings notifications on')).to.match(/Purchase notifications are on/);
    expect((await t.services.settings.current()).purchaseNotifications).to.equal(true);
    const refused = await bot.click(people.sales, 'settings.set', { purchaseNotifications: false });
    expect(shownText(refused.card)).to.match(/Only Admin Agents of Test Partner can change the bot's settings/);
    expect((await t.services.settings.current()).purchaseNotifications).to.equal(true);
    expect((await newest())[0]).to.deep.include({ operation: Operation.ChangePartnerSettings, outcome: 'Refused' });
    const off = await bot.click(people.admin, 'settings.set', { purchaseNotifications: false });
    expect(shownText(off.card)).to.match(/Purchase notifications are off/);
    expect((await t.services.settings.current()).purchaseNotifications).to.equal(false);
  });

  it('remembers the conversation of whoever writes in a personal chat, and only once while it stays the same', async () => {
    expect(await conversationOf(people.admin)).to.equal(undefined);
    await bot.say(people.admin, 'help');
    const kept = await conversationOf(people.admin);
    expect(kept?.reference).to.deep.include({ conversation: { id: 'a:personal-admin-1', conversationType: 'personal', tenantId: people.admin.tenantId, isGroup: false, name: '' } });
    t.clock.advance(60_000);
    await bot.say(people.admin, 'help');
    expect((await conversationOf(people.admin))?.updatedAt).to.equal(kept!.updatedAt);
    await bot.say(people.stranger, 'help');
    expect(await conversationOf(people.stranger)).to.equal(undefined);
  });
});
