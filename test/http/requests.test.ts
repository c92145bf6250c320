import { expect } from 'chai';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Activity } from 'botbuilder';
import { Operation } from '../../services/operations.ts';
import { invokeFrom } from '../helpers/activities.ts';
import { tailspinOwner } from '../helpers/buying.ts';
import { proactive, type ConnectorCall } from '../helpers/fakeConnector.ts';
import { startHttpBot, type HttpBot, type InvokeAnswer } from '../helpers/httpBot.ts';
import { requestWorld, tailspinReservation } from '../helpers/requesting.ts';
import { executeActions, shownLines, shownLogEntries, shownText } from '../helpers/shown.ts';
import { partnerTenant, people, personOf, tailspinId, type TestUser } from '../helpers/testWorld.ts';

const adaptiveCardType = 'application/vnd.microsoft.card.adaptive';
const ada = people.admin;
const abe = people.admin2;
const sam = people.sales;
const tia = tailspinOwner;
const channelId = '19:chan@thread.tacv2';

describe('change requests over HTTP with a fake Bot Connector (R15–R18)', () => {
  let bot: HttpBot;
  beforeEach(async () => {
    bot = await startHttpBot(requestWorld());
  });
  afterEach(() => bot.close());

  const cardOf = (shown: Partial<Activity> | undefined): Record<string, unknown> => {
    const attachment = shown?.attachments?.[0];
    expect(attachment?.contentType, `an Adaptive Card was expected, it was: ${shown && shownText(shown)}`).to.equal(adaptiveCardType);
    return attachment!.content as Record<string, unknown>;
  };
  const firstReply = async (user: TestUser, text: string) => (await bot.say(user, text))[0]!;
  /** The verbs of a card's buttons (its refresh action is no button). */
  const verbsOf = (card: Record<string, unknown>) => executeActions(card.actions ?? []).map((a) => a.verb);

  const proactiveIn = (conversationId: string) => (call: ConnectorCall) => proactive(call) && call.conversationId === conversationId;
  const personal = (user: TestUser) => `a:personal-${user.userId}`;
  const puts = () => bot.connector.received.filter((c) => c.method === 'PUT');

  /** The id the fake connector answered `call` with (the id of the message it made, which a click on its card names). */
  const idGivenTo = (call: ConnectorCall): string => {
    expect(call.givenId, 'the call was answered by the fake connector').to.be.a('string');
    return call.givenId!;
  };

  /** Says `text` and returns the first reply with the id the connector gave that reply (what a click on its card names as replyToId). */
  async function sayAndKeep(user: TestUser, text: string): Promise<{ reply: Partial<Activity>; messageId: string }> {
    const activity = bot.message(user, text);
    const [reply] = await bot.send(activity);
    const call = bot.connector.received.find((c) => c.method === 'POST' && c.activityId === activity.id)!;
    return { reply: reply!, messageId: idGivenTo(call) };
  }

  async function everyoneSaysHelp() {
    for (const user of [ada, abe, sam, tia]) await firstReply(user, 'help');
  }

  /** Tia types the purchase line on 2026-01-31 and clicks Buy: R-1001, 2 × USD 600.00. */
  async function tiaBuysByLine() {
    bot.world.clock.set('2026-01-31T10:00:00.000Z');
    const review = cardOf(await firstReply(tia, 'buy Standard_D2s_v5 eastus 1y 2'));
    const buy = executeActions(review).find((a) => a.verb === 'purchase.confirm');
    expect(buy, `a Buy button was expected on: ${shownText(review)}`).to.exist;
    const done = await bot.click(tia, buy!.verb, buy!.data);
    expect(shownText(done.value)).to.include('Bought: order O-1001');
    expect((await bot.world.store.reservations(tailspinId)).map((r) => [r.id, r.total, r.purchasedAt.slice(0, 10), r.expiresOn])).to.deep.equal([['R-1001', 1200, '2026-01-31', '2027-01-31']]);
  }

  /** Tia types `cancel R-1001` and clicks Send request on the form; returns the form, the id of its message and the answer. */
  async function tiaAsksToCancel() {
    const { reply, messageId } = await sayAndKeep(tia, 'cancel R-1001');
    const form = cardOf(reply);
    const send = executeActions(form).find((a) => a.verb === 'request.create');
    expect(send, `a Send request button was expected on: ${shownText(form)}`).to.exist;
    const answer = await bot.click(tia, send!.verb, send!.data, messageId);
    expect(answer).to.include({ statusCode: 200, type: adaptiveCardType });
    return { form, formMessageId: messageId, answer };
  }

  const tailspinRequests = async () => bot.world.services.requests.list(await personOf(bot.world.services, ada));
  const tailspinReservationNow = async () => (await bot.world.store.reservations(tailspinId)).find((r) => r.id === 'R-1001')!;
  const refunds = async () => (await bot.world.store.orders(tailspinId)).filter((o) => o.type === 'Refund');
  const tailspinLog = async () => bot.world.services.activity.read(await personOf(bot.world.services, ada), { customerIds: [tailspinId] }, 1000);

  /** Posts Ada's (or `user`'s) Approve click as Teams would, returning the answer. */
  const approve = (user: TestUser, requestId: string, replyToId?: string) => bot.click(user, 'request.approve', { requestId }, replyToId);

  it("Done when: Tia asks to cancel R-1001, both Admin Agents get the card, Ada approves, Abe's late click changes nothing, every copy shows the decision, the refund is booked and logged", async () => {
    // 1. Everyone talks to the bot first, so that it keeps their personal chats with this connector's URL.
    await everyoneSaysHelp();
    for (const user of [ada, abe, sam, tia]) {
      expect((await bot.world.store.conversation(user.tenantId, user.userId))?.reference, user.name).to.deep.include({ serviceUrl: bot.connector.url });
    }

    // 2. Tia buys on 2026-01-31; a month later, she wants out.
    await tiaBuysByLine();
    bot.world.clock.set('2026-03-01T12:00:00Z');
    const beforeRequest = bot.connector.received.length;

    // 3. The form shows R17's estimate: 1200 × 336/365 = 1104.657… → USD 1,104.66.
    const { form, formMessageId, answer } = await tiaAsksToCancel();
    expect(shownLines(form)).to.include('Refund estimate: USD 1,104.66 (336 of 365 days unused, as of 2026-03-01)');
    expect(shownText(form)).to.include('Refund allowance left: USD 50,000.00 of USD 50,000.00');
    const asked = shownText(answer.value);
    expect(asked).to.include('Cancel request REQ-1001').and.include("Sent to Test Partner's Admin Agents as REQ-1001").and.include('Waiting for a decision');
    expect(verbsOf(answer.value), 'Tia may withdraw, not approve').to.deep.equal(['request.withdraw']);
    const [request] = await tailspinRequests();
    expect(request).to.deep.include({ id: 'REQ-1001', reservationId: 'R-1001', state: 'Pending', change: { kind: 'Cancel' } });

    // 4. One approval card in each Admin Agent's personal chat; none for the Sales Agent.
    const adaCard = (await bot.connector.waitFor(1, proactiveIn(personal(ada))))[0]!;
    const abeCard = (await bot.connector.waitFor(1, proactiveIn(personal(abe))))[0]!;
    for (const [agent, call] of [[ada, adaCard], [abe, abeCard]] as const) {
      const card = cardOf(call.activity);
      expect(shownText(card), agent.name).to.include('Cancel request REQ-1001').and.include('Tailspin Toys').and.include('Refund (estimate as of 2026-03-01): USD 1,104.66');
      const approveButton = executeActions(card).find((a) => a.title === 'Approve');
      expect(approveButton, agent.name).to.deep.include({ verb: 'request.approve', data: { requestId: 'REQ-1001' } });
      const refresh = card.refresh as { action: { verb: string; data: unknown }; userIds: string[] } | undefined;
      expect(refresh?.action, `${agent.name}: the card refreshes to each Admin Agent's view`).to.deep.include({ verb: 'request.refresh', data: { requestId: 'REQ-1001' } });
      expect(refresh!.userIds).to.have.members(['29:admin-1', '29:admin-2']);
    }
    // Whatever the outbox holds is sent by now: the worker has nothing more due (the clock stands still).
    await bot.world.delivered();
    await sleep(300);
    const sentSinceRequest = bot.connector.received.slice(beforeRequest);
    expect(sentSinceRequest.filter(proactiveIn(personal(sam))), 'nothing to the Sales Agent').to.deep.equal([]);
    expect(sentSinceRequest.filter(proactive).map((c) => c.conversationId), 'one card per Admin Agent, nothing else').to.have.members([personal(ada), personal(abe)]);
    expect(puts(), 'nothing is updated before a decision').to.deep.equal([]);

    // 5. Ada approves; Abe's later click on his copy is refused, naming Ada, and changes nothing.
    const adaCardId = idGivenTo(adaCard);
    const abeCardId = idGivenTo(abeCard);
    const approved = await approve(ada, 'REQ-1001', adaCardId);
    expect(approved).to.include({ statusCode: 200, type: adaptiveCardType });
    expect(shownText(approved.value)).to.include('Approved by Ada Admin on').and.include('R-1001 is cancelled; refund USD 1,104.66 in order O-1002');
    expect(verbsOf(approved.value), 'no buttons once decided').to.deep.equal([]);

    await bot.connector.waitFor(3, (c) => c.method === 'PUT');
    await bot.connector.waitFor(1, proactiveIn(personal(tia)));
    const callsAfterAda = bot.connector.received.length;
    const late = await approve(abe, 'REQ-1001', abeCardId);
    expect(late).to.include({ statusCode: 200, type: adaptiveCardType });
    const lateText = shownText(late.value);
    expect(lateText).to.include('Ada Admin already approved this request on 2026-03-01 12:00 UTC').and.include('changed nothing');
    expect(verbsOf(late.value)).to.deep.equal([]);
    // Whatever the outbox holds is sent by now: the worker has nothing more due (the clock stands still).
    await bot.world.delivered();
    await sleep(300);
    expect(bot.connector.received.slice(callsAfterAda), "Abe's click sends and updates nothing").to.deep.equal([]);

    // 6. Every copy is replaced by the decided card: Ada's, Abe's and Tia's (the message that carried her form).
    const expectedPuts = [
      [personal(ada), adaCardId],
      [personal(abe), abeCardId],
      [personal(tia), formMessageId],
    ];
    expect(puts().map((c) => [c.conversationId, c.activityId]), 'one PUT per copy').to.have.deep.members(expectedPuts);
    for (const call of puts()) {
      const card = cardOf(call.activity);
      expect(call.activity.id, 'the PUT names the activity it replaces').to.equal(call.activityId);
      expect(shownText(card), call.conversationId).to.include('Approved by Ada Admin').and.include('Refund (on 2026-03-01): USD 1,104.66');
      expect(verbsOf(card), call.conversationId).to.deep.equal([]);
      expect(card.refresh, `${call.conversationId}: a decided card no longer refreshes`).to.equal(undefined);
    }
    const tiaNews = bot.connector.received.filter(proactiveIn(personal(tia)));
    expect(tiaNews, 'Tia gets one new message with the outcome').to.have.length(1);
    expect(tiaNews[0]!.activity.attachments ?? [], 'a short message, not a second copy of the card (hers is updated in place)').to.deep.equal([]);
    expect(tiaNews[0]!.activity.text).to.equal('REQ-1001 (cancel R-1001): Approved by Ada Admin on 2026-03-01 12:00 UTC. R-1001 is cancelled; refund USD 1,104.66 in order O-1002.');

    // 7. The reservation ended today; the refund is an order, shown to Tia.
    expect(await tailspinReservationNow()).to.deep.include({ status: 'Cancelled', endedOn: '2026-03-01' });
    expect((await refunds()).map((o) => [o.id, o.amount, o.currency, o.reservationId, o.requestId, o.by.userId])).to.deep.equal([['O-1002', 1104.66, 'USD', 'R-1001', 'REQ-1001', ada.userId]]);
    const orders = shownText(cardOf(await firstReply(tia, 'orders')));
    expect(orders).to.include('**O-1002** · Refund · −USD 1,104.66').and.include('336 of 365 days unused').and.include('approved by Ada Admin');
    const reservations = cardOf(await firstReply(tia, 'reservations'));
    expect(shownLines(reservations).find((l) => l.startsWith('**R-1001**')), shownText(reservations)).to.match(/ · Cancelled on 2026-03-01$/);
    expect(shownLines(reservations), 'nothing more to ask of a cancelled reservation').not.to.include('[Cancel]');
    expect((await tailspinRequests())[0]).to.deep.include({ state: 'Approved' });
    expect((await tailspinRequests())[0]!.closedBy).to.include({ userId: ada.userId });

    // 8. The log, newest first, as Ada reads it.
    const shown = shownLogEntries(cardOf(await firstReply(ada, 'log tailspin.example')));
    // The oldest entry is the import of the test world turning Tailspin's purchase permission on.
    expect(shown.map((e) => [e.operation, e.outcome]).slice(0, -1)).to.deep.equal([
      [Operation.ApproveRequest, 'Refused'],
      [Operation.CancelReservation, 'Succeeded'],
      [Operation.ApproveRequest, 'Succeeded'],
      [Operation.RequestChange, 'Succeeded'],
      [Operation.PurchaseReservation, 'Succeeded'],
    ]);
    expect(shown.at(-1)!.operation).to.equal(Operation.CreateCustomerPurchasePermissions);
    expect(shown[0]!.byline).to.include('Abe Admin (Admin Agent) · Tailspin Toys');
    expect(shown[1]!.byline).to.include('Ada Admin (Admin Agent) · Tailspin Toys').and.include('R-1001').and.include('O-1002');
    expect(shown[2]!.byline).to.include('Ada Admin (Admin Agent) · Tailspin Toys').and.include('REQ-1001');
    expect(shown[3]!.byline).to.include('Tia Owner (Customer user) · Tailspin Toys').and.include('REQ-1001');
    const entries = await tailspinLog();
    const cancelEntry = entries.find((e) => e.operation === Operation.CancelReservation)!;
    expect(cancelEntry.before).to.deep.include({ status: 'Active', expiresOn: '2027-01-31' });
    expect(cancelEntry.after).to.deep.include({ status: 'Cancelled', endedOn: '2026-03-01', refund: 1104.66, currency: 'USD', remainingDays: 336, totalDays: 365, order: 'O-1002' });
    const refusedEntry = entries.find((e) => e.operation === Operation.ApproveRequest && e.outcome === 'Refused')!;
    expect(refusedEntry.actor).to.include({ userId: abe.userId, role: 'AdminAgent' });
    expect(refusedEntry.reason?.message).to.include('Ada Admin already approved');
  });

  it('R16, R18: Approve clicked by the Sales Agent or by Tia herself (forged invokes) is refused with the reason on the card, logged, and the request stays pending', async () => {
    await everyoneSaysHelp();
    await tailspinReservation(bot.world, '2026-01-31');
    bot.world.clock.set('2026-03-01T12:00:00Z');
    await tiaAsksToCancel();
    await bot.connector.waitFor(2, proactive);

    for (const user of [sam, tia]) {
      const answer = await approve(user, 'REQ-1001');
      expect(answer, user.name).to.include({ statusCode: 200, type: adaptiveCardType });
      const text = shownText(answer.value);
      const reason = user === sam ? 'Only Admin Agents of Test Partner can approve or reject change requests' : 'Only Test Partner can approve or reject change requests';
      expect(text, user.name).to.include(reason).and.not.include('Approved by');
      expect(verbsOf(answer.value), `${user.name} gets no Approve button`).not.to.include('request.approve');
    }

    expect((await tailspinRequests())[0]).to.deep.include({ id: 'REQ-1001', state: 'Pending' });
    expect(await tailspinReservationNow()).to.deep.include({ status: 'Active' });
    expect(await refunds()).to.deep.equal([]);
    // Whatever the outbox holds is sent by now: the worker has nothing more due (the clock stands still).
    await bot.world.delivered();
    await sleep(300);
    expect(puts(), 'no card is updated').to.deep.equal([]);

    const refused = (await tailspinLog()).filter((e) => e.operation === Operation.ApproveRequest);
    expect(refused.map((e) => [e.outcome, e.actor.userId, e.actor.role])).to.deep.equal([
      ['Refused', tia.userId, 'CustomerUser'],
      ['Refused', sam.userId, 'SalesAgent'],
    ]);
    for (const e of refused) expect(e.reason?.message).to.match(/^Only (Admin Agents of )?Test Partner can approve or reject change requests/);
  });

  it('R17, R18: a cancel past the USD 50,000 refund cap is refused with the allowance left; nothing is stored; the refusal is logged', async () => {
    await everyoneSaysHelp();
    await tailspinReservation(bot.world, '2026-01-31', 100);
    expect((await tailspinReservationNow()).total).to.equal(60_000);
    bot.world.clock.set('2026-02-01T12:00:00Z');

    const reply = await firstReply(tia, 'cancel R-1001');
    const text = shownText(reply);
    expect(text).to.include('USD 59,835.62').and.include('only USD 50,000.00 more can be refunded').and.include('Nothing was asked');
    expect(executeActions(reply).map((a) => a.verb), 'no Send request button').not.to.include('request.create');

    // The button of a form got before, or a forged one, is refused as well.
    const forged = await bot.click(tia, 'request.create', { reservationId: 'R-1001', kind: 'Cancel' }, 'form-msg-1');
    expect(shownText(forged.value)).to.include('only USD 50,000.00 more can be refunded');

    expect(await tailspinRequests()).to.deep.equal([]);
    expect(await tailspinReservationNow()).to.deep.include({ status: 'Active' });
    expect(await refunds()).to.deep.equal([]);
    // Whatever the outbox holds is sent by now: the worker has nothing more due (the clock stands still).
    await bot.world.delivered();
    await sleep(300);
    expect(bot.connector.received.filter(proactive), 'no card to anyone').to.deep.equal([]);
    const requested = (await tailspinLog()).filter((e) => e.operation === Operation.RequestChange);
    expect(requested.map((e) => [e.outcome, e.actor.userId])).to.deep.equal([
      ['Refused', tia.userId],
      ['Refused', tia.userId],
    ]);
    expect(requested[0]!.reason?.message).to.include('USD 50,000.00');
  });

  it('R16: Ada rejects with a reason; Tia gets one short message with the reason and no second card; her copy is updated in place', async () => {
    await everyoneSaysHelp();
    await tailspinReservation(bot.world, '2026-01-31');
    bot.world.clock.set('2026-03-01T12:00:00Z');
    const { formMessageId } = await tiaAsksToCancel();
    await bot.connector.waitFor(1, proactiveIn(personal(ada)));
    bot.world.clock.set('2026-03-02T08:30:00Z');
    const rejected = await bot.click(ada, 'request.reject', { requestId: 'REQ-1001', reason: 'We still need it for the migration' });
    expect(shownText(rejected.value)).to.include('Rejected by Ada Admin on 2026-03-02 08:30 UTC.');

    const [told] = await bot.connector.waitFor(1, proactiveIn(personal(tia)));
    expect(told!.activity.attachments ?? [], 'no second card').to.deep.equal([]);
    expect(told!.activity.text).to.equal('REQ-1001 (cancel R-1001): Rejected by Ada Admin on 2026-03-02 08:30 UTC. Reason: We still need it for the migration');
    const [update] = await bot.connector.waitFor(1, (c) => c.method === 'PUT' && c.conversationId === personal(tia));
    expect(update!.activityId, 'the card she sent the request from').to.equal(formMessageId);
    expect(shownText(cardOf(update!.activity))).to.include('Rejected by Ada Admin').and.include('Reason: We still need it for the migration');
    // Whatever the outbox holds is sent by now: the worker has nothing more due (the clock stands still).
    await bot.world.delivered();
    await sleep(300);
    expect(bot.connector.received.filter(proactiveIn(personal(tia))), 'Tia is told once').to.have.length(1);
    expect(await tailspinReservationNow()).to.deep.include({ status: 'Active' });
  });

  it('R16: a retried invoke (the same Approve posted twice with the same activity id) makes one decision and one set of log entries', async () => {
    await everyoneSaysHelp();
    await tailspinReservation(bot.world, '2026-01-31');
    bot.world.clock.set('2026-03-01T12:00:00Z');
    await tiaAsksToCancel();
    const [adaCard] = await bot.connector.waitFor(1, proactiveIn(personal(ada)));
    await bot.connector.waitFor(1, proactiveIn(personal(abe)));

    const invoke = invokeFrom(ada, 'request.approve', { requestId: 'REQ-1001' }, bot.connector.url, idGivenTo(adaCard!));
    const first = await bot.post(invoke);
    const second = await bot.post(invoke);
    for (const res of [first, second]) {
      expect(res.status).to.equal(200);
      expect(shownText((res.body as InvokeAnswer).value)).to.include('Approved by Ada Admin');
    }
    expect(shownText((second.body as InvokeAnswer).value)).to.include('You already approved this request on 2026-03-01').and.include('nothing more was changed');
    // Whatever the outbox holds is sent by now: the worker has nothing more due (the clock stands still).
    await bot.world.delivered();
    await sleep(300);

    expect(await refunds(), 'one refund').to.have.length(1);
    expect(await tailspinReservationNow()).to.deep.include({ status: 'Cancelled', endedOn: '2026-03-01' });
    const decisions = (await tailspinLog()).filter((e) => e.operation === Operation.ApproveRequest || e.operation === Operation.CancelReservation);
    expect(decisions.map((e) => [e.operation, e.outcome])).to.deep.equal([
      [Operation.CancelReservation, 'Succeeded'],
      [Operation.ApproveRequest, 'Succeeded'],
    ]);
    expect(puts().map((c) => c.conversationId), 'each copy updated once').to.have.members([personal(ada), personal(abe), personal(tia)]);
    expect(bot.connector.received.filter(proactiveIn(personal(tia))), 'Tia is told once').to.have.length(1);
  });

  it('R16: Ada and Abe clicking Approve at the same moment make exactly one decision; the other is told who decided', async () => {
    await everyoneSaysHelp();
    await tailspinReservation(bot.world, '2026-01-31');
    bot.world.clock.set('2026-03-01T12:00:00Z');
    await tiaAsksToCancel();
    await bot.connector.waitFor(2, proactive);

    const answers = await Promise.all([approve(ada, 'REQ-1001'), approve(abe, 'REQ-1001')]);
    const texts = answers.map((a) => shownText(a.value));
    const winner = (await tailspinRequests())[0]!.closedBy!.name;
    const loser = winner === ada.name ? abe.name : ada.name;
    expect(texts.filter((t) => t.includes(`${winner} already approved this request`)), `${loser} is told who decided:\n${texts.join('\n---\n')}`).to.have.length(1);
    expect(await refunds(), 'one refund').to.have.length(1);
    const decisions = (await tailspinLog()).filter((e) => e.operation === Operation.ApproveRequest || e.operation === Operation.CancelReservation);
    // Newest first: the loser's refusal waits for the winner's entries, so the log reads in the order things happened.
    expect(decisions.map((e) => [e.operation, e.outcome, e.actor.name])).to.deep.equal([
      [Operation.ApproveRequest, 'Refused', loser],
      [Operation.CancelReservation, 'Succeeded', winner],
      [Operation.ApproveRequest, 'Succeeded', winner],
    ]);
    // Whatever the outbox holds is sent by now: the worker has nothing more due (the clock stands still).
    await bot.world.delivered();
    await sleep(300);
    expect(bot.connector.received.filter(proactiveIn(personal(tia))), 'Tia is told once').to.have.length(1);
  });

  it('the answer comes first: an approval click is answered with the decided card while the connector holds back every card update, and the updates arrive after', async () => {
    await everyoneSaysHelp();
    await tailspinReservation(bot.world, '2026-01-31');
    bot.world.clock.set('2026-03-01T12:00:00Z');
    const { formMessageId } = await tiaAsksToCancel();
    const [adaCard] = await bot.connector.waitFor(1, proactiveIn(personal(ada)));
    const [abeCard] = await bot.connector.waitFor(1, proactiveIn(personal(abe)));

    // A slow Bot Connector: from now on it answers nothing until released.
    bot.connector.hold();
    const approved = await approve(ada, 'REQ-1001', idGivenTo(adaCard!));
    expect(approved).to.include({ statusCode: 200, type: adaptiveCardType });
    expect(shownText(approved.value)).to.include('Approved by Ada Admin on 2026-03-01 12:00 UTC').and.include('R-1001 is cancelled; refund USD 1,104.66 in order O-1002');
    expect(puts().filter((c) => c.status !== undefined), 'no card update has gone through when the click is answered').to.deep.equal([]);
    expect(bot.connector.received.filter((c) => proactiveIn(personal(tia))(c) && c.status !== undefined), 'nor the message to Tia').to.deep.equal([]);

    // The updates and Tia's message are sent after the answer; once the connector answers, each goes through once.
    const held = await bot.connector.waitFor(3, (c) => c.method === 'PUT');
    expect(held.map((c) => c.status), 'still held').to.deep.equal([undefined, undefined, undefined]);
    bot.connector.release();
    await bot.connector.waitFor(3, (c) => c.method === 'PUT' && c.status === 200);
    const [told] = await bot.connector.waitFor(1, (c) => proactiveIn(personal(tia))(c) && c.status === 200);
    expect(told!.activity.text).to.equal('REQ-1001 (cancel R-1001): Approved by Ada Admin on 2026-03-01 12:00 UTC. R-1001 is cancelled; refund USD 1,104.66 in order O-1002.');
    expect(puts().map((c) => [c.conversationId, c.activityId, c.status]), 'one update per copy').to.have.deep.members([
      [personal(ada), idGivenTo(adaCard!), 200],
      [personal(abe), idGivenTo(abeCard!), 200],
      [personal(tia), formMessageId, 200],
    ]);
    for (const call of puts()) expect(shownText(cardOf(call.activity)), call.conversationId).to.include('Approved by Ada Admin');
    expect(await tailspinReservationNow()).to.deep.include({ status: 'Cancelled', endedOn: '2026-03-01' });
  });

  it('a request decided while its approval cards are still on their way: each card, once it arrives, is brought up to date', async () => {
    await everyoneSaysHelp();
    await tailspinReservation(bot.world, '2026-01-31');
    bot.world.clock.set('2026-03-01T12:00:00Z');
    const { reply, messageId: formMessageId } = await sayAndKeep(tia, 'cancel R-1001');
    const send = executeActions(cardOf(reply)).find((a) => a.verb === 'request.create')!;

    // The connector is slow: the approval cards reach it, but it has not answered them when Ada decides.
    bot.connector.hold();
    expect(shownText((await bot.click(tia, send.verb, send.data, formMessageId)).value)).to.include("Sent to Test Partner's Admin Agents as REQ-1001");
    await bot.connector.waitFor(2, (c) => proactive(c) && c.conversationId.startsWith('a:personal-admin-'));
    const approved = await approve(ada, 'REQ-1001');
    expect(shownText(approved.value)).to.include('Approved by Ada Admin on 2026-03-01 12:00 UTC');
    bot.connector.release();

    const [adaCard] = await bot.connector.waitFor(1, (c) => proactiveIn(personal(ada))(c) && c.status === 200);
    const [abeCard] = await bot.connector.waitFor(1, (c) => proactiveIn(personal(abe))(c) && c.status === 200);
    expect(shownText(cardOf(adaCard!.activity)), 'the card as it was sent, before the decision').to.include('Waiting for a decision');
    const updates = await bot.connector.waitFor(3, (c) => c.method === 'PUT' && c.status === 200);
    expect(updates.map((c) => [c.conversationId, c.activityId])).to.have.deep.members([
      [personal(ada), idGivenTo(adaCard!)],
      [personal(abe), idGivenTo(abeCard!)],
      [personal(tia), formMessageId],
    ]);
    for (const call of updates) {
      expect(shownText(cardOf(call.activity)), call.conversationId).to.include('Approved by Ada Admin');
      expect(verbsOf(cardOf(call.activity)), call.conversationId).to.deep.equal([]);
    }
    const request = (await bot.world.store.request('REQ-1001'))!;
    expect(request.copies.map((c) => [c.audience, c.activityId]), 'every copy is kept on the request').to.have.deep.members([
      ['requester', formMessageId],
      ['approver', idGivenTo(adaCard!)],
      ['approver', idGivenTo(abeCard!)],
    ]);
  });

  it('a new request when no Admin Agent has a chat with the bot: the answer says it is kept but nobody could be told, no card is sent, and it is listed for the agents', async () => {
    await firstReply(tia, 'help');
    await tailspinReservation(bot.world, '2026-01-31');
    bot.world.clock.set('2026-03-01T12:00:00Z');
    const { answer } = await tiaAsksToCancel();
    const asked = shownText(answer.value);
    expect(asked).to.include(
      "Kept as REQ-1001, but none of Test Partner's Admin Agents has a chat with this bot yet, so nobody could be told: it waits in their list of requests. Let your contact at Test Partner know. You will be told here when it is decided.",
    );
    expect(asked).not.to.include('Sent to');
    expect(verbsOf(answer.value)).to.deep.equal(['request.withdraw']);
    await bot.world.delivered();
    expect(bot.connector.received.filter(proactive), 'no card to anyone').to.deep.equal([]);
    expect(shownText(cardOf(await firstReply(ada, 'requests')))).to.include('**REQ-1001** · Cancel · Pending · Tailspin Toys');
    expect((await tailspinRequests())[0]).to.deep.include({ id: 'REQ-1001', state: 'Pending' });
  });

  it("approvals channel: Ada sets it by typing in a channel thread; a new request's card goes to the channel (not the thread) and is updated on decision", async () => {
    await everyoneSaysHelp();
    const inThread = { ...bot.message(ada, 'settings approvals-channel'), conversation: { id: `${channelId};messageid=42`, conversationType: 'channel', tenantId: partnerTenant, isGroup: true, name: '' } };
    const [set] = await bot.send(inThread);
    expect(shownText(set!)).to.include("This channel now gets a copy of every change request's approval card");
    const kept = (await bot.world.services.settings.current()).approvalsChannel;
    expect(kept?.reference.conversation).to.deep.include({ id: channelId });
    expect((await bot.world.store.conversation(partnerTenant, ada.userId))?.reference.conversation, "a channel message does not replace Ada's personal chat").to.deep.include({ id: personal(ada) });

    await tailspinReservation(bot.world, '2026-01-31');
    bot.world.clock.set('2026-03-01T12:00:00Z');
    await tiaAsksToCancel();
    const [channelCard] = await bot.connector.waitFor(1, proactiveIn(channelId));
    const card = cardOf(channelCard!.activity);
    expect(shownText(card)).to.include('Cancel request REQ-1001').and.include('Waiting for a decision');
    expect(verbsOf(card), 'the channel copy is read-only').not.to.include('request.approve');
    expect((card.refresh as { action: { verb: string } } | undefined)?.action.verb, 'Admin Agents refresh it to their buttons').to.equal('request.refresh');
    await bot.connector.waitFor(2, (c) => proactive(c) && c.conversationId.startsWith('a:personal-admin-'));
    expect(bot.connector.received.filter((c) => c.conversationId.includes(';messageid=') && proactive(c)), 'nothing goes to the thread').to.deep.equal([]);

    await approve(ada, 'REQ-1001');
    const [update] = await bot.connector.waitFor(1, (c) => c.method === 'PUT' && c.conversationId === channelId);
    expect(update!.activityId).to.equal(idGivenTo(channelCard!));
    expect(shownText(cardOf(update!.activity))).to.include('Approved by Ada Admin');
    expect(verbsOf(cardOf(update!.activity))).to.deep.equal([]);
  });
});

describe('change requests when the Bot Connector refuses every card (the outbox, its retries and their end)', function () {
  // Each failed attempt takes a few seconds (see the policy below).
  this.timeout(30_000);
  /**
   * Few attempts, a tiny backoff: each retry is due once the (fixed) clock has moved past it. (Each attempt takes a few
   * seconds: botbuilder's HTTP client itself retries a 500 three times, with a delay, before the send fails.)
   */
  const policy = { attempts: 2, firstRetryMs: 10, longestRetryMs: 40, sendTimeoutMs: 15_000 };
  let bot: HttpBot;
  beforeEach(async () => {
    bot = await startHttpBot(requestWorld(), { policy });
  });
  afterEach(() => bot.close());

  const personal = (user: TestUser) => `a:personal-${user.userId}`;
  const repliesToTests = (call: ConnectorCall) => call.activityId?.startsWith('msg-') === true;
  /** A card the bot sends or updates on its own (not an answer to something typed): what this connector fails. */
  const proactiveCard = (call: ConnectorCall) => !repliesToTests(call) && (call.activity.attachments?.length ?? 0) > 0;

  it('the approval cards fail every attempt: each failure is logged as Deliver Message, Tia is finally told nobody was reached, and the request stays pending in the list', async () => {
    for (const user of [ada, abe, tia]) await bot.say(user, 'help');
    bot.connector.refuse = (call) => (proactiveCard(call) ? 500 : undefined);
    await tailspinReservation(bot.world, '2026-01-31');
    bot.world.clock.set('2026-03-01T12:00:00Z');

    const form = (await bot.say(tia, 'cancel R-1001'))[0]!;
    const send = executeActions(form.attachments![0]!.content).find((a) => a.verb === 'request.create')!;
    const answer = await bot.click(tia, send.verb, send.data);
    expect(shownText(answer.value), 'both Admin Agents have a chat, so the cards are on their way').to.include("Sent to Test Partner's Admin Agents as REQ-1001");

    // Each attempt is made once it is due: the clock moves past the backoff, and the worker runs.
    for (let attempt = 1; attempt <= policy.attempts; attempt++) {
      await bot.world.delivered();
      bot.world.clock.advance(policy.sendTimeoutMs + policy.longestRetryMs);
    }
    await bot.world.delivered();

    const refused = bot.connector.received.filter((c) => proactiveCard(c) && c.status === 500);
    expect(refused.filter((c) => c.conversationId === personal(ada)), 'every attempt at Ada\'s card was refused').to.have.length.at.least(policy.attempts);
    expect(refused.filter((c) => c.conversationId === personal(abe)), 'every attempt at Abe\'s card was refused').to.have.length.at.least(policy.attempts);
    expect(bot.connector.received.filter((c) => proactiveCard(c) && c.status === 200), 'no card got through').to.deep.equal([]);
    const cards = (await bot.world.store.deliveriesAbout('REQ-1001')).filter((d) => d.message.kind === 'requestCard');
    expect(cards.map((d) => [d.to.userId, d.state, d.attempts])).to.have.deep.members([
      [ada.userId, 'Failed', policy.attempts],
      [abe.userId, 'Failed', policy.attempts],
    ]);

    const [told] = await bot.connector.waitFor(1, (c) => !repliesToTests(c) && c.conversationId === personal(tia) && c.status === 200);
    expect(told!.activity.attachments ?? []).to.deep.equal([]);
    expect(told!.activity.text).to.equal(
      "Your request REQ-1001 could not be delivered to any of Test Partner's Admin Agents in Teams. It is still pending and listed for them under `requests`, but nobody has been told of it: please let your contact at Test Partner know.",
    );
    expect(bot.connector.received.filter((c) => !repliesToTests(c) && c.conversationId === personal(tia)), 'Tia is told once').to.have.length(1);

    const request = await bot.world.store.request('REQ-1001');
    expect(request).to.deep.include({ state: 'Pending' });
    expect(request!.copies.filter((c) => c.audience === 'approver'), 'no approval card was delivered').to.deep.equal([]);
    expect(shownText((await bot.say(ada, 'requests'))[0]!)).to.include('**REQ-1001** · Cancel · Pending · Tailspin Toys');

    const entries = await bot.world.services.activity.read(await personOf(bot.world.services, ada), { operations: [Operation.DeliverMessage] }, 10);
    expect(entries.map((e) => [e.outcome, e.customerId, e.reason?.code, e.actor.role])).to.deep.equal([
      ['Refused', tailspinId, 'DELIVERY_FAILED', 'System'],
      ['Refused', tailspinId, 'DELIVERY_FAILED', 'System'],
    ]);
    expect(entries.map((e) => e.target)).to.have.members([`card of REQ-1001 to the personal chat of ${ada.userId}`, `card of REQ-1001 to the personal chat of ${abe.userId}`]);
    for (const e of entries) expect(e.reason!.message).to.match(new RegExp(`^Not delivered after ${policy.attempts} attempts: `));
    // Ada reads the same in her activity log.
    const shown = shownLogEntries((await bot.say(ada, 'log tailspin.example'))[0]!.attachments![0]!.content as Record<string, unknown>);
    expect(shown.filter((e) => e.operation === Operation.DeliverMessage).map((e) => e.outcome)).to.deep.equal(['Refused', 'Refused']);
  });
});
