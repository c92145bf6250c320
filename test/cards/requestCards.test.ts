import { expect } from 'chai';
import type { AdaptiveCard } from '../../cards/adaptiveCard.ts';
import { listPage } from '../../cards/listPage.ts';
import { ordersCard, ordersPageSize } from '../../cards/ordersCard.ts';
import { requestCard } from '../../cards/requestCard.ts';
import { requestFormCard } from '../../cards/requestFormCard.ts';
import { requestsCard, requestsPageSize, requestsPageVerb } from '../../cards/requestsCard.ts';
import { reservationsCard, reservationsPageSize } from '../../cards/reservationsCard.ts';
import { settingsCard } from '../../cards/settingsCard.ts';
import type { ChangeKind, ChangeRequest, Customer } from '../../data/schemas.ts';
import type { ChangeInput } from '../../services/changeRules.ts';
import type { Audience, RequestView } from '../../services/messenger.ts';
import type { Person } from '../../services/people.ts';
import { sharedScopeCoverage } from '../../services/scope.ts';
import { buy, tailspinOwner } from '../helpers/buying.ts';
import { ask, decide, requestWorld, tailspinReservation, talkedToTheBot } from '../helpers/requesting.ts';
import { executeActions, shownLines, shownText, submitActions } from '../helpers/shown.ts';
import { openTestStore, people, personOf, tailspinId, type TestStore, type TestUser } from '../helpers/testWorld.ts';
import { expectValidCard } from '../helpers/validateCard.ts';

/** R-1001 is bought on 2026-01-31 (2 × USD 600.00, expires 2027-01-31); the requests are asked on 2026-03-01, 336 of its 365 days unused. */
const askedAt = '2026-03-01T12:00:00.000Z';
const decidedAt = '2026-03-02T08:30:00.000Z';
const toD4s: ChangeInput = { kind: 'Exchange', sku: 'Standard_D4s_v5', region: 'eastus', term: 'P1Y', quantity: 1 };
const audiences: Audience[] = ['approver', 'requester', 'observer'];

type Element = { type: string; id?: string; value?: unknown; choices?: { title: string; value: string }[]; [key: string]: unknown };

/** The inputs of a card's body, in order. */
const inputs = (card: AdaptiveCard) => (card.body as Element[]).filter((e) => e.type.startsWith('Input.'));
const input = (card: AdaptiveCard, id: string) => inputs(card).find((e) => e.id === id)!;


/** The card after checking that it is a valid Adaptive Card. */
function valid<T>(card: T): T {
  expectValidCard(card);
  return card;
}

describe('change request cards: valid Adaptive Cards that show what R15–R17 say', () => {
  let t: TestStore;
  let as: (user: TestUser) => Person;
  let reservationId: string;
  beforeEach(async () => {
    t = await openTestStore(requestWorld());
    // The Person each test user is, identified once against the store, so that cards can be built for them.
    const persons = new Map<string, Person>();
    for (const user of [tailspinOwner, people.admin, people.admin2]) persons.set(user.userId, await personOf(t.services, user));
    as = (user) => {
      const person = persons.get(user.userId);
      if (!person) throw new Error(`${user.name} was not identified in beforeEach`);
      return person;
    };
    // Both Admin Agents have a personal chat with the bot, so both can be reached and get the refresh.
    await talkedToTheBot(t, people.admin, people.admin2);
    reservationId = await tailspinReservation(t);
    t.clock.set(askedAt);
  });
  afterEach(() => t.dispose());

  /** The card each audience gets for this view. */
  const cardsFor = (view: RequestView) => Object.fromEntries(audiences.map((audience) => [audience, valid(requestCard({ view, audience }))])) as Record<Audience, AdaptiveCard>;

  describe('the request card while pending', () => {
    it('a cancel: title, waiting banner, who asked and when, the refund estimate with its date, days unused, the allowance, the comment and when it expires (R15, R17)', async () => {
      const view = await ask(t, tailspinOwner, reservationId, { kind: 'Cancel' }, '  Project ended  ');
      const card = valid(requestCard({ view, audience: 'approver', news: 'new' }));
      const lines = shownLines(card);
      expect(lines.slice(0, 3)).to.deep.equal(['Cancel request REQ-1001', 'Tailspin Toys · R-1001 · decided by Test Partner', 'Waiting for a decision by an Admin Agent.']);
      expect(lines).to.include.members([
        'Asked: cancel R-1001',
        'Asked by: Tia Owner (Tailspin Toys) on 2026-03-01 12:00 UTC',
        'Reservation: 2 × Virtual Machines D2s v5 (Standard_D2s_v5) · eastus · 1 year · expires 2027-01-31',
        'Paid: USD 1,200.00',
        'Comment: Project ended',
        // 1,200.00 × 336 / 365 = 1,104.657… → 1,104.66
        'Refund (estimate as of 2026-03-01): USD 1,104.66',
        'Days unused: 336 of 365',
        'Refund allowance before it: USD 50,000.00 left in the rolling 12 months',
        'If nobody decides, the request expires on 2026-03-08 12:00 UTC and the customer is told.',
      ]);
      expect(shownText(card)).not.to.match(/Reminder|Reason/);
      const banner = (card.body as Element[]).find((e) => e.type === 'Container')!;
      expect(banner.style).to.equal('warning');
    });

    it('an exchange: the credit estimate, the new total commitment and what is due beyond the credit (R17)', async () => {
      const view = await ask(t, tailspinOwner, reservationId, toD4s);
      const lines = shownLines(valid(requestCard({ view, audience: 'approver' })));
      expect(lines[0]).to.equal('Exchange request REQ-1001');
      expect(lines).to.include.members([
        'Asked: exchange R-1001 for 1 × Standard_D4s_v5 in eastus for 1 year',
        'Credit (estimate as of 2026-03-01): USD 1,104.66',
        'Days unused: 336 of 365',
        'New total commitment: USD 1,200.00',
        'Due beyond the credit: USD 95.34',
      ]);
      expect(lines.join('\n')).not.to.match(/Refund|Comment/);
    });

    it('auto-renew and scope change: no money figures', async () => {
      const renew = shownLines(valid(requestCard({ view: await ask(t, tailspinOwner, reservationId, { kind: 'Renew', autoRenew: true }), audience: 'observer' })));
      expect(renew).to.include.members(['Auto-renew request REQ-1001', 'Asked: turn auto-renew on for R-1001']);
      expect(renew.join('\n')).not.to.match(/Refund|Credit|Days unused/);
      await t.services.requests.withdraw(as(tailspinOwner), 'REQ-1001');
      const scope = shownLines(valid(requestCard({ view: await ask(t, tailspinOwner, reservationId, { kind: 'Scope', scope: { type: 'Single', subscriptionId: 'sub-tailspin-plan' } }), audience: 'observer' })));
      expect(scope).to.include.members(['Scope change request REQ-1002', 'Asked: change the scope of R-1001 to Single subscription: sub-tailspin-plan']);
    });

    // The buttons do not depend on the kind of change; a cancel and an auto-renew request are both checked.
    for (const change of [{ kind: 'Cancel' }, { kind: 'Renew', autoRenew: true }] satisfies ChangeInput[]) {
      it(`${change.kind.toLowerCase()}: Admin Agents get Approve and Reject… (a required reason), the requester only Withdraw, anyone else no button; the partner's copies refresh for the Admin Agents (R16)`, async () => {
        const view = await ask(t, tailspinOwner, reservationId, change);
        expect(view.approverIds).to.deep.equal(['29:admin-1', '29:admin-2']);
        const cards = cardsFor(view);

        expect(cards.approver.actions).to.have.length(2);
        const [approve, reject] = cards.approver.actions as Record<string, any>[];
        expect(approve).to.deep.include({ type: 'Action.Execute', title: 'Approve', verb: 'request.approve', data: { requestId: 'REQ-1001' } });
        expect(reject).to.deep.include({ type: 'Action.ShowCard', title: 'Reject…' });
        expect(reject!.card.body).to.have.length(1);
        expect(reject!.card.body[0]).to.deep.include({ type: 'Input.Text', id: 'reason', isRequired: true, maxLength: 500 });
        expect(reject!.card.actions).to.have.length(1);
        expect(reject!.card.actions[0]).to.deep.include({ type: 'Action.Execute', verb: 'request.reject', data: { requestId: 'REQ-1001' } });
        // The buttons only: the refresh action is checked below.
        expect(executeActions(cards.approver.actions).map((a) => a.verb)).to.deep.equal(['request.approve', 'request.reject']);

        expect(executeActions(cards.requester.actions)).to.deep.equal([{ title: 'Withdraw request', verb: 'request.withdraw', data: { requestId: 'REQ-1001' } }]);
        expect(shownLines(cards.requester).filter((l) => l.startsWith('['))).to.deep.equal(['[Withdraw request]']);

        expect(cards.observer).not.to.have.property('actions');
        expect(executeActions(cards.observer.body)).to.deep.equal([]);

        for (const audience of ['approver', 'observer'] as const) {
          expect(cards[audience].refresh, audience).to.deep.equal({
            action: { type: 'Action.Execute', title: 'Refresh', verb: 'request.refresh', data: { requestId: 'REQ-1001' } },
            userIds: ['29:admin-1', '29:admin-2'],
          });
        }
      });

      it(`${change.kind.toLowerCase()}: the customer's copy (audience requester) has no refresh and none of the Admin Agents' ids anywhere`, async () => {
        const view = await ask(t, tailspinOwner, reservationId, change);
        expect(view.approverIds).to.deep.equal(['29:admin-1', '29:admin-2']);
        const json = JSON.stringify(cardsFor(view).requester);
        expect(cardsFor(view).requester).not.to.have.property('refresh');
        for (const id of [...view.approverIds, people.admin.userId, people.admin2.userId]) expect(json).not.to.include(id);
      });

      it(`${change.kind.toLowerCase()}: the half-time reminder says it still waits and when it expires; a new request's card has no reminder`, async () => {
        const view = await ask(t, tailspinOwner, reservationId, change);
        const reminder = shownLines(valid(requestCard({ view, audience: 'approver', news: 'reminder' })));
        expect(reminder).to.include('Reminder: this request is still waiting for a decision. It expires on 2026-03-08 12:00 UTC.');
        expect(reminder.indexOf('Reminder: this request is still waiting for a decision. It expires on 2026-03-08 12:00 UTC.')).to.be.lessThan(reminder.indexOf('Waiting for a decision by an Admin Agent.'));
        for (const news of ['new', undefined] as const) {
          expect(shownText(valid(requestCard({ view, audience: 'approver', news })))).not.to.include('Reminder');
        }
      });
    }

    it('shows the outcome of the click that produced it as a banner', async () => {
      const view = await ask(t, tailspinOwner, reservationId, { kind: 'Cancel' });
      const card = valid(requestCard({ view, audience: 'requester', notice: { tone: 'good', text: 'Sent to Test Partner.' } }));
      expect(shownLines(card).slice(2, 4)).to.deep.equal(['Sent to Test Partner.', 'Waiting for a decision by an Admin Agent.']);
    });
  });

  describe('the request card once closed: no buttons for anyone and no refresh', () => {
    const expectClosed = (view: RequestView) => {
      const cards = cardsFor(view);
      for (const audience of audiences) {
        expect(cards[audience], audience).not.to.have.property('actions');
        expect(cards[audience], audience).not.to.have.property('refresh');
        expect(executeActions(cards[audience]), audience).to.deep.equal([]);
        expect(shownText(cards[audience]), audience).not.to.include('If nobody decides');
      }
      // A reminder is never shown on a closed request.
      expect(shownText(valid(requestCard({ view, audience: 'approver', news: 'reminder' })))).not.to.include('Reminder');
      return cards.requester;
    };

    it('an approved cancel: who approved and when, the refund and its order; the figures as of the approval day (R16, R17)', async () => {
      await ask(t, tailspinOwner, reservationId, { kind: 'Cancel' }, 'Project ended');
      t.clock.set(decidedAt);
      const { view } = await decide(t, 'REQ-1001', 'Approved');
      const lines = shownLines(expectClosed(view));
      // 1,200.00 × 335 / 365 = 1,101.369… → 1,101.37
      expect(lines).to.include.members([
        'Approved by Ada Admin on 2026-03-02 08:30 UTC. R-1001 is cancelled; refund USD 1,101.37 in order O-1002.',
        'Asked by: Tia Owner (Tailspin Toys) on 2026-03-01 12:00 UTC',
        'Comment: Project ended',
        'Refund (on 2026-03-02): USD 1,101.37',
        'Days unused: 335 of 365',
      ]);
      expect(lines.join('\n')).not.to.include('estimate');
      expect((cardsFor(view).approver.body as Element[]).find((e) => e.type === 'Container')!.style).to.equal('good');
    });

    it('an approved exchange: the credit, the new total, the new reservation and the order (R17)', async () => {
      await ask(t, tailspinOwner, reservationId, toD4s);
      t.clock.set('2026-03-01T15:00:00.000Z');
      const { view } = await decide(t, 'REQ-1001', 'Approved', people.admin2);
      const lines = shownLines(expectClosed(view));
      expect(lines).to.include.members([
        'Approved by Abe Admin on 2026-03-01 15:00 UTC. R-1001 is exchanged for R-1002 (order O-1002); credit USD 1,104.66, new total USD 1,200.00.',
        'Credit (on 2026-03-01): USD 1,104.66',
        'Days unused: 336 of 365',
        'New total commitment: USD 1,200.00',
        'Due beyond the credit: USD 95.34',
      ]);
    });

    it('an approved auto-renew or scope change says what it set', async () => {
      await ask(t, tailspinOwner, reservationId, { kind: 'Renew', autoRenew: true });
      expect(shownLines(expectClosed((await decide(t, 'REQ-1001', 'Approved')).view))).to.include('Approved by Ada Admin on 2026-03-01 12:00 UTC. Auto-renew of R-1001 is now on.');
      await ask(t, tailspinOwner, reservationId, { kind: 'Scope', scope: { type: 'Single', subscriptionId: 'sub-tailspin-plan' } });
      expect(shownLines(expectClosed((await decide(t, 'REQ-1002', 'Approved')).view))).to.include('Approved by Ada Admin on 2026-03-01 12:00 UTC. The scope of R-1001 is changed.');
    });

    it('a rejected cancel: who rejected, when and why; the estimate stays an estimate', async () => {
      await ask(t, tailspinOwner, reservationId, { kind: 'Cancel' });
      t.clock.set(decidedAt);
      const { view } = await decide(t, 'REQ-1001', 'Rejected', people.admin2, '  Not before the audit  ');
      const lines = shownLines(expectClosed(view));
      expect(lines).to.include.members(['Rejected by Abe Admin on 2026-03-02 08:30 UTC.', 'Reason: Not before the audit', 'Refund (estimate as of 2026-03-01): USD 1,104.66']);
      expect(lines.join('\n')).not.to.match(/cancelled|order O-/);
    });

    it('a withdrawn cancel and an expired exchange: nothing was changed', async () => {
      await ask(t, tailspinOwner, reservationId, { kind: 'Cancel' });
      t.clock.set(decidedAt);
      const withdrawn = await t.services.requests.withdraw(as(tailspinOwner), 'REQ-1001');
      expect(shownLines(expectClosed(withdrawn))).to.include('Withdrawn by Tia Owner on 2026-03-02 08:30 UTC. Nothing was changed.');

      await ask(t, tailspinOwner, reservationId, toD4s);
      t.clock.set('2026-03-09T08:30:00.000Z');
      expect(await t.services.requests.sweep()).to.deep.include({ expired: 1 });
      const expired = await t.services.requests.view(as(people.admin), 'REQ-1002');
      const lines = shownLines(expectClosed(expired));
      expect(lines).to.include('Expired on 2026-03-09 08:30 UTC without a decision. Nothing was changed; ask again if it is still needed.');
      expect(lines).to.include('Credit (estimate as of 2026-03-02): USD 1,101.37');
    });
  });

  describe('the request form', () => {
    const formCard = async (kind: ChangeKind, id = reservationId, ...rest: [Parameters<typeof requestFormCard>[1]?, Parameters<typeof requestFormCard>[2]?]) =>
      valid(requestFormCard(await t.services.requests.form(as(tailspinOwner), id, kind), ...rest));

    it('every kind: the reservation, an optional comment, the expiry note and a Send request button naming the reservation and the kind', async () => {
      const expected: Record<ChangeKind, [string, string[]]> = {
        Cancel: ['Ask to cancel R-1001', ['quantity', 'comment']],
        Exchange: ['Ask to exchange R-1001', ['offer', 'quantity', 'comment']],
        Renew: ['Ask to change auto-renew of R-1001', ['autoRenew', 'comment']],
        Scope: ['Ask to change the scope of R-1001', ['scope', 'resourceGroup', 'comment']],
      };
      for (const kind of ['Cancel', 'Exchange', 'Renew', 'Scope'] as const) {
        const card = await formCard(kind);
        const lines = shownLines(card);
        expect(lines.slice(0, 2), kind).to.deep.equal([expected[kind][0], 'Tailspin Toys · decided by Test Partner']);
        expect(lines, kind).to.include.members([
          'Reservation: 2 × Virtual Machines D2s v5 (Standard_D2s_v5) · eastus · 1 year',
          'Paid: USD 1,200.00',
          'Expires: 2027-01-31',
          'Scope: Shared',
          'Auto-renew: Off',
          "Test Partner's Admin Agents decide. If nobody does within 7 days, the request expires and you are told.",
        ]);
        expect(inputs(card).map((e) => e.id), kind).to.deep.equal(expected[kind][1]);
        expect(input(card, 'comment'), kind).to.deep.include({ type: 'Input.Text', label: 'Note for Test Partner (optional)', isMultiline: true, maxLength: 500 });
        expect(input(card, 'comment'), kind).not.to.have.property('isRequired');
        expect(executeActions(card), kind).to.deep.equal([{ title: 'Send request', verb: 'request.create', data: { reservationId: 'R-1001', kind } }]);
        expect(card).not.to.have.property('refresh');
      }
    });

    it('cancel: the refund estimate as of today and the refund allowance left in any 12 months (R17)', async () => {
      const card = await formCard('Cancel');
      expect(shownLines(card)).to.include.members([
        'Refund estimate: USD 1,104.66 (336 of 365 days unused, as of 2026-03-01)',
        'Counted at: 2 units at USD 600.00, the price paid',
        'Refund allowance left: USD 50,000.00 of USD 50,000.00 in any 12 months',
        "The reservation ends on the day Test Partner approves (returning only some units, it goes on with the rest), and the refund is counted for that day, at the lower of the price paid and Test Partner's price that day, with no early-termination fee.",
      ]);
      // R17: some of its units may be returned; all of them unless the customer says fewer.
      expect(input(card, 'quantity')).to.deep.include({ type: 'Input.Number', label: 'Units to return (of 2)', isRequired: true, min: 1, max: 2, value: 2 });
      expect(input(await formCard('Cancel', reservationId, { quantity: '1' }), 'quantity').value).to.equal(1);
      // A refund counts against the allowance: after R-1001 is refunded USD 1,104.66, the next cancel shows what is left.
      const second = await tailspinReservation(t, '2026-02-01');
      t.clock.set(askedAt);
      await ask(t, tailspinOwner, reservationId, { kind: 'Cancel' });
      await decide(t, 'REQ-1001', 'Approved');
      expect(shownLines(await formCard('Cancel', second))).to.include('Refund allowance left: USD 48,895.34 of USD 50,000.00 in any 12 months');
    });

    it('exchange: the credit, only priced rows of the same product type with none chosen (a prompt, so Send request cannot ask for nothing), the current quantity, and the minimum value (R17)', async () => {
      const card = await formCard('Exchange');
      expect(shownLines(card)).to.include.members([
        'Credit: USD 1,104.66 (336 of 365 days unused, as of 2026-03-01)',
        "Minimum value: the new reservation's total commitment must be at least the credit, USD 1,104.66, plus the credit of any reservation also returned. It starts on the day Test Partner approves, with the same scope, billing subscription and billing plan. Exchanges do not count against the refund cap.",
      ]);
      const offer = input(card, 'offer');
      expect(offer).to.deep.include({ type: 'Input.ChoiceSet', isRequired: true, placeholder: 'Choose the new product, region and term', errorMessage: 'Choose the new product, region and term.', wrap: true });
      expect(offer).not.to.have.property('value');
      // Not SQLDB_GP_2vCore (another product type), not Standard_D2s_v5 eastus 3 years (no partner price).
      expect(offer.choices).to.deep.equal([
        { title: 'Virtual Machines D2s v5 · eastus · 1 year · USD 600.00 per unit', value: 'Standard_D2s_v5|eastus|P1Y' },
        { title: 'Virtual Machines D2s v5 · westeurope · 1 year · USD 650.50 per unit', value: 'Standard_D2s_v5|westeurope|P1Y' },
        { title: 'Virtual Machines D4s v5 · eastus · 1 year · USD 1,200.00 per unit', value: 'Standard_D4s_v5|eastus|P1Y' },
        { title: 'Virtual Machines D4s v5 · eastus · 3 years · USD 3,000.00 per unit', value: 'Standard_D4s_v5|eastus|P3Y' },
      ]);
      expect(JSON.stringify(card)).not.to.match(/SQL|Web Direct|700\.00|1,500/);
      expect(input(card, 'quantity')).to.deep.include({ type: 'Input.Number', isRequired: true, min: 1, value: 2 });

      const three = await tailspinReservation(t, '2026-02-01', 3);
      t.clock.set(askedAt);
      expect(input(await formCard('Exchange', three), 'quantity').value).to.equal(3);
    });

    it('auto-renew: the choice defaults to the opposite of the current flag, or to the value given', async () => {
      const off = await formCard('Renew');
      expect(input(off, 'autoRenew')).to.deep.include({ type: 'Input.ChoiceSet', isRequired: true, value: 'on' });
      expect(input(off, 'autoRenew').choices!.map((c) => c.value)).to.deep.equal(['on', 'off']);
      expect(input(await formCard('Renew', reservationId, { autoRenew: 'off' }), 'autoRenew').value).to.equal('off');

      await ask(t, tailspinOwner, reservationId, { kind: 'Renew', autoRenew: true });
      await decide(t, 'REQ-1001', 'Approved');
      const on = await formCard('Renew');
      expect(shownLines(on)).to.include('Auto-renew: On');
      expect(input(on, 'autoRenew').value).to.equal('off');
    });

    it('scope: this customer\'s targets with none chosen (a prompt; the current scope is in the facts), and an empty resource-group box (R14)', async () => {
      const shared = await formCard('Scope');
      expect(input(shared, 'scope').choices!.map((c) => c.value)).to.deep.equal(['shared', 'single|sub-tailspin-plan', 'rg|sub-tailspin-plan']);
      expect(input(shared, 'scope')).to.deep.include({ isRequired: true, placeholder: 'Choose the scope', errorMessage: 'Choose the scope.' });
      expect(input(shared, 'scope')).not.to.have.property('value');
      expect(input(shared, 'resourceGroup')).to.deep.include({ type: 'Input.Text', maxLength: 90 });
      expect(input(shared, 'resourceGroup')).not.to.have.property('value');
      expect(JSON.stringify(shared)).not.to.match(/contoso|fabrikam/i);

      const { reservation } = await buy(t, tailspinOwner, tailspinId, { scope: { type: 'ResourceGroup', subscriptionId: 'sub-tailspin-plan', resourceGroup: 'rg-web' } });
      const rg = await formCard('Scope', reservation.id);
      expect(shownLines(rg)).to.include('Scope: Resource group rg-web in sub-tailspin-plan');
      expect(input(rg, 'scope')).not.to.have.property('value');
      expect(input(rg, 'resourceGroup')).not.to.have.property('value');
      const typed = await formCard('Scope', reservation.id, { scope: 'rg|sub-tailspin-plan', resourceGroup: 'rg-api' });
      expect(input(typed, 'scope').value, 'shown again after a refusal, as filled in').to.equal('rg|sub-tailspin-plan');
      expect(input(typed, 'resourceGroup').value).to.equal('rg-api');
    });

    it('shown again after a refusal: the values kept and the reason in a banner', async () => {
      const card = await formCard('Exchange', reservationId, { offer: 'Standard_D4s_v5|eastus|P3Y', quantity: '3', comment: 'Bigger VMs' }, { tone: 'attention', text: 'Choose a larger quantity.' });
      expect(shownLines(card)[2]).to.equal('Choose a larger quantity.');
      expect((card.body as Element[])[2]).to.deep.include({ type: 'Container', style: 'attention' });
      expect(input(card, 'offer').value).to.equal('Standard_D4s_v5|eastus|P3Y');
      expect(input(card, 'quantity').value).to.equal(3);
      expect(input(card, 'comment').value).to.equal('Bigger VMs');
      expect(shownText(await formCard('Cancel'))).not.to.include('Choose a larger quantity.');
    });
  });

  describe('the list of requests', () => {
    /** Every customer by id, read once: the card looks a request's customer up as it draws it. */
    let customers: Map<string, Customer>;
    beforeEach(async () => {
      customers = new Map((await t.services.directory.customers()).map((c) => [c.id, c]));
    });
    const customerOf = (id: string) => customers.get(id)!;
    const pageOf = (requests: ChangeRequest[]) => listPage(requests, 1, requestsPageSize);

    it('none yet: agents are told how customers ask, customer users where to ask', async () => {
      const agent = valid(requestsCard({ page: pageOf([]), pending: 0, customerOf, forAgent: true }));
      const customer = valid(requestsCard({ page: pageOf([]), pending: 0, customerOf, forAgent: false }));
      expect(shownLines(agent)).to.deep.equal(['Change requests', 'No requests yet. Customers ask for changes with `cancel`, `exchange`, `renew` or `scope`.']);
      expect(shownLines(customer)).to.deep.equal(['Change requests', 'No requests yet. To ask for a change, type `reservations` and use the buttons under a reservation.']);
    });

    it('each request with its kind, state, what was asked and by whom, and a button that opens it; agents also see the customer', async () => {
      const second = await tailspinReservation(t, '2026-02-01');
      t.clock.set(askedAt);
      await ask(t, tailspinOwner, second, { kind: 'Renew', autoRenew: true });
      t.clock.set(decidedAt);
      await decide(t, 'REQ-1001', 'Approved');
      await ask(t, tailspinOwner, reservationId, { kind: 'Cancel' });

      const requests = await t.services.requests.list(as(people.admin));
      expect(requests.map((r) => r.id)).to.deep.equal(['REQ-1002', 'REQ-1001']);
      const agent = valid(requestsCard({ page: pageOf(requests), pending: 1, customerOf, forAgent: true }));
      expect(shownLines(agent)).to.deep.equal([
        'Change requests',
        '1 waiting for a decision · 2 requests in all',
        '**REQ-1002** · Cancel · Pending · Tailspin Toys',
        'cancel R-1001 · asked by Tia Owner on 2026-03-02 08:30 UTC · expires 2026-03-09 08:30 UTC',
        '[Open REQ-1002]',
        '**REQ-1001** · Auto-renew · Approved · Tailspin Toys',
        'turn auto-renew on for R-1002 · asked by Tia Owner on 2026-03-01 12:00 UTC · approved by Ada Admin on 2026-03-02 08:30 UTC',
        '[Open REQ-1001]',
      ]);
      expect(submitActions(agent)).to.deep.equal([
        { title: 'Open REQ-1002', data: { command: 'request REQ-1002' } },
        { title: 'Open REQ-1001', data: { command: 'request REQ-1001' } },
      ]);

      const own = valid(requestsCard({ page: pageOf(await t.services.requests.list(as(tailspinOwner))), pending: 1, customerOf, forAgent: false }));
      expect(shownLines(own)).to.include.members(['**REQ-1002** · Cancel · Pending', '**REQ-1001** · Auto-renew · Approved']);
      expect(shownText(own)).not.to.include('· Tailspin Toys');
    });

    it(`more than ${requestsPageSize}: a page at a time, with the count and Previous/Next`, async () => {
      const { request } = await ask(t, tailspinOwner, reservationId, { kind: 'Cancel' });
      const many: ChangeRequest[] = Array.from({ length: requestsPageSize + 1 }, (_, i) => ({ ...request, id: `REQ-${2000 + i}` }));
      const card = valid(requestsCard({ page: pageOf(many), pending: many.length, customerOf, forAgent: true }));
      expect(shownLines(card)[1]).to.equal(`${requestsPageSize + 1} waiting for a decision · ${requestsPageSize + 1} requests in all · page 1 of 2`);
      expect(submitActions(card)).to.have.length(requestsPageSize);
      expect(shownText(card)).to.include('REQ-2014').and.not.to.include('REQ-2015');
      expect(executeActions(card)).to.deep.equal([{ title: 'Next page', verb: requestsPageVerb, data: { page: 2 } }]);
      const last = valid(requestsCard({ page: listPage(many, 2, requestsPageSize), pending: many.length, customerOf, forAgent: true }));
      expect(shownText(last)).to.include('REQ-2015').and.not.to.include('REQ-2014');
      expect(executeActions(last)).to.deep.equal([{ title: 'Previous page', verb: requestsPageVerb, data: { page: 1 } }]);
    });
  });

  describe('reservations and orders after approved changes', () => {
    const customer = async () => (await t.services.directory.customer(tailspinId))!;
    const reservations = async (today: string, canAsk: boolean) =>
      valid(reservationsCard({ customer: await customer(), partnerName: 'Test Partner', page: listPage(await t.services.purchases.reservations(as(tailspinOwner), tailspinId), 1, reservationsPageSize), sharedCoverage: sharedScopeCoverage(await customer(), 'Test Partner'), today, canAsk }));

    /** R-1001 cancelled (refund O-1003, REQ-1001) and R-1002 exchanged for R-1003 (O-1004, REQ-1002), both approved by Ada on 2026-03-01 15:00. */
    async function cancelAndExchange(): Promise<void> {
      await tailspinReservation(t);
      t.clock.set(askedAt);
      await ask(t, tailspinOwner, 'R-1001', { kind: 'Cancel' });
      await ask(t, tailspinOwner, 'R-1002', toD4s);
      t.clock.set('2026-03-01T15:00:00.000Z');
      await decide(t, 'REQ-1001', 'Approved');
      await decide(t, 'REQ-1002', 'Approved');
    }

    it('a customer user gets Exchange, Cancel, auto-renew and Change scope under an active reservation, each typing its command (R15)', async () => {
      const card = await reservations('2026-03-01', true);
      expect(submitActions(card)).to.deep.equal([
        { title: 'Exchange', data: { command: 'exchange R-1001' } },
        { title: 'Cancel', data: { command: 'cancel R-1001' } },
        { title: 'Turn auto-renew on', data: { command: 'renew R-1001 on' } },
        { title: 'Change scope', data: { command: 'scope R-1001' } },
      ]);
      expect(submitActions(await reservations('2026-03-01', false))).to.deep.equal([]);
    });

    it('the auto-renew button turns it off when it is on', async () => {
      await ask(t, tailspinOwner, reservationId, { kind: 'Renew', autoRenew: true });
      await decide(t, 'REQ-1001', 'Approved');
      expect(submitActions(await reservations('2026-03-01', true))).to.deep.include({ title: 'Turn auto-renew off', data: { command: 'renew R-1001 off' } });
    });

    it('a cancelled or exchanged reservation says so and has no buttons; the new one has them until it expires (R13, R17)', async () => {
      await cancelAndExchange();
      const card = await reservations('2026-03-01', true);
      expect(shownLines(card)).to.include.members([
        '**R-1003** · 1 × Virtual Machines D4s v5 · eastus · 1 year · Active',
        'Exchanged from: R-1002',
        'Bought by: Ada Admin (Test Partner, for the customer)',
        'Price paid: USD 1,200.00 (USD 1,200.00 per unit)',
        '**R-1002** · 2 × Virtual Machines D2s v5 · eastus · 1 year · Exchanged on 2026-03-01 for R-1003',
        '**R-1001** · 2 × Virtual Machines D2s v5 · eastus · 1 year · Cancelled on 2026-03-01',
      ]);
      expect(submitActions(card).map((a) => (a.data as { command: string }).command)).to.deep.equal(['exchange R-1003', 'cancel R-1003', 'renew R-1003 on', 'scope R-1003']);
      const expired = await reservations('2027-03-01', true);
      expect(shownText(expired)).to.include('**R-1003** · 1 × Virtual Machines D4s v5 · eastus · 1 year · Expired');
      expect(submitActions(expired)).to.deep.equal([]);
    });

    it('orders: a refund as a negative amount, an exchange with the credit it used, each approved by the Admin Agent and naming its request (R9, R17)', async () => {
      await cancelAndExchange();
      const card = valid(ordersCard({ customer: await customer(), partnerName: 'Test Partner', page: listPage(await t.services.purchases.orders(as(people.admin), tailspinId), 1, ordersPageSize) }));
      expect(shownLines(card)).to.deep.equal([
        'Order history of Tailspin Toys',
        '4 orders',
        '**O-1004** · Exchange · USD 1,200.00 (credit USD 1,104.66) · Exchange of R-1002 for 1 × Virtual Machines D4s v5 (Standard_D4s_v5), eastus, 1 year',
        '2026-03-01 15:00 UTC · approved by Ada Admin (Test Partner, for the customer) · billed to Test Partner · reservation R-1003 · request REQ-1002',
        '**O-1003** · Refund · −USD 1,104.66 · Refund for cancelling R-1001: 336 of 365 days unused',
        '2026-03-01 15:00 UTC · approved by Ada Admin (Test Partner, for the customer) · refunded to Test Partner · reservation R-1001 · request REQ-1001',
        '**O-1002** · Purchase · USD 1,200.00 · 2 × Virtual Machines D2s v5 (Standard_D2s_v5), eastus, 1 year, billed upfront',
        '2026-01-31 10:00 UTC · bought by Tia Owner (Tailspin Toys) · billed to Test Partner · reservation R-1002',
        '**O-1001** · Purchase · USD 1,200.00 · 2 × Virtual Machines D2s v5 (Standard_D2s_v5), eastus, 1 year, billed upfront',
        '2026-01-31 10:00 UTC · bought by Tia Owner (Tailspin Toys) · billed to Test Partner · reservation R-1001',
      ]);
    });
  });

  describe('settings', () => {
    const card = async () => valid(settingsCard({ partnerName: 'Test Partner', settings: await t.services.settings.current(), canChange: true }));

    it('the approvals channel (none, then who set it and when) and the request expiry', async () => {
      expect(shownLines(await card())).to.include.members(['Approvals channel: None', 'Request expiry: 7 days without a decision (one reminder at half time)']);
      await t.services.settings.setApprovalsChannel(as(people.admin), { type: 'channel', reference: { conversation: { id: '19:x@thread.tacv2' } } }, new Date('2026-03-01T09:15:00.000Z'));
      await t.services.settings.setRequestLifetime(as(people.admin), '1');
      const lines = shownLines(await card());
      expect(lines).to.include.members(['Approvals channel: Set by Ada Admin on 2026-03-01 09:15 UTC', 'Request expiry: 1 day without a decision (one reminder at half time)']);
      expect(shownText(await card())).to.include('`settings approvals-channel`').and.include('**settings** request-expiry *days*');
      await t.services.settings.setApprovalsChannel(as(people.admin), 'off', new Date('2026-03-02T09:15:00.000Z'));
      expect(shownLines(await card())).to.include('Approvals channel: None');
    });
  });
});
