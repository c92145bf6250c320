import { expect } from 'chai';
import { TestAdapter, type Activity } from 'botbuilder';
import { ReservationsBot } from '../../bot/reservationsBot.ts';
import type { ChangeRequest, LogEntry } from '../../data/schemas.ts';
import { Operation } from '../../services/operations.ts';
import { botAccount, messageFrom } from '../helpers/activities.ts';
import { tailspinOwner } from '../helpers/buying.ts';
import { allOrders } from '../helpers/storeRecords.ts';
import { requestWorld, tailspinReservation, talkedToTheBot } from '../helpers/requesting.ts';
import { executeActions, shownText } from '../helpers/shown.ts';
import { contosoId, openTestStore, people, personOf, tailspinId, type TestStore, type TestUser } from '../helpers/testWorld.ts';
import { turns } from '../helpers/turns.ts';
import { expectValidCard } from '../helpers/validateCard.ts';

const tia = tailspinOwner;
const channelId = '19:abc@thread.tacv2';
const day = 86_400_000;

/** The form's "Send request" data as Teams sends it back: the button's data merged with the inputs. */
const cancelForm = { reservationId: 'R-1001', kind: 'Cancel' };
const exchangeForm = { reservationId: 'R-1001', kind: 'Exchange', offer: 'Standard_D4s_v5|eastus|P1Y', quantity: '1' };

/** The buttons a person can click on a card, without the Universal Actions refresh (which Teams runs, not the person). */
const buttons = (card: unknown) => executeActions(card).filter((a) => a.verb !== 'request.refresh').map((a) => a.title);

describe('change request turns (TestAdapter, R15–R18)', () => {
  let t: TestStore;
  let bot: ReturnType<typeof turns>;
  beforeEach(async () => {
    t = await openTestStore(requestWorld());
    // Tia buys R-1001 (2 × Standard_D2s_v5 eastus 1 year, USD 1,200.00) on 2026-01-31 10:00 UTC; the clock stays there.
    expect(await tailspinReservation(t)).to.equal('R-1001');
    bot = turns(t.services);
  });
  afterEach(() => t.dispose());

  /** What the bot last sent `user` in their personal chat instead of where they asked (R20). */
  const privately = (user: TestUser) => bot.privateChat.sent.filter((s) => s.person.userId === user.userId).at(-1)?.replies.map(shownText).join('\n---\n');
  const said = async (user: TestUser, text: string) => (await bot.say(user, text)).map(shownText).join('\n---\n');
  const cardOf = async (user: TestUser, text: string) => {
    const replies = await bot.say(user, text);
    expect(replies, `one card in answer to "${text}"`).to.have.length(1);
    const card = replies[0]!.attachments?.[0]?.content as Record<string, unknown> | undefined;
    expect(card, `"${text}" answers with a card: ${replies.map(shownText).join()}`).to.not.equal(undefined);
    return card!;
  };
  const newest = async (n = 1): Promise<LogEntry[]> => t.services.activity.read(await personOf(t.services, people.admin), {}, n);
  const requests = (): Promise<ChangeRequest[]> => t.store.requests();
  const request = (id = 'REQ-1001') => t.store.request(id);
  const r1001 = async () => (await t.store.reservation('R-1001'))!;
  /** What the bot's delivery worker sends after the answers (request cards, updates, texts), sent now. */
  const delivered = () => t.delivered();
  /** Tia clicks "Send request" on a cancel form kept as message `replyToId`. */
  const tiaAsksToCancel = (replyToId?: string) => bot.click(tia, 'request.create', cancelForm, replyToId);

  /** A message typed in a Teams channel thread (mentioning the bot), through a TestAdapter of its own. */
  async function sayInChannel(user: TestUser, text: string, conversationType: 'channel' | 'groupChat' = 'channel'): Promise<Partial<Activity>[]> {
    const adapter = new TestAdapter((context) => new ReservationsBot(t.services, bot.privateChat).run(context));
    const mention = `<at>${botAccount.name}</at>`;
    const conversation = conversationType === 'channel' ? { id: `${channelId};messageid=123`, isGroup: true } : { id: '19:group-chat@thread.v2', isGroup: true };
    await adapter.processActivity({
      ...messageFrom(user, `${mention} ${text}`),
      conversation: { ...conversation, conversationType, tenantId: user.tenantId, name: '' },
      entities: [{ type: 'mention', mentioned: botAccount, text: mention }],
      channelData: { tenant: { id: user.tenantId }, ...(conversationType === 'channel' ? { channel: { id: channelId }, team: { id: '19:team@thread.tacv2' } } : {}) },
    });
    return adapter.activeQueue.splice(0) as Partial<Activity>[];
  }

  describe('typing a change (R15)', () => {
    /** [who, says, the reply must match, the reply must not match] */
    const table: [string, TestUser, string, RegExp[], RegExp[]][] = [
      [
        'cancel opens the cancel form with the refund estimate and the allowance left',
        tia,
        'cancel R-1001',
        [/Ask to cancel R-1001/, /Refund estimate: USD 1,200\.00 \(365 of 365 days unused, as of 2026-01-31\)/, /Refund allowance left: USD 50,000\.00 of USD 50,000\.00/, /no early-termination fee/, /\[Send request\]/],
        [],
      ],
      ['exchange works in lower case, with the credit and the minimum value', tia, 'exchange r-1001', [/Ask to exchange R-1001/, /Credit: USD 1,200\.00/, /must be at least the credit, USD 1,200\.00/, /\[Send request\]/], []],
      ['renew <reservation> on opens the auto-renew form', tia, 'renew R-1001 on', [/Ask to change auto-renew of R-1001/, /Auto-renew: Off/, /\[Send request\]/], []],
      ['renew with a word that is neither on nor off shows usage', tia, 'renew R-1001 maybe', [/say on or off/, /Usage: \*\*renew\*\* \*reservation\* \[on\|off\]/], [/Ask to change/]],
      ['scope opens the scope form', tia, 'scope R-1001', [/Ask to change the scope of R-1001/, /Scope: Shared/, /\[Send request\]/], []],
      ['cancel without a reservation gets usage and an example', tia, 'cancel', [/name the reservation, such as R-1001/, /Usage: \*\*cancel\*\* \*reservation\*/, /For example: `cancel R-1001`/], [/Ask to cancel/]],
      ['cancel with a second word that is not a number of units gets a friendly error, not a form', tia, 'cancel R-1001 now', [/I didn't understand that: say how many units to return as a number, such as `cancel R-1001 2`/, /Usage: \*\*cancel\*\* \*reservation\* \[units\]/], [/Ask to cancel/, /Send request/]],
      ['cancel with a word too many after the units gets a friendly error, not a form', tia, 'cancel R-1001 1 now', [/I didn't understand that: say the reservation and, to return only some of its units, how many, such as `cancel R-1001 2`/], [/Ask to cancel/, /Send request/]],
      ['cancel of a reservation she does not have says so and suggests `reservations`', tia, 'cancel R-9999', [/You have no reservation "R-9999"/, /Type `reservations` to see yours/], [/Send request/]],
      ['another customer\'s user learns nothing of Tailspin\'s reservation (R19)', people.contosoOwner, 'cancel R-1001', [/You have no reservation "R-1001"/], [/Tailspin/, /Standard_D2s_v5|Virtual Machines/, /1,200/, /Send request/]],
      ['an Admin Agent is told that customers ask and Admin Agents decide', people.admin, 'cancel R-1001', [/asked for by the customer's own users and decided by Test Partner's Admin Agents/, /`requests`/], [/Send request/, /Refund/]],
      ['a Sales Agent is told the same', people.sales, 'exchange R-1001', [/asked for by the customer's own users and decided by Test Partner's Admin Agents/], [/Send request/, /Credit/]],
      [
        'help for a customer user lists the change commands, requests and withdraw',
        tia,
        'help',
        [/^- \*\*cancel\*\* \*reservation\* \[units\] — /m, /^- \*\*exchange\*\* \*reservation\* \[\*more reservations\*\] — /m, /^- \*\*renew\*\* \*reservation\* \[on\|off\] — /m, /^- \*\*scope\*\* \*reservation\* — /m, /^- \*\*requests\*\*/m, /^- \*\*request\*\* \*id\* — /m, /^- \*\*withdraw\*\* \*request\* — /m],
        [/\*\*settings/],
      ],
      ['help for an Admin Agent lists requests and request but not the change commands', people.admin, 'help', [/^- \*\*requests\*\*/m, /^- \*\*request\*\* \*id\*/m, /^- \*\*settings\*\* \[/m], [/\*\*cancel/, /\*\*exchange/, /\*\*renew/, /\*\*scope/, /\*\*withdraw/]],
      ['help for a Sales Agent lists requests and request but not cancel', people.sales, 'help', [/^- \*\*requests\*\*/m, /^- \*\*request\*\* \*id\*/m], [/\*\*cancel/, /\*\*withdraw/]],
      ['request without an id gets usage', people.admin, 'request', [/name the request, such as REQ-1001/, /Usage: \*\*request\*\* \*id\*/], []],
      ['request of an unknown id says it is not found (customer user)', tia, 'request REQ-9', [/There is no request "REQ-9" for your account/, /`requests`/], []],
      ['request of an unknown id says it is not found (agent)', people.admin, 'request REQ-9', [/There is no request "REQ-9"\. Type `requests`/], []],
      ['withdraw without an id gets usage', tia, 'withdraw', [/name the request, such as REQ-1001/, /Usage: \*\*withdraw\*\* \*request\*/], []],
      ['requests before any is asked says how to ask (customer user)', tia, 'requests', [/No requests yet\. To ask for a change, type `reservations`/], []],
    ];
    for (const [title, user, text, must, mustNot] of table) {
      it(title, async () => {
        const reply = await said(user, text);
        for (const re of must) expect(reply).to.match(re);
        for (const re of mustNot) expect(reply).not.to.match(re);
      });
    }

    it('the form\'s Send request button carries the reservation and the kind; renew <r> on preselects On', async () => {
      for (const [text, kind] of [['cancel R-1001', 'Cancel'], ['exchange r-1001', 'Exchange'], ['renew R-1001 on', 'Renew'], ['scope R-1001', 'Scope']] as const) {
        const card = await cardOf(tia, text);
        expectValidCard(card);
        expect(executeActions(card), text).to.deep.equal([{ title: 'Send request', verb: 'request.create', data: { reservationId: 'R-1001', kind } }]);
      }
      const renew = await cardOf(tia, 'renew R-1001 on');
      const inputs = (renew.body as { id?: string; value?: unknown }[]).filter((e) => e.id);
      expect(inputs.find((e) => e.id === 'autoRenew')?.value).to.equal('on');
    });

    it('the exchange and scope forms start with nothing chosen, so Send request cannot ask for what the reservation already is: the card asks to choose', async () => {
      for (const [text, id, prompt] of [['exchange R-1001', 'offer', 'Choose the new product, region and term'], ['scope R-1001', 'scope', 'Choose the scope']] as const) {
        const card = await cardOf(tia, text);
        const choice = (card.body as { id?: string }[]).find((e) => e.id === id)!;
        expect(choice, text).to.deep.include({ type: 'Input.ChoiceSet', isRequired: true, placeholder: prompt, errorMessage: `${prompt}.` });
        expect(choice, text).not.to.have.property('value');
      }
    });

    it('(R14) a resource-group name the server refuses is shown right under its box on the form, not in a banner', async () => {
      const { card } = await bot.click(tia, 'request.create', { reservationId: 'R-1001', kind: 'Scope', scope: 'rg|sub-tailspin-plan', resourceGroup: 'rg-web.' });
      const body = card.body as { type: string; id?: string; style?: string; value?: unknown }[];
      const box = body.findIndex((e) => e.id === 'resourceGroup');
      expect(body[box]).to.deep.include({ value: 'rg-web.' });
      expect(body[box + 1]).to.deep.include({ type: 'TextBlock', color: 'Attention', text: '"rg-web." is not a valid resource group name. A resource group name has 1 to 90 letters, digits, underscores, hyphens, periods and parentheses, and does not end in a period.' });
      expect(body.filter((e) => e.type === 'Container'), 'no banner at the top').to.deep.equal([]);
      expect(await requests()).to.deep.equal([]);
      expect((await newest())[0]).to.deep.include({ operation: Operation.RequestChange, outcome: 'Refused' });
    });

    it('typing a change asks nothing yet: no request is stored and nothing is logged', async () => {
      const before = await t.services.activity.size();
      await bot.say(tia, 'cancel R-1001');
      await bot.say(tia, 'exchange R-1001');
      expect(await requests()).to.deep.equal([]);
      expect(await t.services.activity.size()).to.equal(before);
    });

    for (const agent of [people.admin, people.sales, people.helpdesk]) {
      it(`${agent.name}'s typed attempt reaches the service and is logged as 'Request Reservation Change' Refused (R18)`, async () => {
        const before = await t.services.activity.size();
        await bot.say(agent, 'cancel R-1001');
        expect(await t.services.activity.size()).to.equal(before + 1);
        expect((await newest())[0]).to.deep.include({ operation: Operation.RequestChange, outcome: 'Refused', target: 'cancel R-1001' });
        expect((await newest())[0]!.actor).to.deep.include({ userId: agent.userId });
        expect(await requests()).to.deep.equal([]);
      });
    }

    it('another customer\'s attempt is logged against their own customer, not Tailspin (R18, R19)', async () => {
      await bot.say(people.contosoOwner, 'cancel R-1001');
      expect((await newest())[0]).to.deep.include({ operation: Operation.RequestChange, outcome: 'Refused', customerId: contosoId });
    });
  });

  describe('clicking Send request (request.create)', () => {
    it('creates REQ-1001 from the form\'s data; the answer is the request card with Withdraw, kept as the customer\'s copy (R15, R18)', async () => {
      await talkedToTheBot(t, people.admin);
      const form = await cardOf(tia, 'cancel R-1001');
      const [send] = executeActions(form);
      const { status, card } = await bot.click(tia, send!.verb, { ...send!.data, comment: 'We moved this workload to containers.' }, 'card-msg-1');
      expect(status).to.equal(200);
      expectValidCard(card);
      const shown = shownText(card);
      expect(shown).to.match(/Cancel request REQ-1001/);
      expect(shown).to.match(/Sent to Test Partner's Admin Agents as REQ-1001\. You will be told here when it is decided\./);
      expect(shown).to.match(/Waiting for a decision by an Admin Agent/);
      expect(shown).to.match(/Refund \(estimate as of 2026-01-31\): USD 1,200\.00/);
      expect(shown).to.match(/Comment: We moved this workload to containers\./);
      expect(buttons(card)).to.deep.equal(['Withdraw request']);
      expect(executeActions(card)[0]).to.deep.include({ verb: 'request.withdraw', data: { requestId: 'REQ-1001' } });

      const stored = (await request())!;
      expect(stored).to.deep.include({ customerId: tailspinId, reservationId: 'R-1001', state: 'Pending', change: { kind: 'Cancel' }, comment: 'We moved this workload to containers.' });
      expect(stored.expiresAt).to.equal('2026-02-07T10:00:00.000Z');
      expect(stored.copies).to.have.length(1);
      expect(stored.copies[0]).to.deep.include({ audience: 'requester', activityId: 'card-msg-1' });
      expect((stored.copies[0]!.reference.conversation as { id: string }).id).to.equal(`a:personal-${tia.userId}`);
      expect((await newest())[0]).to.deep.include({ operation: Operation.RequestChange, outcome: 'Succeeded', customerId: tailspinId, target: 'REQ-1001: cancel R-1001' });
    });

    it('when no Admin Agent has a chat with the bot, the answer says the request is kept but nobody could be told; it waits in their list, and once one writes to the bot the next request reaches them', async () => {
      const { status, card } = await tiaAsksToCancel('card-msg-1');
      expect(status).to.equal(200);
      expect(shownText(card)).to.include(
        "Kept as REQ-1001, but none of Test Partner's Admin Agents has a chat with this bot yet, so nobody could be told: it waits in their list of requests. Let your contact at Test Partner know. You will be told here when it is decided.",
      );
      expect(shownText(card)).not.to.match(/Sent to/);
      expect(buttons(card)).to.deep.equal(['Withdraw request']);
      expect((await request())!.state).to.equal('Pending');
      await delivered();
      expect(t.messenger.requestCards, 'no card was sent to anyone').to.deep.equal([]);
      expect(await said(people.admin, 'requests')).to.match(/\*\*REQ-1001\*\* · Cancel · Pending · Tailspin Toys/);

      await bot.say(people.admin, 'help');
      await bot.click(tia, 'request.withdraw', { requestId: 'REQ-1001' }, 'card-msg-1');
      const again = await tiaAsksToCancel('card-msg-2');
      expect(shownText(again.card)).to.include("Sent to Test Partner's Admin Agents as REQ-1002. You will be told here when it is decided.");
      await delivered();
      expect(t.messenger.requestCards.map((c) => [c.audience, c.requestId, (c.to.conversation as { id: string }).id])).to.deep.equal([['approver', 'REQ-1002', `a:personal-${people.admin.userId}`]]);
    });

    it('without the clicked message\'s id, no customer copy is kept; Admin Agents who talk to the bot get the approval card', async () => {
      await talkedToTheBot(t, people.admin, people.admin2);
      await tiaAsksToCancel();
      await delivered();
      expect((await request())!.copies.filter((c) => c.audience === 'requester')).to.deep.equal([]);
      expect(t.messenger.requestCards.map((c) => [c.audience, c.requestId, c.news])).to.deep.equal([
        ['approver', 'REQ-1001', 'new'],
        ['approver', 'REQ-1001', 'new'],
      ]);
      expect((await request())!.copies.map((c) => c.audience)).to.deep.equal(['approver', 'approver']);
    });

    /** [what, who clicks, the data, the answer must match, the operation logged as Refused] */
    const forged: [string, TestUser, Record<string, unknown>, RegExp, string][] = [
      ['an unknown kind', tia, { reservationId: 'R-1001', kind: 'Delete' }, /card's data is not what I expected/, Operation.CardAction],
      ['an exchange without the offer', tia, { reservationId: 'R-1001', kind: 'Exchange', quantity: '2' }, /card's data is not what I expected/, Operation.CardAction],
      ['an offer that is not sku|region|term', tia, { ...exchangeForm, offer: 'Standard_D4s_v5' }, /card's data is not what I expected/, Operation.CardAction],
      ['auto-renew that is neither on nor off', tia, { reservationId: 'R-1001', kind: 'Renew', autoRenew: 'yes' }, /card's data is not what I expected/, Operation.CardAction],
      ['a scope that is none of the forms', tia, { reservationId: 'R-1001', kind: 'Scope', scope: 'everywhere' }, /card's data is not what I expected/, Operation.CardAction],
      ['a comment over 500 characters', tia, { ...cancelForm, comment: 'x'.repeat(501) }, /card's data is not what I expected/, Operation.CardAction],
      ['a reservation id that is not a string', tia, { reservationId: 1001, kind: 'Cancel' }, /card's data is not what I expected/, Operation.CardAction],
      ['another customer\'s user naming Tailspin\'s reservation', people.contosoOwner, cancelForm, /You have no reservation "R-1001"/, Operation.RequestChange],
      ['a reservation Tia does not have', tia, { ...cancelForm, reservationId: 'R-9999' }, /You have no reservation "R-9999"/, Operation.RequestChange],
      ['an Admin Agent sending a request', people.admin, cancelForm, /asked for by the customer's own users and decided by Test Partner's Admin Agents/, Operation.RequestChange],
      ['a Help Desk Agent sending a request', people.helpdesk, exchangeForm, /asked for by the customer's own users/, Operation.RequestChange],
    ];
    for (const [what, user, data, message, operation] of forged) {
      it(`a forged Send request is refused, stores nothing and is logged: ${what} (R18)`, async () => {
        const before = await t.services.activity.size();
        const { status, card } = await bot.click(user, 'request.create', data, 'card-msg-1');
        expect(status).to.equal(200);
        expect(shownText(card)).to.match(message);
        expect(buttons(card)).to.deep.equal([]);
        if (user !== tia) expect(shownText(card)).not.to.match(/Tailspin|1,200/);
        expect(await requests()).to.deep.equal([]);
        expect(await t.services.activity.size()).to.equal(before + 1);
        expect((await newest())[0]).to.deep.include({ operation, outcome: 'Refused' });
      });
    }

    it('an exchange below the credit shows the form again, as filled in, with the reason; nothing is stored (R17)', async () => {
      const before = await t.services.activity.size();
      const { card } = await bot.click(tia, 'request.create', { ...exchangeForm, offer: 'Standard_D2s_v5|eastus|P1Y', quantity: '1', comment: 'smaller please' });
      const shown = shownText(card);
      expect(shown).to.match(/Ask to exchange R-1001/);
      expect(shown).to.match(/The new reservation's total commitment \(1 × USD 600\.00 = USD 600\.00\) must be at least the credit from R-1001 \(USD 1,200\.00\)/);
      expect(buttons(card)).to.deep.equal(['Send request']);
      const inputs = Object.fromEntries((card.body as { id?: string; value?: unknown }[]).filter((e) => e.id).map((e) => [e.id, e.value]));
      expect(inputs).to.include({ offer: 'Standard_D2s_v5|eastus|P1Y', quantity: 1, comment: 'smaller please' });
      expect(await requests()).to.deep.equal([]);
      expect(await t.services.activity.size()).to.equal(before + 1);
      expect((await newest())[0]).to.deep.include({ operation: Operation.RequestChange, outcome: 'Refused', target: 'exchange R-1001' });
    });

    /** Service refusals on a well-formed form: the form again with the reason. */
    const refusedForms: [string, Record<string, unknown>, RegExp][] = [
      ['an exchange to another product type', { ...exchangeForm, offer: 'SQLDB_GP_2vCore|eastus|P1Y' }, /An exchange stays within one product type/],
      ['an exchange to an unpriced term', { ...exchangeForm, offer: 'Standard_D2s_v5|eastus|P3Y', quantity: '2' }, /Test Partner has no price for Standard_D2s_v5 in eastus for 3 years/],
      ['an exchange quantity of 0', { ...exchangeForm, quantity: '0' }, /The quantity must be a whole number from 1 to 1000; "0" is not/],
      ['a scope it already has', { reservationId: 'R-1001', kind: 'Scope', scope: 'shared' }, /The scope of R-1001 is already "Shared", so there is nothing to ask/],
      ['a scope naming another customer\'s subscription', { reservationId: 'R-1001', kind: 'Scope', scope: 'single|sub-contoso-plan' }, /"sub-contoso-plan" is not one of Tailspin Toys' active Azure subscriptions/],
      ['auto-renew off while it is off', { reservationId: 'R-1001', kind: 'Renew', autoRenew: 'off' }, /Auto-renew of R-1001 is already off, so there is nothing to ask/],
    ];
    for (const [what, data, reason] of refusedForms) {
      it(`a refused request shows the form again with the reason: ${what}`, async () => {
        const { card } = await bot.click(tia, 'request.create', data);
        expect(shownText(card)).to.match(reason);
        expect(buttons(card)).to.deep.equal(['Send request']);
        expect(shownText(card)).not.to.match(/Contoso/);
        expect(await requests()).to.deep.equal([]);
        expect((await newest())[0]).to.deep.include({ operation: Operation.RequestChange, outcome: 'Refused' });
      });
    }

    it('a second Send request while one is pending asks nothing more and names the pending one', async () => {
      await tiaAsksToCancel('card-msg-1');
      const { card } = await bot.click(tia, 'request.create', exchangeForm, 'card-msg-2');
      expect(shownText(card)).to.match(/R-1001 already has a request waiting for a decision: REQ-1001 \(cancel\)/);
      expect(shownText(card)).to.match(/`withdraw REQ-1001`/);
      expect((await requests()).map((r) => r.id)).to.deep.equal(['REQ-1001']);
      expect(await said(tia, 'cancel R-1001')).to.match(/already has a request waiting for a decision: REQ-1001/);
    });

    it('two Send request clicks at the same moment make one request', async () => {
      await talkedToTheBot(t, people.admin);
      const other = turns(t.services);
      const answers = await Promise.all([tiaAsksToCancel('card-msg-1'), other.click(tia, 'request.create', cancelForm, 'card-msg-1')]);
      const made = await requests();
      expect(made, 'one request').to.have.length(1);
      // Its number: REQ-1001, or on PostgreSQL the one the click that won drew while both were under way (REQ-1002).
      expect(made[0]!.id).to.match(/^REQ-100[12]$/);
      expect(answers.map((a) => shownText(a.card)).filter((s) => s.includes(`Sent to Test Partner's Admin Agents as ${made[0]!.id}`))).to.have.length(1);
      expect((await newest(5)).filter((e) => e.operation === Operation.RequestChange && e.outcome === 'Succeeded')).to.have.length(1);
    });
  });

  describe('requests and request <id>', () => {
    beforeEach(async () => {
      await tiaAsksToCancel('card-msg-1');
    });

    const table: [string, TestUser, string, RegExp[], RegExp[]][] = [
      ['requests for Tia lists her request as Pending, without a customer column', tia, 'requests', [/1 waiting for a decision · 1 request in all/, /\*\*REQ-1001\*\* · Cancel · Pending$/m, /cancel R-1001 · asked by Tia Owner/, /\[Open REQ-1001\]/], []],
      ['requests for the Admin Agent lists it with the customer\'s name', people.admin, 'requests', [/\*\*REQ-1001\*\* · Cancel · Pending · Tailspin Toys/, /expires 2026-02-07 10:00 UTC/], []],
      ['requests for another customer\'s user shows none of Tailspin\'s', people.contosoOwner, 'requests', [/No requests yet/], [/REQ-1001/, /Tailspin/]],
      ['request <id> is not case-sensitive', people.admin, 'request req-1001', [/Cancel request REQ-1001/, /\[Approve\]/], []],
      ['request <id> of another customer\'s request is not found for a customer user', people.contosoOwner, 'request REQ-1001', [/There is no request "REQ-1001" for your account/], [/Tailspin/, /R-1001\b/]],
    ];
    for (const [title, user, text, must, mustNot] of table) {
      it(title, async () => {
        const reply = await said(user, text);
        for (const re of must) expect(reply).to.match(re);
        for (const re of mustNot) expect(reply).not.to.match(re);
      });
    }

    it('request REQ-1001: Approve and Reject… for the Admin Agent, no buttons for Sales and Help Desk, Withdraw for Tia', async () => {
      const admin = await cardOf(people.admin, 'request REQ-1001');
      expectValidCard(admin);
      expect(shownText(admin)).to.match(/\[Approve\]\n\[Reject…\]/);
      expect(executeActions(admin).filter((a) => a.verb !== 'request.refresh')).to.deep.equal([
        { title: 'Approve', verb: 'request.approve', data: { requestId: 'REQ-1001' } },
        { title: 'Reject', verb: 'request.reject', data: { requestId: 'REQ-1001' } },
      ]);
      for (const reader of [people.sales, people.helpdesk]) {
        const card = await cardOf(reader, 'request REQ-1001');
        expect(shownText(card), reader.name).to.match(/Waiting for a decision by an Admin Agent/);
        expect(buttons(card), reader.name).to.deep.equal([]);
        expect(shownText(card)).not.to.match(/\[Reject…\]/);
      }
      const mine = await cardOf(tia, 'request REQ-1001');
      expect(buttons(mine)).to.deep.equal(['Withdraw request']);
    });
  });

  describe('deciding: request.approve and request.reject (R16, R17)', () => {
    beforeEach(async () => {
      await talkedToTheBot(t, tia);
      await tiaAsksToCancel('card-msg-1');
    });

    for (const [who, user, reason] of [
      ['a Sales Agent', people.sales, /Only Admin Agents of Test Partner can approve or reject change requests\. You are a Sales Agent/],
      ['a Help Desk Agent', people.helpdesk, /Only Admin Agents of Test Partner can approve or reject change requests\. You are a Help Desk Agent/],
      ['Tia (who asked for the change)', tia, /Only Test Partner can approve or reject change requests/],
    ] as const) {
      it(`a forged Approve by ${who} is refused with the reason on the card, logged, and the request stays Pending`, async () => {
        const before = await t.services.activity.size();
        const { card } = await bot.click(user, 'request.approve', { requestId: 'REQ-1001' });
        expect(shownText(card)).to.match(reason);
        expect(shownText(card)).to.match(/Waiting for a decision by an Admin Agent/);
        expect(buttons(card)).not.to.include('Approve');
        expect(await t.services.activity.size()).to.equal(before + 1);
        expect((await newest())[0]).to.deep.include({ operation: Operation.ApproveRequest, outcome: 'Refused', customerId: tailspinId });
        expect((await request())!.state).to.equal('Pending');
        expect((await r1001()).status).to.equal('Active');
      });
    }

    it('another customer\'s forged Approve is refused and tells nothing of the request', async () => {
      const { card } = await bot.click(people.contosoOwner, 'request.approve', { requestId: 'REQ-1001' });
      expect(shownText(card)).to.match(/^Not changed/);
      expect(shownText(card)).not.to.match(/Tailspin|R-1001|1,200/);
      expect((await newest())[0]).to.deep.include({ operation: Operation.ApproveRequest, outcome: 'Refused', customerId: contosoId });
      expect((await request())!.state).to.equal('Pending');
    });

    it('Ada approves: the card says so with no buttons, R-1001 is cancelled with a refund; Tia is told; again changes nothing; Abe is told who decided', async () => {
      const { status, card } = await bot.click(people.admin, 'request.approve', { requestId: 'REQ-1001' });
      expect(status).to.equal(200);
      expectValidCard(card);
      expect(shownText(card)).to.match(/Approved by Ada Admin on 2026-01-31 10:00 UTC\. R-1001 is cancelled; refund USD 1,200\.00 in order O-1002\./);
      expect(executeActions(card)).to.deep.equal([]);
      expect(await r1001()).to.deep.include({ status: 'Cancelled' });
      expect(await request()).to.deep.include({ state: 'Approved' });
      expect((await request())!.closedBy).to.deep.include({ userId: people.admin.userId, name: 'Ada Admin' });
      const [carried, approved] = await newest(2);
      expect(approved).to.deep.include({ operation: Operation.ApproveRequest, outcome: 'Succeeded', customerId: tailspinId });
      expect(carried).to.deep.include({ operation: Operation.CancelReservation, outcome: 'Succeeded', customerId: tailspinId });
      // R16: the person who asked is told the outcome, and her copy of the card shows it, once the worker has sent them.
      await delivered();
      expect(t.messenger.requestCards.filter((c) => c.audience === 'requester'), 'no second card').to.deep.equal([]);
      expect(t.messenger.texts.map((m) => m.text)).to.deep.equal(['REQ-1001 (cancel R-1001): Approved by Ada Admin on 2026-01-31 10:00 UTC. R-1001 is cancelled; refund USD 1,200.00 in order O-1002.']);
      expect(t.messenger.updates.map((u) => [u.copy.activityId, u.state])).to.deep.include(['card-msg-1', 'Approved']);

      const size = await t.services.activity.size();
      const orders = (await allOrders(t.store)).length;
      const again = await bot.click(people.admin, 'request.approve', { requestId: 'REQ-1001' });
      expect(shownText(again.card)).to.match(/You already approved this request on 2026-01-31 10:00 UTC; nothing more was changed\./);
      expect(executeActions(again.card)).to.deep.equal([]);
      expect(await t.services.activity.size()).to.equal(size);
      expect((await allOrders(t.store)).length).to.equal(orders);

      const abe = await bot.click(people.admin2, 'request.approve', { requestId: 'REQ-1001' });
      expect(shownText(abe.card)).to.match(/Ada Admin already approved this request on 2026-01-31 10:00 UTC, so your click changed nothing\./);
      const abeRejects = await bot.click(people.admin2, 'request.reject', { requestId: 'REQ-1001', reason: 'Too late' });
      expect(shownText(abeRejects.card)).to.match(/Ada Admin already approved this request/);
      expect(await request()).to.deep.include({ state: 'Approved' });
      expect((await request())!.closedBy).to.deep.include({ userId: people.admin.userId });
      expect((await request())!.reason).to.equal(undefined);
      expect((await allOrders(t.store)).length).to.equal(orders);
      expect(await said(tia, 'requests')).to.match(/\*\*REQ-1001\*\* · Cancel · Approved[\s\S]*approved by Ada Admin/);
    });

    it('two Admin Agents deciding at the same moment: exactly one decision counts (R16)', async () => {
      const other = turns(t.services);
      await Promise.all([bot.click(people.admin, 'request.approve', { requestId: 'REQ-1001' }), other.click(people.admin2, 'request.approve', { requestId: 'REQ-1001' })]);
      const entries = await newest(20);
      expect(entries.filter((e) => e.operation === Operation.ApproveRequest && e.outcome === 'Succeeded')).to.have.length(1);
      expect(entries.filter((e) => e.operation === Operation.CancelReservation)).to.have.length(1);
      // The purchase and one refund. On PostgreSQL both approvals drew a number before one of them lost: the refund
      // has the winner's, O-1002 or O-1003.
      const orders = await allOrders(t.store);
      expect(orders.map((o) => o.type)).to.deep.equal(['Purchase', 'Refund']);
      expect(orders[0]!.id).to.equal('O-1001');
      expect(orders[1]!.id).to.match(/^O-100[23]$/);
    });

    for (const [what, data] of [
      ['without a reason', { requestId: 'REQ-1001' }],
      ['with a blank reason', { requestId: 'REQ-1001', reason: '   ' }],
    ] as const) {
      it(`Reject ${what} is refused, saying why; the request stays Pending with its buttons`, async () => {
        const { card } = await bot.click(people.admin, 'request.reject', data);
        expect(shownText(card)).to.match(/Say why you reject the request \(up to 500 characters\): the customer sees the reason\. Nothing was changed\./);
        expect(buttons(card)).to.deep.equal(['Approve', 'Reject']);
        expect((await request())!.state).to.equal('Pending');
        expect((await newest())[0]).to.deep.include({ operation: Operation.RejectRequest, outcome: 'Refused' });
      });
    }

    it('a reason over 500 characters is refused as forged data', async () => {
      const { card } = await bot.click(people.admin, 'request.reject', { requestId: 'REQ-1001', reason: 'x'.repeat(501) });
      expect(shownText(card)).to.match(/card's data is not what I expected/);
      expect((await request())!.state).to.equal('Pending');
      expect((await newest())[0]).to.deep.include({ operation: Operation.CardAction, outcome: 'Refused' });
    });

    it('Reject with a reason: the card shows who rejected and why; the reservation is unchanged; Tia is told', async () => {
      const { card } = await bot.click(people.admin, 'request.reject', { requestId: 'REQ-1001', reason: 'Keep it until the migration is done.' });
      expect(shownText(card)).to.match(/Rejected by Ada Admin on 2026-01-31 10:00 UTC\./);
      expect(shownText(card)).to.match(/Reason: Keep it until the migration is done\./);
      expect(executeActions(card)).to.deep.equal([]);
      expect(await request()).to.deep.include({ state: 'Rejected', reason: 'Keep it until the migration is done.' });
      expect((await r1001()).status).to.equal('Active');
      expect((await newest())[0]).to.deep.include({ operation: Operation.RejectRequest, outcome: 'Succeeded' });
      await delivered();
      expect(t.messenger.texts.map((m) => m.text)).to.deep.equal(['REQ-1001 (cancel R-1001): Rejected by Ada Admin on 2026-01-31 10:00 UTC. Reason: Keep it until the migration is done.']);
      const approve = await bot.click(people.admin2, 'request.approve', { requestId: 'REQ-1001' });
      expect(shownText(approve.card)).to.match(/Ada Admin already rejected this request/);
      expect((await r1001()).status).to.equal('Active');
    });

    it('approving an exchange carries it out: R-1001 is exchanged for a new reservation', async () => {
      await talkedToTheBot(t, people.admin);
      await bot.click(tia, 'request.withdraw', { requestId: 'REQ-1001' });
      const asked = await bot.click(tia, 'request.create', exchangeForm);
      expect(shownText(asked.card)).to.match(/Sent to Test Partner's Admin Agents as REQ-1002/);
      const { card } = await bot.click(people.admin, 'request.approve', { requestId: 'REQ-1002' });
      expect(shownText(card)).to.match(/R-1001 is exchanged for R-1002 \(order O-1002\); credit USD 1,200\.00, new total USD 1,200\.00\./);
      expect((await r1001()).status).to.equal('Exchanged');
    });

    it('(R17) an approval that would now pass the refund cap tells the Admin Agent why and to reject it, not the customer\'s next step', async () => {
      await tailspinReservation(t, '2026-01-31', 40); // R-1002, USD 24,000.00
      await tailspinReservation(t, '2026-01-31', 50); // R-1003, USD 30,000.00
      await bot.click(tia, 'request.create', { reservationId: 'R-1002', kind: 'Cancel' }); // REQ-1002
      await bot.click(tia, 'request.create', { reservationId: 'R-1003', kind: 'Cancel' }); // REQ-1003
      await bot.click(people.admin, 'request.approve', { requestId: 'REQ-1002' });
      const { card } = await bot.click(people.admin, 'request.approve', { requestId: 'REQ-1003' });
      const shown = shownText(card);
      expect(shown).to.match(/A refund of USD 30,000\.00 would pass the refund cap of USD 50,000\.00[\s\S]*only USD 26,000\.00 more can be refunded/);
      expect((await request('REQ-1003'))!.state).to.equal('Pending');
      expect((await t.store.reservation('R-1003'))!.status).to.equal('Active');
      expect((await newest())[0]).to.deep.include({ operation: Operation.ApproveRequest, outcome: 'Refused' });
      // The approver asked nothing and cannot type `exchange` (agents are refused): the advice is the customer's.
      expect(shown).not.to.match(/Nothing was asked/);
      expect(shown).not.to.match(/type `exchange` with the reservation's id to ask for one/);
      expect(shown).to.match(/the request is still pending: reject it, saying why/);
    });

    it('(R17) an exchange approval refused after a price cut tells the Admin Agent why and to reject it, not to choose a larger quantity', async () => {
      await bot.click(tia, 'request.withdraw', { requestId: 'REQ-1001' });
      await bot.click(tia, 'request.create', exchangeForm); // REQ-1002: 1 × Standard_D4s_v5 eastus 1 year, USD 1,200.00 = the credit
      expect(await said(people.admin, 'price Standard_D4s_v5 eastus 1y 1100')).to.match(/now costs customers USD 1,100\.00/);
      const { card } = await bot.click(people.admin, 'request.approve', { requestId: 'REQ-1002' });
      const shown = shownText(card);
      expect(shown).to.match(/\(1 × USD 1,100\.00 = USD 1,100\.00\) must be at least the credit from R-1001 \(USD 1,200\.00\)/);
      expect((await request('REQ-1002'))!.state).to.equal('Pending');
      expect((await r1001()).status).to.equal('Active');
      expect(shown).not.to.match(/Nothing was asked/);
      expect(shown).not.to.match(/Choose a larger quantity, a longer term or a bigger product/);
      expect(shown).to.match(/the request is still pending: reject it, saying why/);
    });

    it('an approval after the request expired changes nothing and says it expired', async () => {
      t.clock.advance(7 * day);
      const { card } = await bot.click(people.admin, 'request.approve', { requestId: 'REQ-1001' });
      expect(shownText(card)).to.match(/This request expired on 2026-02-07 10:00 UTC without a decision, so nothing was changed/);
      expect((await request())!.state).to.equal('Expired');
      expect((await r1001()).status).to.equal('Active');
    });
  });

  describe('request.refresh (Universal Actions)', () => {
    beforeEach(async () => {
      await tiaAsksToCancel('card-msg-1');
    });

    it('answers each viewer with their own view: Approve and Reject for Ada, Withdraw for Tia, read-only for Sales; logs nothing', async () => {
      const before = await t.services.activity.size();
      const ada = await bot.click(people.admin, 'request.refresh', { requestId: 'REQ-1001' });
      expect(buttons(ada.card)).to.deep.equal(['Approve', 'Reject']);
      const abe = await bot.click(people.admin2, 'request.refresh', { requestId: 'REQ-1001' });
      expect(buttons(abe.card)).to.deep.equal(['Approve', 'Reject']);
      const mine = await bot.click(tia, 'request.refresh', { requestId: 'REQ-1001' });
      expect(buttons(mine.card)).to.deep.equal(['Withdraw request']);
      for (const reader of [people.sales, people.helpdesk]) {
        const { card } = await bot.click(reader, 'request.refresh', { requestId: 'REQ-1001' });
        expect(shownText(card)).to.match(/Cancel request REQ-1001/);
        expect(buttons(card), reader.name).to.deep.equal([]);
      }
      expect(await t.services.activity.size()).to.equal(before);
    });

    it('another customer\'s user gets "Not available", with nothing of the request', async () => {
      const { card } = await bot.click(people.contosoOwner, 'request.refresh', { requestId: 'REQ-1001' });
      expect(shownText(card)).to.match(/^Not available\nThere is no request "REQ-1001" for your account/);
      expect(shownText(card)).not.to.match(/Tailspin|R-1001\b|1,200/);
    });

    it('a decided request refreshes without buttons for everyone', async () => {
      await bot.click(people.admin, 'request.approve', { requestId: 'REQ-1001' });
      for (const user of [people.admin, people.admin2, tia, people.sales]) {
        const { card } = await bot.click(user, 'request.refresh', { requestId: 'REQ-1001' });
        expect(shownText(card), user.name).to.match(/Approved by Ada Admin/);
        expect(executeActions(card), user.name).to.deep.equal([]);
      }
    });
  });

  describe('withdrawing', () => {
    beforeEach(async () => {
      await talkedToTheBot(t, people.admin);
      await tiaAsksToCancel('card-msg-1');
      // Ada's approval card reaches her (as sent-1), as the worker sends it right after the answer.
      await delivered();
    });

    it('Tia types `withdraw REQ-1001`: withdrawn, every copy updated, logged; she can ask again', async () => {
      const reply = await said(tia, 'withdraw REQ-1001');
      expect(reply).to.match(/Withdrawn: REQ-1001 will not be decided\./);
      expect(reply).to.match(/Withdrawn by Tia Owner on 2026-01-31 10:00 UTC\. Nothing was changed\./);
      expect(reply).not.to.match(/\[Withdraw request\]/);
      expect(await request()).to.deep.include({ state: 'Withdrawn' });
      expect((await r1001()).status).to.equal('Active');
      expect((await newest())[0]).to.deep.include({ operation: Operation.WithdrawRequest, outcome: 'Succeeded', customerId: tailspinId, target: 'REQ-1001' });
      await delivered();
      expect(t.messenger.updates.map((u) => [u.copy.audience, u.copy.activityId, u.state])).to.have.deep.members([
        ['requester', 'card-msg-1', 'Withdrawn'],
        ['approver', 'sent-1', 'Withdrawn'],
      ]);
      expect(await said(tia, 'withdraw req-1001')).to.match(/Tia Owner withdrew this request on 2026-01-31 10:00 UTC, so nothing was changed/);
      const again = await tiaAsksToCancel('card-msg-2');
      expect(shownText(again.card)).to.match(/as REQ-1002/);
      const approve = await bot.click(people.admin, 'request.approve', { requestId: 'REQ-1001' });
      expect(shownText(approve.card)).to.match(/Tia Owner withdrew this request/);
      expect((await r1001()).status).to.equal('Active');
    });

    it('the Withdraw request button does the same', async () => {
      const { card } = await bot.click(tia, 'request.withdraw', { requestId: 'REQ-1001' }, 'card-msg-1');
      expect(shownText(card)).to.match(/Withdrawn: REQ-1001 will not be decided\. Every copy of this card now says so\./);
      expect(executeActions(card)).to.deep.equal([]);
      expect((await request())!.state).to.equal('Withdrawn');
    });

    for (const agent of [people.admin, people.sales]) {
      it(`${agent.name} typing withdraw is refused and logged; the request stays Pending`, async () => {
        const reply = await said(agent, 'withdraw REQ-1001');
        expect(reply).to.match(/Only the customer's users can withdraw their request\. Test Partner's Admin Agents reject a request instead, saying why\./);
        expect((await request())!.state).to.equal('Pending');
        expect((await newest())[0]).to.deep.include({ operation: Operation.WithdrawRequest, outcome: 'Refused' });
      });
    }

    it('another customer\'s user cannot withdraw it and learns nothing of it', async () => {
      const reply = await said(people.contosoOwner, 'withdraw REQ-1001');
      expect(reply).to.match(/There is no request "REQ-1001" for your account/);
      expect(reply).not.to.match(/Tailspin/);
      expect((await request())!.state).to.equal('Pending');
      expect((await newest())[0]).to.deep.include({ operation: Operation.WithdrawRequest, outcome: 'Refused', customerId: contosoId });
    });

    it('an Admin Agent\'s click on Withdraw is refused on the card', async () => {
      const { card } = await bot.click(people.admin, 'request.withdraw', { requestId: 'REQ-1001' });
      expect(shownText(card)).to.match(/Only the customer's users can withdraw their request/);
      expect(buttons(card)).to.deep.equal(['Approve', 'Reject']);
      expect((await request())!.state).to.equal('Pending');
    });
  });

  describe('settings: approvals channel and request expiry', () => {
    it('`settings approvals-channel` typed by Ada in a personal chat is refused, saying how to do it; logged', async () => {
      const reply = await said(people.admin, 'settings approvals-channel');
      expect(reply).to.match(/Type `settings approvals-channel` in the Teams channel that should get the approval cards \(mention the bot there\)/);
      expect((await t.services.settings.current()).approvalsChannel).to.equal(undefined);
      expect((await newest())[0]).to.deep.include({ operation: Operation.ChangePartnerSettings, outcome: 'Refused', target: 'Approvals channel' });
    });

    it('typed in a group chat it is refused too; the refusal goes to Ada privately (R20: settings are for agents)', async () => {
      const replies = await sayInChannel(people.admin, 'settings approvals-channel', 'groupChat');
      expect(replies.map(shownText).join()).to.match(/Ada Admin, I sent my answer to you in our personal chat/);
      expect(privately(people.admin)).to.match(/Type `settings approvals-channel` in the Teams channel/);
      expect((await t.services.settings.current()).approvalsChannel).to.equal(undefined);
    });

    it('typed by Ada in a channel thread, it keeps the channel without the thread\'s ;messageid; new requests copy it there; off clears it', async () => {
      const replies = await sayInChannel(people.admin, 'settings approvals-channel');
      const reply = replies.map(shownText).join('\n');
      expect(reply).to.match(/This channel now gets a copy of every change request's approval card\./);
      expect(reply).to.match(/Approvals channel: Set by Ada Admin on 2026-01-31 10:00 UTC/);
      const channel = (await t.services.settings.current()).approvalsChannel;
      expect(channel).to.deep.include({ setBy: 'Ada Admin', setAt: '2026-01-31T10:00:00.000Z' });
      const conversation = channel!.reference.conversation as { id: string; conversationType: string };
      expect(conversation.id).to.equal(channelId);
      expect(conversation.id).not.to.include(';messageid');
      expect(conversation.conversationType).to.equal('channel');
      expect((await newest())[0]).to.deep.include({ operation: Operation.ChangePartnerSettings, outcome: 'Succeeded', target: 'Approvals channel' });

      const size = await t.services.activity.size();
      expect((await sayInChannel(people.admin, 'settings approvals-channel')).map(shownText).join()).to.match(/nothing changed/);
      expect(await t.services.activity.size()).to.equal(size);

      await tiaAsksToCancel('card-msg-1');
      await delivered();
      const toChannel = t.messenger.requestCards.filter((c) => (c.to.conversation as { id: string }).id === channelId);
      expect(toChannel.map((c) => [c.audience, c.requestId])).to.deep.equal([['observer', 'REQ-1001']]);

      const off = await said(people.admin, 'settings approvals-channel off');
      expect(off).to.match(/Approval cards no longer go to a channel\./);
      expect(off).to.match(/Approvals channel: None/);
      expect((await t.services.settings.current()).approvalsChannel).to.equal(undefined);
    });

    it('`settings approvals-channel off` with none set says nothing changed, and logs nothing', async () => {
      const size = await t.services.activity.size();
      const reply = await said(people.admin, 'settings approvals-channel off');
      expect(reply).to.match(/Approvals channel: None/);
      expect(await t.services.activity.size()).to.equal(size);
      expect(reply).to.match(/nothing changed/);
      // Today: "Approval cards no longer go to a channel. (It already did; nothing changed.)" — "it already did" reads as if
      // cards did go to a channel; compare "Purchase notifications were already off; nothing changed."
      expect(reply).not.to.match(/It already did/);
    });

    it('a Sales Agent can neither set nor clear the approvals channel; both attempts are logged', async () => {
      await sayInChannel(people.sales, 'settings approvals-channel');
      expect(privately(people.sales)).to.match(/Only Admin Agents of Test Partner can change the bot's settings/);
      expect((await t.services.settings.current()).approvalsChannel).to.equal(undefined);
      expect((await newest())[0]).to.deep.include({ operation: Operation.ChangePartnerSettings, outcome: 'Refused' });
      await sayInChannel(people.admin, 'settings approvals-channel');
      expect(await said(people.sales, 'settings approvals-channel off')).to.match(/Only Admin Agents of Test Partner can change the bot's settings/);
      expect((await t.services.settings.current()).approvalsChannel).to.not.equal(undefined);
      expect((await newest())[0]).to.deep.include({ operation: Operation.ChangePartnerSettings, outcome: 'Refused' });
    });

    it('`settings request-expiry 3` sets 3 days for requests made from then on; the settings card shows it', async () => {
      const reply = await said(people.admin, 'settings request-expiry 3');
      expect(reply).to.match(/Change requests made from now on expire after 3 days without a decision\./);
      expect(reply).to.match(/Request expiry: 3 days without a decision/);
      expect((await t.services.settings.current()).requestLifetimeDays).to.equal(3);
      expect((await newest())[0]).to.deep.include({ operation: Operation.ChangePartnerSettings, outcome: 'Succeeded', target: 'Request expiry' });
      expect(await said(people.sales, 'settings')).to.match(/Request expiry: 3 days without a decision[\s\S]*Only Admin Agents can change settings/);
      expect(await said(tia, 'cancel R-1001')).to.match(/If nobody does within 3 days, the request expires/);
      await tiaAsksToCancel();
      expect((await request())!.expiresAt).to.equal('2026-02-03T10:00:00.000Z');
    });

    for (const days of ['0', '91', 'three', '2.5', '-1']) {
      it(`\`settings request-expiry ${days}\` is refused and logged; the expiry stays 7 days`, async () => {
        expect(await said(people.admin, `settings request-expiry ${days}`)).to.match(new RegExp(`whole number of days from 1 to 90, such as \`settings request-expiry 7\`; "${days.replace('.', '\\.')}" is not`));
        expect((await t.services.settings.current()).requestLifetimeDays).to.equal(7);
        expect((await newest())[0]).to.deep.include({ operation: Operation.ChangePartnerSettings, outcome: 'Refused', target: 'Request expiry' });
      });
    }

    it('a Sales Agent cannot change the request expiry', async () => {
      expect(await said(people.sales, 'settings request-expiry 3')).to.match(/Only Admin Agents of Test Partner can change the bot's settings/);
      expect((await t.services.settings.current()).requestLifetimeDays).to.equal(7);
    });
  });

  describe('reservations and their change buttons', () => {
    it('Tia sees the four change buttons under R-1001, each typing its command', async () => {
      const card = await cardOf(tia, 'reservations');
      const actions: { title: string; data: { command: string } }[] = [];
      const walk = (node: unknown): void => {
        if (Array.isArray(node)) return node.forEach(walk);
        if (!node || typeof node !== 'object') return;
        const n = node as Record<string, unknown>;
        if (n.type === 'Action.Submit') actions.push({ title: String(n.title), data: n.data as { command: string } });
        Object.values(n).forEach(walk);
      };
      walk(card);
      expect(actions).to.deep.equal([
        { title: 'Exchange', data: { command: 'exchange R-1001' } },
        { title: 'Cancel', data: { command: 'cancel R-1001' } },
        { title: 'Turn auto-renew on', data: { command: 'renew R-1001 on' } },
        { title: 'Change scope', data: { command: 'scope R-1001' } },
      ]);
      const clicked = (await bot.submit(tia, actions[1]!.data)).map(shownText).join();
      expect(clicked).to.match(/Ask to cancel R-1001[\s\S]*Refund estimate: USD 1,200\.00/);
    });

    it('an Admin Agent sees Tailspin\'s reservations without change buttons', async () => {
      const card = await cardOf(people.admin, 'reservations tailspin');
      expect(shownText(card)).to.match(/\*\*R-1001\*\*/);
      expect(shownText(card)).not.to.match(/\[Exchange\]|\[Cancel\]|\[Change scope\]|auto-renew on\]/);
    });

    it('once R-1001 is cancelled, Tia gets no change buttons under it', async () => {
      await tiaAsksToCancel();
      await bot.click(people.admin, 'request.approve', { requestId: 'REQ-1001' });
      const shown = shownText(await cardOf(tia, 'reservations'));
      expect(shown).to.match(/\*\*R-1001\*\*[^\n]*Cancelled/);
      expect(shown).not.to.match(/\[Exchange\]|\[Cancel\]|\[Change scope\]/);
      expect(await said(tia, 'cancel R-1001')).to.match(/R-1001 was cancelled on 2026-01-31, so it can no longer be changed/);
    });
  });
});
