import { expect } from 'chai';
import type { CardCopy, Delivery } from '../../data/schemas.ts';
import { ErrorCode } from '../../services/codedError.ts';
import { deliveryPolicy, type DeliveryPolicy } from '../../services/deliveryWorker.ts';
import type { Audience, ConversationReference, RequestNews, RequestView } from '../../services/messenger.ts';
import { Operation } from '../../services/operations.ts';
import { logEntries, tailspinOwner } from '../helpers/buying.ts';
import { FailingMessenger, HeldMessenger, RecordingMessenger } from '../helpers/recordingMessenger.ts';
import { ask, chatOf, decide, requestWorld, tailspinReservation, talkedToTheBot } from '../helpers/requesting.ts';
import { openTestStore, partnerTenant, people, personOf, tailspinId, type TestStore, type TestUser } from '../helpers/testWorld.ts';

/** Who a message went to: the chat's Teams user id, as talkedToTheBot stores it. */
const recipient = (to: ConversationReference) => (to.user as { id: string }).id;

/** Fails every request card sent to these people's chats; records the rest. */
class CardsFailFor extends RecordingMessenger {
  constructor(private readonly users: TestUser[]) {
    super();
  }

  override async sendRequestCard(to: ConversationReference, view: RequestView, audience: Audience, news: RequestNews): Promise<string> {
    if (this.users.some((u) => recipient(to) === chatOf(u).user.id)) throw new Error(`no chat with ${recipient(to)}`);
    return super.sendRequestCard(to, view, audience, news);
  }
}

/** Gives every card it sends the same activity id, as two chats' messages sent in the same millisecond get in Teams. */
class SameActivityId extends RecordingMessenger {
  override async sendRequestCard(to: ConversationReference, view: RequestView, audience: Audience, news: RequestNews): Promise<string> {
    await super.sendRequestCard(to, view, audience, news);
    this.requestCards[this.requestCards.length - 1]!.activityId = '1700000000000';
    return '1700000000000';
  }
}

/** A short policy for the tests that go through every attempt: 4 attempts, waiting 1 s, 2 s, then 3 s (the longest). */
const short: DeliveryPolicy = { attempts: 4, firstRetryMs: 1000, longestRetryMs: 3000, sendTimeoutMs: 5000 };

describe('the outbox and its delivery worker (services/outbox.ts, services/deliveryWorker.ts)', () => {
  let t: TestStore;
  afterEach(() => t?.dispose());

  const approvalCards = async (requestId = 'REQ-1001') => (await t.store.deliveriesAbout(requestId)).filter((d) => d.message.kind === 'requestCard');
  const texts = async (requestId = 'REQ-1001') => (await t.store.deliveriesAbout(requestId)).filter((d) => d.message.kind === 'text');
  /** Tailspin's owner asks to cancel R-1001 (bought 2026-01-31) on 2026-03-01 at noon: REQ-1001. */
  const askToCancel = async () => {
    await tailspinReservation(t);
    t.clock.set('2026-03-01T12:00:00.000Z');
    return ask(t, tailspinOwner, 'R-1001', { kind: 'Cancel' });
  };
  /** Moves the clock on by each wait of `policy` in turn and delivers what fell due, until every attempt was made. */
  const retryEveryAttempt = async (policy: DeliveryPolicy) => {
    for (let attempt = 1; attempt < policy.attempts; attempt++) {
      t.clock.advance(Math.min(policy.firstRetryMs * 2 ** (attempt - 1), policy.longestRetryMs));
      await t.delivered();
    }
  };

  describe('answer first, deliver after', () => {
    it('a new request answers with its approval cards in the outbox, Pending; deliverDue sends them, marks them Sent and keeps each copy on the request', async () => {
      const messenger = new HeldMessenger();
      t = await openTestStore(requestWorld(), messenger);
      try {
        await talkedToTheBot(t, people.admin, people.admin2, tailspinOwner);
        await askToCancel();
        const outbox = await approvalCards();
        expect(outbox.map((d) => ({ to: d.to, message: d.message, state: d.state, createdAt: d.createdAt }))).to.deep.equal(
          [people.admin, people.admin2].map((admin) => ({
            to: { reference: chatOf(admin), tenantId: partnerTenant, userId: admin.userId },
            message: { kind: 'requestCard', requestId: 'REQ-1001', audience: 'approver', news: 'new' },
            state: 'Pending',
            createdAt: '2026-03-01T12:00:00.000Z',
          })),
        );
        expect((await t.store.request('REQ-1001'))!.copies, 'no copy before it is sent').to.deep.equal([]);
        expect(messenger.requestCards).to.deep.equal([]);

        messenger.release();
        await t.delivered();
        expect(messenger.requestCards.map((c) => recipient(c.to)).sort()).to.deep.equal(['29:admin-1', '29:admin-2']);
        for (const delivery of await approvalCards()) {
          expect(delivery).to.deep.include({ state: 'Sent', attempts: 1, doneAt: '2026-03-01T12:00:00.000Z' });
          expect(delivery.lastError).to.equal(undefined);
        }
        const copies = (await t.store.request('REQ-1001'))!.copies;
        expect(copies.map((c) => c.activityId).sort()).to.deep.equal(['sent-1', 'sent-2']);
        for (const card of messenger.requestCards) expect(copies).to.deep.include({ audience: 'approver', reference: card.to, activityId: card.activityId });
        expect(await t.delivered(), 'sent once').to.equal(0);
        expect(messenger.requestCards).to.have.length(2);
      } finally {
        messenger.release();
      }
    });

    it('deliverDue called several times at once sends each message once', async () => {
      const messenger = new HeldMessenger();
      t = await openTestStore(requestWorld(), messenger);
      try {
        await talkedToTheBot(t, people.admin, people.admin2);
        await askToCancel();
        const runs = [t.delivered(), t.delivered(), t.services.deliveries.deliverDue()];
        messenger.release();
        await Promise.all(runs);
        await t.delivered();
        expect(messenger.requestCards).to.have.length(2);
        expect((await t.store.request('REQ-1001'))!.copies).to.have.length(2);
      } finally {
        messenger.release();
      }
    });

    it('a decision adds its card updates and the requester\'s message to the outbox with it; the worker sends them after', async () => {
      t = await openTestStore(requestWorld());
      await talkedToTheBot(t, people.admin, tailspinOwner);
      await askToCancel();
      await t.delivered();
      const messenger = t.messenger;
      const { view } = await decide(t, 'REQ-1001', 'Approved');
      const outbox = (await t.store.deliveriesAbout('REQ-1001')).filter((d) => d.message.kind !== 'requestCard');
      expect(outbox.map((d) => d.message.kind).sort()).to.deep.equal(['cardUpdate', 'text']);
      expect(outbox.find((d) => d.message.kind === 'cardUpdate')).to.deep.include({ to: { reference: chatOf(people.admin) }, message: { kind: 'cardUpdate', requestId: 'REQ-1001', activityId: 'sent-1' } });
      expect(outbox.find((d) => d.message.kind === 'text')!.to).to.deep.equal({ reference: chatOf(tailspinOwner), tenantId: tailspinId, userId: tailspinOwner.userId });
      expect(view.request.state).to.equal('Approved');
      await t.delivered();
      expect(messenger.updates).to.deep.equal([{ copy: { audience: 'approver', reference: chatOf(people.admin), activityId: 'sent-1' }, requestId: 'REQ-1001', state: 'Approved' }]);
      expect(messenger.texts.map((m) => m.to)).to.deep.equal([chatOf(tailspinOwner)]);
      expect((await t.store.deliveriesAbout('REQ-1001')).every((d) => d.state === 'Sent')).to.equal(true);
    });
  });

  describe('retries', () => {
    it('a failed send is retried after 10 s, then 20 s, and so on, until it goes through; nothing is logged then', async () => {
      const messenger = new FailingMessenger(2, ['requestCard']);
      t = await openTestStore(requestWorld(), messenger);
      await talkedToTheBot(t, people.admin);
      await askToCancel();
      const start = Date.parse('2026-03-01T12:00:00.000Z');
      const at = (ms: number) => new Date(start + ms).toISOString();

      expect(await t.delivered()).to.equal(0);
      let [card] = await approvalCards();
      expect(card).to.deep.include({ state: 'Pending', attempts: 1, lastError: 'connector down', nextAttemptAt: at(deliveryPolicy.firstRetryMs) });

      t.clock.advance(deliveryPolicy.firstRetryMs - 1);
      expect(await t.delivered(), 'not before its time').to.equal(0);
      expect(messenger.tries).to.equal(1);

      t.clock.advance(1);
      expect(await t.delivered()).to.equal(0);
      [card] = await approvalCards();
      expect(card).to.deep.include({ state: 'Pending', attempts: 2, nextAttemptAt: at(deliveryPolicy.firstRetryMs + 2 * deliveryPolicy.firstRetryMs) });

      t.clock.advance(2 * deliveryPolicy.firstRetryMs);
      expect(await t.delivered()).to.equal(1);
      [card] = await approvalCards();
      expect(card).to.deep.include({ state: 'Sent', attempts: 3, doneAt: at(3 * deliveryPolicy.firstRetryMs) });
      expect(messenger.requestCards.map((c) => recipient(c.to))).to.deep.equal(['29:admin-1']);
      expect((await t.store.request('REQ-1001'))!.copies).to.deep.equal([{ audience: 'approver', reference: chatOf(people.admin), activityId: 'sent-1' }]);
      expect((await logEntries(t)).filter((e) => e.operation === Operation.DeliverMessage)).to.deep.equal([]);
    });

    it('the wait doubles up to the longest; after the last attempt the delivery is Failed, logged DELIVERY_FAILED (R18), and the customer is told their request reached no Admin Agent', async () => {
      const messenger = new FailingMessenger(Infinity, ['requestCard']);
      t = await openTestStore(requestWorld(), messenger, { policy: short });
      await talkedToTheBot(t, people.admin, tailspinOwner);
      await askToCancel();
      const waits: number[] = [];
      let last = Date.parse(t.clock().toISOString());
      await t.delivered();
      for (let attempt = 1; attempt < short.attempts; attempt++) {
        const [card] = await approvalCards();
        expect(card).to.deep.include({ state: 'Pending', attempts: attempt });
        waits.push(Date.parse(card!.nextAttemptAt) - last);
        t.clock.set(card!.nextAttemptAt);
        last = Date.parse(card!.nextAttemptAt);
        await t.delivered();
      }
      expect(waits).to.deep.equal([1000, 2000, 3000]);
      const [card] = await approvalCards();
      expect(card).to.deep.include({ state: 'Failed', attempts: short.attempts, lastError: 'connector down', doneAt: t.clock().toISOString() });
      expect(await t.delivered(), 'never tried again').to.equal(0);
      expect(messenger.tries).to.equal(short.attempts);

      const failures = (await logEntries(t)).filter((e) => e.operation === Operation.DeliverMessage);
      expect(failures).to.have.length(1);
      expect(failures[0]).to.deep.include({
        at: t.clock().toISOString(),
        outcome: 'Refused',
        actor: { tenantId: partnerTenant, userId: 'system', name: 'Reservations bot', role: 'System' },
        customerId: tailspinId,
        customerName: 'Tailspin Toys',
        target: 'card of REQ-1001 to the personal chat of admin-1',
        reason: { code: ErrorCode.DeliveryFailed, message: `Not delivered after ${short.attempts} attempts: connector down` },
      });

      expect(messenger.texts).to.have.length(1);
      expect(messenger.texts[0]!.to).to.deep.equal(chatOf(tailspinOwner));
      expect(messenger.texts[0]!.text).to.match(/^Your request REQ-1001 could not be delivered to any of Test Partner's Admin Agents in Teams\. It is still pending .*let your contact at Test Partner know\.$/);
      expect((await texts()).map((d) => d.state)).to.deep.equal(['Sent']);
      expect((await t.store.request('REQ-1001'))!.state, 'the request is still pending').to.equal('Pending');
    });

    it('a request closed while its approval cards were still being retried: their final failure is logged, but the customer is not told it is still pending', async () => {
      const messenger = new FailingMessenger(Infinity, ['requestCard']);
      t = await openTestStore(requestWorld(), messenger, { policy: short });
      await talkedToTheBot(t, people.admin, tailspinOwner);
      await askToCancel();
      await t.delivered();
      await t.services.requests.withdraw(await personOf(t.services, tailspinOwner), 'REQ-1001');
      await retryEveryAttempt(short);
      expect((await approvalCards()).map((d) => d.state)).to.deep.equal(['Failed']);
      expect((await logEntries(t)).filter((e) => e.operation === Operation.DeliverMessage)).to.have.length(1);
      expect((await t.store.request('REQ-1001'))!.state).to.equal('Withdrawn');
      expect(messenger.texts.map((m) => m.text).filter((text) => /still pending/.test(text)), 'nobody is told a withdrawn request is still pending').to.deep.equal([]);
    });

    it('a card that reached one Admin Agent is enough: the other\'s failure is logged, and the customer is not told', async () => {
      const messenger = new CardsFailFor([people.admin2]);
      t = await openTestStore(requestWorld(), messenger, { policy: short });
      await talkedToTheBot(t, people.admin, people.admin2, tailspinOwner);
      await askToCancel();
      await t.delivered();
      await retryEveryAttempt(short);
      const cards = await approvalCards();
      expect(cards.map((d) => [d.to.userId, d.state]).sort()).to.deep.equal([
        ['admin-1', 'Sent'],
        ['admin-2', 'Failed'],
      ]);
      expect((await logEntries(t)).filter((e) => e.operation === Operation.DeliverMessage).map((e) => e.target)).to.deep.equal(['card of REQ-1001 to the personal chat of admin-2']);
      expect(messenger.texts).to.deep.equal([]);
      expect(await texts()).to.deep.equal([]);
    });

    it('when every Admin Agent\'s card fails at once, the customer is told once', async () => {
      const messenger = new CardsFailFor([people.admin, people.admin2]);
      t = await openTestStore(requestWorld(), messenger, { policy: short });
      await talkedToTheBot(t, people.admin, people.admin2, tailspinOwner);
      await askToCancel();
      await t.delivered();
      await retryEveryAttempt(short);
      expect((await approvalCards()).map((d) => d.state)).to.deep.equal(['Failed', 'Failed']);
      expect((await logEntries(t)).filter((e) => e.operation === Operation.DeliverMessage)).to.have.length(2);
      expect(messenger.texts.map((m) => m.to)).to.deep.equal([chatOf(tailspinOwner)]);
      expect(await texts()).to.have.length(1);
    });

    it('a reminder that fails every attempt is logged, but the customer is not told (only a new request\'s cards count)', async () => {
      const messenger = new FailingMessenger(Infinity, ['requestCard']);
      t = await openTestStore(requestWorld(), messenger, { policy: short });
      await talkedToTheBot(t, people.admin, tailspinOwner);
      await askToCancel();
      // Every card fails: the new one (so the customer is told once), then the reminder.
      await t.delivered();
      await retryEveryAttempt(short);
      const toldOfNew = messenger.texts.length;
      expect(toldOfNew).to.equal(1);
      t.clock.set('2026-03-05T00:00:00.000Z');
      expect(await t.services.requests.sweep()).to.deep.equal({ expired: 0, reminded: 1 });
      await t.delivered();
      await retryEveryAttempt(short);
      const reminder = (await approvalCards()).find((d) => d.message.kind === 'requestCard' && d.message.news === 'reminder')!;
      expect(reminder.state).to.equal('Failed');
      expect((await logEntries(t)).filter((e) => e.operation === Operation.DeliverMessage).map((e) => e.target)).to.deep.equal([
        'reminder of REQ-1001 to the personal chat of admin-1',
        'card of REQ-1001 to the personal chat of admin-1',
      ]);
      expect(messenger.texts, 'told once, of the new card only').to.have.length(toldOfNew);
    });

    it('a purchase notice that fails every attempt is logged against the customer of the order', async () => {
      const messenger = new FailingMessenger(Infinity, ['purchaseNotice']);
      t = await openTestStore(requestWorld(), messenger, { policy: short });
      await t.services.settings.setPurchaseNotifications(await personOf(t.services, people.admin), true);
      await talkedToTheBot(t, people.admin);
      await tailspinReservation(t);
      await t.delivered();
      await retryEveryAttempt(short);
      const [failure] = (await logEntries(t)).filter((e) => e.operation === Operation.DeliverMessage);
      expect(failure).to.deep.include({ outcome: 'Refused', customerId: tailspinId, target: 'purchase notice of order O-1001 to the personal chat of admin-1' });
      expect(failure!.reason?.code).to.equal(ErrorCode.DeliveryFailed);
      expect(messenger.texts).to.deep.equal([]);
    });
  });

  describe('cards kept up to date', () => {
    it('a card decided while its first delivery was in flight is brought up to date once it is sent', async () => {
      const messenger = new HeldMessenger();
      t = await openTestStore(requestWorld(), messenger);
      try {
        await talkedToTheBot(t, people.admin, tailspinOwner);
        await askToCancel();
        await messenger.started; // the worker is sending the approval card, built while the request was pending
        const { view } = await decide(t, 'REQ-1001', 'Approved', people.admin2);
        expect(view.request.copies, 'no copy yet to update').to.deep.equal([]);
        messenger.release();
        await t.delivered();
        expect(messenger.requestCards.map((c) => ({ to: recipient(c.to), state: c.state }))).to.deep.equal([{ to: '29:admin-1', state: 'Pending' }]);
        const copy: CardCopy = { audience: 'approver', reference: chatOf(people.admin), activityId: 'sent-1' };
        expect((await t.store.request('REQ-1001'))!.copies).to.deep.equal([copy]);
        expect(messenger.updates).to.deep.equal([{ copy, requestId: 'REQ-1001', state: 'Approved' }]);
        expect(messenger.texts.map((m) => m.to), 'the customer is told the outcome').to.deep.equal([chatOf(tailspinOwner)]);
        expect((await t.store.deliveriesAbout('REQ-1001')).map((d: Delivery) => d.state)).to.deep.equal(['Sent', 'Sent', 'Sent']);
      } finally {
        messenger.release();
      }
    });

    it('copies in different chats that got the same activity id (Teams numbers a chat\'s messages by the millisecond) are each updated in their own chat', async () => {
      const messenger = new SameActivityId();
      t = await openTestStore(requestWorld(), messenger);
      await talkedToTheBot(t, people.admin, people.admin2);
      await askToCancel();
      await t.delivered();
      const copies = (await t.store.request('REQ-1001'))!.copies;
      expect(copies.map((c) => [recipient(c.reference), c.activityId]).sort()).to.deep.equal([
        ['29:admin-1', '1700000000000'],
        ['29:admin-2', '1700000000000'],
      ]);
      await decide(t, 'REQ-1001', 'Approved');
      await t.delivered();
      expect(messenger.updates.map((u) => recipient(u.copy.reference)).sort(), 'one update in each chat').to.deep.equal(['29:admin-1', '29:admin-2']);
    });

    it('a card still waiting for its retry when the request is decided is sent as the request is then: decided', async () => {
      const messenger = new FailingMessenger(1, ['requestCard']);
      t = await openTestStore(requestWorld(), messenger);
      await talkedToTheBot(t, people.admin, tailspinOwner);
      await askToCancel();
      await t.delivered();
      expect((await approvalCards())[0]).to.deep.include({ state: 'Pending', attempts: 1 });
      await t.services.requests.withdraw(await personOf(t.services, tailspinOwner), 'REQ-1001');
      t.clock.advance(deliveryPolicy.firstRetryMs);
      await t.delivered();
      expect(messenger.requestCards.map((c) => c.state)).to.deep.equal(['Withdrawn']);
      expect((await approvalCards())[0]).to.deep.include({ state: 'Sent', attempts: 2 });
      expect(messenger.updates.every((u) => u.state === 'Withdrawn')).to.equal(true);
    });
  });
});
