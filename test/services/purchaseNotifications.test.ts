import { expect } from 'chai';
import type { Conversation } from '../../data/schemas.ts';
import { Operation } from '../../services/operations.ts';
import type { PurchaseNotice } from '../../services/messenger.ts';
import { RecordingMessenger } from '../helpers/recordingMessenger.ts';
import { buy, everything, logEntries, tailspinOwner } from '../helpers/buying.ts';
import { fabrikamId, openTestStore, people, personOf, tailspinId, testWorld, type TestStore, type TestUser } from '../helpers/testWorld.ts';

/** Fails for admin-1 the way `fail` says, and records what it sends to anyone else. */
class FailingForAdmin1 extends RecordingMessenger {
  constructor(private readonly fail: 'rejects' | 'throws') {
    super();
  }

  override sendPurchaseNotice(conversation: Conversation, notice: PurchaseNotice): Promise<void> {
    if (conversation.userId === 'admin-1') {
      if (this.fail === 'throws') throw new Error('connector down');
      return Promise.reject(new Error('connector down'));
    }
    this.sent.push({ conversation, notice });
    return Promise.resolve();
  }
}

describe('purchase notifications (R12, through purchases.confirm)', () => {
  let t: TestStore;
  afterEach(() => t?.dispose());

  /** Stores a personal-chat reference for each of these people, as the bot does when they write to it. */
  const talkedToTheBot = async (...users: TestUser[]) => {
    for (const user of users) await t.services.conversations.remember(personOf(t.services, user), { conversation: { id: `chat-${user.userId}` } });
  };
  const notificationsOn = () => t.services.settings.setPurchaseNotifications(personOf(t.services, people.admin), true);
  const recipients = (sent: { conversation: Conversation }[]) => sent.map((s) => s.conversation.userId).sort();

  describe('with the recording messenger', () => {
    beforeEach(async () => {
      t = await openTestStore();
    });

    it('(R12) with the setting off (the default) nobody is told, yet the purchase is in the log', async () => {
      await talkedToTheBot(people.admin, people.admin2);
      const { order } = await buy(t, tailspinOwner, tailspinId);
      expect(t.services.settings.current().purchaseNotifications).to.equal(false);
      expect(t.messenger.sent).to.deep.equal([]);
      const [newest] = await logEntries(t);
      expect(newest).to.deep.include({ operation: Operation.PurchaseReservation, outcome: 'Succeeded', customerId: tailspinId });
      expect(newest!.after).to.deep.include({ order: order.id });
    });

    it('(R12) with the setting on, every Admin Agent with a stored conversation is told, once, in that conversation; the Sales Agent never', async () => {
      await notificationsOn();
      await talkedToTheBot(people.admin, people.admin2, people.sales, people.helpdesk, tailspinOwner);
      const { order, reservation } = await buy(t, tailspinOwner, tailspinId);
      expect(recipients(t.messenger.sent)).to.deep.equal(['admin-1', 'admin-2']);
      for (const { conversation, notice } of t.messenger.sent) {
        expect(conversation.reference).to.deep.equal({ conversation: { id: `chat-${conversation.userId}` } });
        expect(notice.customer.id).to.equal(tailspinId);
        expect(notice.order).to.deep.equal(order);
        expect(notice.reservation).to.deep.equal(reservation);
      }
    });

    it('(R12) an Admin Agent who never talked to the bot is not told (there is nowhere to write)', async () => {
      await notificationsOn();
      await talkedToTheBot(people.admin2);
      await buy(t, tailspinOwner, tailspinId);
      expect(recipients(t.messenger.sent)).to.deep.equal(['admin-2']);
    });

    it('(R12) the notice goes to the newest conversation an Admin Agent had', async () => {
      await notificationsOn();
      await talkedToTheBot(people.admin);
      await t.services.conversations.remember(personOf(t.services, people.admin), { conversation: { id: 'newer-chat' } });
      await buy(t, tailspinOwner, tailspinId);
      expect(t.messenger.sent.map((s) => s.conversation.reference)).to.deep.equal([{ conversation: { id: 'newer-chat' } }]);
    });

    it('(R12) confirming an already bought quote again sends no second notice', async () => {
      await notificationsOn();
      await talkedToTheBot(people.admin);
      const first = await buy(t, tailspinOwner, tailspinId);
      await t.services.purchases.confirm(personOf(t.services, tailspinOwner), first.order.quoteId!);
      expect(t.messenger.sent).to.have.length(1);
    });

    for (const agent of ['sales', 'admin'] as const) {
      it(`(R12) a purchase a ${agent} agent makes on a customer's behalf sends no notice`, async () => {
        await notificationsOn();
        await talkedToTheBot(people.admin, people.admin2);
        await buy(t, people[agent], fabrikamId, { billingSubscriptionId: 'sub-fabrikam-plan' });
        expect(everything(t).orders).to.equal(1);
        expect(t.messenger.sent).to.deep.equal([]);
      });
    }
  });

  for (const fail of ['rejects', 'throws'] as const) {
    it(`(R12) a messenger that ${fail} for one Admin Agent does not fail the purchase; the other is still told`, async () => {
      const messenger = new FailingForAdmin1(fail);
      t = await openTestStore(testWorld(), messenger);
      await notificationsOn();
      await talkedToTheBot(people.admin, people.admin2);
      const errors: string[] = [];
      const consoleError = console.error;
      console.error = (...args: unknown[]) => void errors.push(args.join(' '));
      try {
        const purchase = await buy(t, tailspinOwner, tailspinId);
        expect(purchase.alreadyBought).to.equal(false);
      } finally {
        console.error = consoleError;
      }
      expect(everything(t)).to.deep.equal({ reservations: 1, orders: 1 });
      expect((await logEntries(t))[0]).to.deep.include({ operation: Operation.PurchaseReservation, outcome: 'Succeeded' });
      expect(recipients(messenger.sent)).to.deep.equal(['admin-2']);
      expect(errors.join('\n')).to.match(/admin-1.*O-1001.*connector down/);
    });
  }
});
