import { expect } from 'chai';
import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Activity } from 'botbuilder';
import { openStore } from '../../data/embeddedStore.ts';
import type { Store } from '../../data/store.ts';
import { Operation } from '../../services/operations.ts';
import { proactive, proactiveTo } from '../helpers/fakeConnector.ts';
import { startHttpBot, type HttpBot } from '../helpers/httpBot.ts';
import { executeActions, shownLines, shownLogEntries, shownText } from '../helpers/shown.ts';
import { permissionOf } from '../helpers/storeRecords.ts';
import { contosoId, partnerTenant, people, tailspinId, type TestStore, type TestUser } from '../helpers/testWorld.ts';

const adaptiveCardType = 'application/vnd.microsoft.card.adaptive';
const connie = people.contosoOwner;
const carl = people.contosoUser;
const admin = people.admin;
const tia: TestUser = { tenantId: tailspinId, userId: 'tailspin-owner', name: 'Tia Owner' };
const buyTwo = 'buy Standard_D2s_v5 eastus 1y 2';
const r7Message = /permission "Azure reservations: allow customer to purchase" is off/;

/**
 * A second store on what the running one has kept, as a restarted bot finds it, while the first still runs: on
 * PostgreSQL the same database; embedded, a copy of the folder (whose lock the running store holds).
 */
async function openAsKept(world: TestStore): Promise<{ store: Store; dispose(): Promise<void> }> {
  if (world.backend === 'postgres') {
    const store = await world.reopen();
    return { store, dispose: () => store.close() };
  }
  const copy = await mkdtemp(join(tmpdir(), 'csp-bot-restart-'));
  await cp(world.dataDir, copy, { recursive: true });
  const store = await openStore(copy).catch(async (err: unknown) => {
    await rm(copy, { recursive: true, force: true });
    throw err;
  });
  return {
    store,
    async dispose() {
      await store.close();
      await rm(copy, { recursive: true, force: true });
    },
  };
}

describe('purchases over HTTP with a fake Bot Connector (R5, R7–R12, R18, R19)', () => {
  let bot: HttpBot;
  beforeEach(async () => {
    bot = await startHttpBot();
  });
  afterEach(() => bot.close());

  const cardOf = (reply: Partial<Activity> | undefined): Record<string, unknown> => {
    const attachment = reply?.attachments?.[0];
    expect(attachment?.contentType, `an Adaptive Card was expected, the reply was: ${reply && shownText(reply)}`).to.equal(adaptiveCardType);
    return attachment!.content as Record<string, unknown>;
  };
  /** The first reply to `text`: what the person sees first. */
  const firstReply = async (user: TestUser, text: string) => (await bot.say(user, text))[0]!;
  const contosoOrders = () => bot.world.store.orders(contosoId);
  const contosoAllowed = () => permissionOf(bot.world.store, contosoId);

  async function setContosoPermission(on: boolean) {
    const reply = await firstReply(admin, `permission ${on ? 'on' : 'off'} contoso.example`);
    expect(await contosoAllowed(), shownText(reply)).to.equal(on);
  }

  /** Types a purchase line, checks the review card offers Buy, and clicks it; returns the review card and what replaced it. */
  async function buyByLine(user: TestUser, line: string) {
    const review = cardOf(await firstReply(user, line));
    const buy = executeActions(review).find((a) => a.verb === 'purchase.confirm');
    expect(buy, `a Buy button was expected on: ${shownText(review)}`).to.exist;
    expect(buy!.data).to.have.property('quoteId').that.is.a('string');
    const answer = await bot.click(user, buy!.verb, buy!.data);
    expect(answer).to.include({ statusCode: 200, type: adaptiveCardType });
    return { review, buy: buy!, done: shownText(answer.value) };
  }

  it('R8, R9, R10: after an Admin Agent turns Contoso on, Connie buys on one line at the partner price, billed to Test Partner: order O-1001', async () => {
    await setContosoPermission(true);
    const { review, buy, done } = await buyByLine(connie, buyTwo);
    const reviewText = shownText(review);
    expect(shownLines(review)).to.include.members(['Price per unit: USD 600.00', 'Quantity: 2', 'Billed to: Test Partner', 'Total: USD 1,200.00']);
    expect(reviewText, 'R10: the customer never sees the Web Direct price').not.to.match(/700\.00|1,400\.00|Web Direct/);

    expect(done).to.include('Bought: order O-1001').and.include('billed to Test Partner');
    expect(done).to.include('Bought by: Connie Owner (Contoso Ltd)').and.include('Price paid: USD 1,200.00 (USD 600.00 per unit)');
    expect(await contosoOrders()).to.have.length(1);
    expect((await contosoOrders())[0]).to.deep.include({ id: 'O-1001', amount: 1200, currency: 'USD', billedTo: { tenantId: partnerTenant, name: 'Test Partner' } });
    expect((await contosoOrders())[0]!.by).to.include({ userId: connie.userId, role: 'CustomerUser' });

    const again = await bot.click(connie, buy.verb, buy.data);
    expect(shownText(again.value)).to.include('already confirmed');
    expect(await contosoOrders(), 'a second click buys nothing more').to.have.length(1);
  });

  it('R8, R10: the card path — `buy` shows the form, Review purchase with its values shows Total: USD 600.00, Buy buys it', async () => {
    await setContosoPermission(true);
    const form = cardOf(await firstReply(connie, 'buy'));
    // The product choices are the titles of an Input.ChoiceSet, which shownText does not list.
    expect(JSON.stringify(form), 'R10: the product choice shows the partner price only').to.include('USD 600.00 per unit').and.not.include('700.00');
    const review = executeActions(form).find((a) => a.verb === 'purchase.review');
    expect(review?.data).to.deep.equal({ customerId: contosoId });

    const inputs = { offer: 'Standard_D2s_v5|eastus|P1Y', quantity: '1', billingPlan: 'Upfront', billingSubscription: 'sub-contoso-plan', scope: 'shared' };
    const reviewed = await bot.click(connie, review!.verb, { ...review!.data, ...inputs });
    expect(shownLines(reviewed.value)).to.include.members(['Total: USD 600.00', 'Scope: Shared', 'Billing subscription: Contoso Plan (sub-contoso-plan)']);
    expect(shownText(reviewed.value)).not.to.include('700.00');

    const buy = executeActions(reviewed.value).find((a) => a.verb === 'purchase.confirm');
    const done = await bot.click(connie, buy!.verb, buy!.data);
    expect(shownText(done.value)).to.include('Bought: order O-1001');
    expect((await contosoOrders()).map((o) => [o.id, o.amount, o.by.userId])).to.deep.equal([['O-1001', 600, connie.userId]]);
  });

  it('R5, R18: Carl, without Owner on "Contoso Plan", is refused naming the Owner role and the subscription; nothing is bought; the refusal is logged', async () => {
    await setContosoPermission(true);
    for (const text of ['buy', 'buy Standard_D2s_v5 eastus 1y 1']) {
      const shown = shownText(await firstReply(carl, text));
      expect(shown, `\`${text}\``).to.match(/Owner role/).and.include('Contoso Plan');
    }
    const forged = await bot.click(carl, 'purchase.review', { customerId: contosoId, offer: 'Standard_D2s_v5|eastus|P1Y', quantity: '1', billingPlan: 'Upfront', billingSubscription: 'sub-contoso-plan', scope: 'shared' });
    expect(shownText(forged.value)).to.match(/Owner role/).and.include('Contoso Plan');
    expect(executeActions(forged.value).map((a) => a.verb)).not.to.include('purchase.confirm');
    expect(await contosoOrders()).to.deep.equal([]);

    const entries = shownLogEntries(cardOf(await firstReply(admin, 'log contoso.example')));
    const refused = entries.filter((e) => e.operation === Operation.PurchaseReservation);
    expect(refused.length, JSON.stringify(entries)).to.be.at.least(3);
    for (const e of refused) expect(e).to.deep.include({ outcome: 'Refused' }).and.have.property('byline').that.includes('Carl User (Customer user)');
  });

  it('R7: once the Admin Agent turns Contoso off, Connie is refused, and a review card she got before cannot be confirmed', async () => {
    await setContosoPermission(true);
    const before = cardOf(await firstReply(connie, 'buy Standard_D2s_v5 eastus 1y 1'));
    const buy = executeActions(before).find((a) => a.verb === 'purchase.confirm');
    expect(buy, shownText(before)).to.exist;

    await setContosoPermission(false);
    expect(shownText(await firstReply(connie, buyTwo))).to.match(r7Message);
    expect(shownText(await firstReply(connie, 'buy'))).to.match(r7Message);

    const late = await bot.click(connie, buy!.verb, buy!.data);
    expect(shownText(late.value)).to.include('Not bought').and.match(r7Message);
    expect(await contosoOrders()).to.deep.equal([]);
    const [newest] = shownLogEntries(cardOf(await firstReply(admin, 'log contoso.example')));
    expect(newest).to.deep.include({ operation: Operation.PurchaseReservation, outcome: 'Refused' });
    expect(newest!.byline).to.include('Connie Owner (Customer user)');
  });

  it("R9–R11, R19: Connie's purchase and the Sales Agent's on-behalf one are in orders, reservations and log for Connie, an Admin Agent and a Sales Agent", async () => {
    await setContosoPermission(true);
    expect((await buyByLine(connie, buyTwo)).done).to.include('Bought: order O-1001');
    const bySales = await buyByLine(people.sales, 'buy for contoso.example Standard_D2s_v5 eastus 1y 1');
    expect(shownLines(bySales.review), 'R10: agents see both prices').to.include.members(['Price per unit: USD 600.00', 'Web Direct price per unit: USD 700.00']);
    expect(bySales.done).to.include('Bought: order O-1002');

    const viewers: [TestUser, string][] = [[connie, ''], [admin, ' contoso.example'], [people.sales, ' contoso.example']];
    for (const [viewer, customer] of viewers) {
      const who = `${viewer.name}:`;
      const orders = shownLines(cardOf(await firstReply(viewer, `orders${customer}`)));
      const orderLines = (id: string) => orders.slice(orders.findIndex((l) => l.startsWith(`**${id}**`))).slice(0, 2).join('\n');
      expect(orderLines('O-1001'), `${who} ${orders.join('\n')}`).to.include('**O-1001** · Purchase · USD 1,200.00 · 2 × ').and.include('bought by Connie Owner (Contoso Ltd) · billed to Test Partner');
      expect(orderLines('O-1002'), `${who} ${orders.join('\n')}`).to.include('**O-1002** · Purchase · USD 600.00 · 1 × ').and.include('bought by Sam Sales (Test Partner, for the customer) · billed to Test Partner');

      const reservations = shownLines(cardOf(await firstReply(viewer, `reservations${customer}`)));
      expect(reservations, who).to.include.members([
        'Bought by: Connie Owner (Contoso Ltd)',
        'Price paid: USD 1,200.00 (USD 600.00 per unit)',
        'Bought by: Sam Sales (Test Partner, for the customer)',
        'Price paid: USD 600.00 (USD 600.00 per unit)',
        'Billed to: Test Partner',
      ]);
      if (viewer === connie) expect([...orders, ...reservations].join('\n'), 'R10: never the Web Direct price for the customer').not.to.include('700.00');

      const purchases = shownLogEntries(cardOf(await firstReply(viewer, `log${customer}`))).filter((e) => e.operation === Operation.PurchaseReservation);
      expect(purchases.map((e) => e.outcome), who).to.deep.equal(['Succeeded', 'Succeeded']);
      expect(purchases[0]!.byline, who).to.include('Sam Sales (Sales Agent) · Contoso Ltd').and.include('O-1002');
      expect(purchases[1]!.byline, who).to.include('Connie Owner (Customer user) · Contoso Ltd').and.include('O-1001');
    }

    const tiaOrders = JSON.stringify(await bot.say(tia, 'orders'));
    expect(tiaOrders, "R19: Tailspin's user sees none of Contoso's orders").to.include('No orders yet').and.not.match(/O-100[12]|Contoso/);
  });

  it('R12: with notifications on, each Admin Agent who talked to the bot gets a card naming Contoso Ltd and the amount; the Sales Agent gets none', async () => {
    expect(shownText(await firstReply(admin, 'settings notifications on'))).to.include('Purchase notifications are on');
    await firstReply(people.admin2, 'help');
    await firstReply(people.sales, 'help');
    await setContosoPermission(true);
    await buyByLine(connie, buyTwo);

    for (const agent of [admin, people.admin2]) {
      const [call] = await bot.connector.waitFor(1, proactiveTo(agent));
      const notice = shownLines(cardOf(call!.activity));
      expect(notice, agent.name).to.include.members(['Contoso Ltd bought a reservation', 'Amount: USD 1,200.00, billed to Test Partner']);
      expect(notice.join('\n'), agent.name).to.include('O-1001').and.include('Connie Owner');
    }
    // Whatever the outbox holds is sent by now: the worker has nothing more due (the clock stands still).
    await bot.world.delivered();
    await sleep(300);
    expect(bot.connector.received.filter(proactiveTo(people.sales)), 'no notice to a Sales Agent').to.deep.equal([]);
    expect(bot.connector.received.filter(proactiveTo(admin)), 'one notice per Admin Agent').to.have.length(1);
    expect(bot.connector.received.filter(proactiveTo(people.admin2))).to.have.length(1);
  });

  it('R12: with notifications off (the default) no proactive message reaches any agent, and the purchase is still in the log', async () => {
    for (const agent of [admin, people.admin2, people.sales]) await firstReply(agent, 'help');
    await setContosoPermission(true);
    await buyByLine(connie, buyTwo);
    // Whatever the outbox holds is sent by now: the worker has nothing more due (the clock stands still).
    await bot.world.delivered();
    await sleep(300);
    expect(bot.connector.received.filter(proactive), 'no proactive POST at all').to.deep.equal([]);
    const [newest] = shownLogEntries(cardOf(await firstReply(admin, 'log contoso.example')));
    expect(newest).to.deep.include({ operation: Operation.PurchaseReservation, outcome: 'Succeeded' });
    expect(newest!.byline).to.include('Connie Owner (Customer user)').and.include('O-1001');
  });

  it("R12: an Admin Agent's conversation reference is kept, so a store opened on what the running one keeps (a restart: a copy of its folder, or its database) still has it", async () => {
    await firstReply(admin, 'help');
    const kept = await bot.world.store.conversation(partnerTenant, admin.userId);
    expect(kept, 'the reference is kept once the admin has talked to the bot').to.exist;
    expect(kept!.reference).to.deep.include({ serviceUrl: bot.connector.url });
    expect(kept!.reference.conversation).to.deep.include({ id: `a:personal-${admin.userId}`, tenantId: partnerTenant });

    // What JSON keeps of it (botbuilder's reference has `locale: undefined`, which a file cannot hold).
    const persisted = JSON.parse(JSON.stringify(kept)) as unknown;

    const reopened = await openAsKept(bot.world);
    try {
      expect(await reopened.store.conversation(partnerTenant, admin.userId), 'the reference as it was kept, read from what the store keeps alone').to.deep.equal(persisted);
    } finally {
      await reopened.dispose();
    }
  });
});
