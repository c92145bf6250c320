import { expect } from 'chai';
import { ErrorCode } from '../../services/codedError.ts';
import { deliveryPolicy } from '../../services/deliveryWorker.ts';
import type { ConversationReference, PurchaseNotice } from '../../services/messenger.ts';
import { Operation } from '../../services/operations.ts';
import { HeldMessenger, RecordingMessenger } from '../helpers/recordingMessenger.ts';
import { buy, everything, logEntries, tailspinOwner } from '../helpers/buying.ts';
import { fabrikamId, openTestStore, pendingDeliveries, people, personOf, tailspinId, testWorld, type TestStore, type TestUser } from '../helpers/testWorld.ts';

/** The chat a stored reference points at: `chat-<userId>` for the chats talkedToTheBot stores here. */
const chatIdOf = (to: ConversationReference) => (to.conversation as { id: string }).id;

/** Fails for admin-1's chat the way `fail` says, and records what it sends to anyone else. */
class FailingForAdmin1 extends RecordingMessenger {
  constructor(private readonly fail: 'rejects' | 'throws') {
    super();
  }

  override sendPurchaseNotice(to: ConversationReference, notice: PurchaseNotice): Promise<void> {
    if (chatIdOf(to) === 'chat-admin-1') {
      if (this.fail === 'throws') throw new Error('connector down');
      return Promise.reject(new Error('connector down'));
    }
    this.sent.push({ to, notice });
    return Promise.resolve();
  }
}

describe('purchase notifications (R12, through purchases.confirm and the outbox)', () => {
  let t: TestStore;
  afterEach(() => t?.dispose());

  /** Stores a personal-chat reference for each of these people, as the bot does when they write to it. */
  const talkedToTheBot = async (...users: TestUser[]) => {
    for (const user of users) await t.services.conversations.remember(await personOf(t.services, user), { conversation: { id: `chat-${user.userId}` } });
  };
  const notificationsOn = async () => t.services.settings.setPurchaseNotifications(await personOf(t.services, people.admin), true);
  /** Whose chats the notices went to, by the user id in the chat's id. */
  const recipients = (sent: { to: ConversationReference }[]) => sent.map((s) => chatIdOf(s.to).replace(/^chat-/, '')).sort();

  describe('with the recording messenger', () => {
    beforeEach(async () => {
      t = await openTestStore();
    });

    it('(R12) with the setting off (the default) nobody is told, yet the purchase is in the log', async () => {
      await talkedToTheBot(people.admin, people.admin2);
      const { order } = await buy(t, tailspinOwner, tailspinId);
      await t.delivered();
      expect((await t.services.settings.current()).purchaseNotifications).to.equal(false);
      expect(t.messenger.sent).to.deep.equal([]);
      expect(await pendingDeliveries(t.store), 'nothing in the outbox').to.deep.equal([]);
      const [newest] = await logEntries(t);
      expect(newest).to.deep.include({ operation: Operation.PurchaseReservation, outcome: 'Succeeded', customerId: tailspinId });
      expect(newest!.after).to.deep.include({ order: order.id });
    });

    it('(R12) with the setting on, every Admin Agent with a stored conversation is told, once, in that conversation; the Sales Agent never', async () => {
      await notificationsOn();
      await talkedToTheBot(people.admin, people.admin2, people.sales, people.helpdesk, tailspinOwner);
      const { order, reservation } = await buy(t, tailspinOwner, tailspinId);
      expect(await t.delivered()).to.equal(2);
      expect(recipients(t.messenger.sent)).to.deep.equal(['admin-1', 'admin-2']);
      // Each went to the conversation stored for that Admin Agent.
      const kept = await Promise.all([people.admin, people.admin2].map(async (admin) => (await t.store.conversation(admin.tenantId, admin.userId))!.reference));
      expect(kept).to.deep.equal([{ conversation: { id: 'chat-admin-1' } }, { conversation: { id: 'chat-admin-2' } }]);
      expect(t.messenger.sent.map((s) => s.to)).to.have.deep.members(kept);
      for (const { notice } of t.messenger.sent) {
        expect(notice.customer.id).to.equal(tailspinId);
        expect(notice.order).to.deep.equal(order);
        expect(notice.reservation).to.deep.equal(reservation);
      }
      expect(await t.delivered(), 'each notice is sent once').to.equal(0);
      expect(t.messenger.sent).to.have.length(2);
    });

    it('(R12) the notice is in the outbox when the purchase answers, and sent after it: Pending, then Sent', async () => {
      const messenger = new HeldMessenger();
      const held = await openTestStore(testWorld(), messenger);
      try {
        await held.services.settings.setPurchaseNotifications(await personOf(held.services, people.admin), true);
        await held.services.conversations.remember(await personOf(held.services, people.admin), { conversation: { id: 'chat-admin-1' } });
        const { order } = await buy(held, tailspinOwner, tailspinId);
        const [pending, ...more] = await pendingDeliveries(held.store);
        expect(more).to.deep.equal([]);
        expect(pending).to.deep.include({ state: 'Pending', to: { reference: { conversation: { id: 'chat-admin-1' } }, tenantId: people.admin.tenantId, userId: 'admin-1' } });
        expect(pending!.message).to.deep.equal({ kind: 'purchaseNotice', customerId: tailspinId, orderId: order.id });
        expect(messenger.sent, 'nothing sent before the answer').to.deep.equal([]);
        messenger.release();
        await held.delivered();
        expect(recipients(messenger.sent)).to.deep.equal(['admin-1']);
        expect(await held.store.delivery(pending!.id)).to.deep.include({ state: 'Sent', doneAt: held.clock().toISOString() });
        expect(await pendingDeliveries(held.store)).to.deep.equal([]);
      } finally {
        messenger.release();
        await held.dispose();
      }
    });

    it('(R12) an Admin Agent who never talked to the bot is not told (there is nowhere to write)', async () => {
      await notificationsOn();
      await talkedToTheBot(people.admin2);
      await buy(t, tailspinOwner, tailspinId);
      await t.delivered();
      expect(recipients(t.messenger.sent)).to.deep.equal(['admin-2']);
    });

    it('(R12) the notice goes to the newest conversation an Admin Agent had', async () => {
      await notificationsOn();
      await talkedToTheBot(people.admin);
      await t.services.conversations.remember(await personOf(t.services, people.admin), { conversation: { id: 'newer-chat' } });
      await buy(t, tailspinOwner, tailspinId);
      await t.delivered();
      expect(t.messenger.sent.map((s) => s.to)).to.deep.equal([{ conversation: { id: 'newer-chat' } }]);
    });

    it('(R12) confirming an already bought quote again sends no second notice', async () => {
      await notificationsOn();
      await talkedToTheBot(people.admin);
      const first = await buy(t, tailspinOwner, tailspinId);
      await t.services.purchases.confirm(await personOf(t.services, tailspinOwner), first.order.quoteId!);
      await t.delivered();
      expect(t.messenger.sent).to.have.length(1);
    });

    for (const agent of ['sales', 'admin'] as const) {
      it(`(R12) a purchase a ${agent} agent makes on a customer's behalf sends no notice`, async () => {
        await notificationsOn();
        await talkedToTheBot(people.admin, people.admin2);
        await buy(t, people[agent], fabrikamId, { billingSubscriptionId: 'sub-fabrikam-plan' });
        await t.delivered();
        expect((await everything(t)).orders).to.equal(1);
        expect(t.messenger.sent).to.deep.equal([]);
        expect(await pendingDeliveries(t.store)).to.deep.equal([]);
      });
    }
  });

  for (const fail of ['rejects', 'throws'] as const) {
    it(`(R12) a messenger that ${fail} for one Admin Agent does not fail the purchase; the other is still told; the failure is retried, then logged naming the chat, the order and why`, async () => {
      const messenger = new FailingForAdmin1(fail);
      t = await openTestStore(testWorld(), messenger);
      await notificationsOn();
      await talkedToTheBot(people.admin, people.admin2);
      const purchase = await buy(t, tailspinOwner, tailspinId);
      expect(purchase.alreadyBought).to.equal(false);
      await t.delivered();
      expect(await everything(t)).to.deep.equal({ reservations: 1, orders: 1 });
      expect((await logEntries(t))[0]).to.deep.include({ operation: Operation.PurchaseReservation, outcome: 'Succeeded' });
      expect(recipients(messenger.sent)).to.deep.equal(['admin-2']);
      const [retrying] = await pendingDeliveries(t.store);
      expect(retrying).to.deep.include({ state: 'Pending', attempts: 1, lastError: 'connector down' });
      expect(retrying!.to.userId).to.equal('admin-1');
      expect(retrying!.message).to.deep.include({ kind: 'purchaseNotice', orderId: 'O-1001' });

      // Every later attempt fails too: the last one is logged (R18), as the console was told before the outbox.
      for (let attempt = 1; attempt < deliveryPolicy.attempts; attempt++) {
        t.clock.advance(Math.min(deliveryPolicy.firstRetryMs * 2 ** (attempt - 1), deliveryPolicy.longestRetryMs));
        await t.delivered();
      }
      expect(await t.store.delivery(retrying!.id)).to.deep.include({ state: 'Failed', attempts: deliveryPolicy.attempts, lastError: 'connector down' });
      const [failed] = await logEntries(t);
      expect(failed).to.deep.include({ operation: Operation.DeliverMessage, outcome: 'Refused', customerId: tailspinId, target: 'purchase notice of order O-1001 to the personal chat of admin-1' });
      expect(failed!.reason).to.deep.equal({ code: ErrorCode.DeliveryFailed, message: `Not delivered after ${deliveryPolicy.attempts} attempts: connector down` });
      expect(`${failed!.target} ${failed!.reason!.message}`).to.match(/O-1001.*admin-1.*connector down/);
      expect(recipients(messenger.sent), 'the other Admin Agent was told once').to.deep.equal(['admin-2']);
    });
  }
});
