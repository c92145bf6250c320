import { expect } from 'chai';
import { askWhichCustomer } from '../../bot/customerArgument.ts';
import { customerCardFor } from '../../bot/commands/customer.ts';
import { customerListPage, customersPageSize } from '../../bot/commands/customers.ts';
import { permissionNotice } from '../../bot/commands/permission.ts';
import type { AdaptiveCard, Notice, Tone } from '../../cards/adaptiveCard.ts';
import { choiceCard } from '../../cards/choiceCard.ts';
import { customerCard, permissionSetVerb } from '../../cards/customerCard.ts';
import { customerListCard, customersPageVerb } from '../../cards/customerListCard.ts';
import { listPage } from '../../cards/listPage.ts';
import { logCard, logPageSize, logPageVerb } from '../../cards/logCard.ts';
import { messageCard } from '../../cards/messageCard.ts';
import type { WorldInput } from '../../data/schemas.ts';
import { CodedError } from '../../services/codedError.ts';
import { customerAccount } from '../../services/customerAccount.ts';
import { findCustomer } from '../../services/customerLookup.ts';
import { cardProblems, expectValidCard } from '../helpers/validateCard.ts';
import { contosoId, fabrikamId, northwindId, openTestStore, people, personOf, tailspinId, testWorld, type TestStore, type TestUser } from '../helpers/testWorld.ts';

type Json = Record<string, unknown>;

/** Every action in the card (card actions, selectActions, ActionSets), in document order; button data is not searched. */
function actionsIn(node: unknown): Json[] {
  if (Array.isArray(node)) return node.flatMap(actionsIn);
  if (!node || typeof node !== 'object') return [];
  const record = node as Json;
  const own = typeof record.type === 'string' && record.type.startsWith('Action.') ? [record] : [];
  return [...own, ...Object.entries(record).flatMap(([key, value]) => (key === 'data' ? [] : actionsIn(value)))];
}

/** Every TextBlock text and FactSet fact in the card, in document order. */
function textsIn(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(textsIn);
  if (!node || typeof node !== 'object') return [];
  const record = node as Json;
  const own = record.type === 'TextBlock' ? [String(record.text)] : record.type === 'FactSet' ? (record.facts as { title: string; value: string }[]).map((f) => `${f.title}: ${f.value}`) : [];
  return [...own, ...Object.values(record).flatMap(textsIn)];
}

const minimal = (body: object[], actions?: object[], version = '1.5') => ({ type: 'AdaptiveCard', version, body, ...(actions ? { actions } : {}) });
const execute = (extra: Json = {}) => ({ type: 'Action.Execute', title: 'Go', verb: 'test.go', data: { id: 1 }, ...extra });

describe('Adaptive Cards', () => {
  describe('the validation helper (adaptivecards library, offline) can fail', () => {
    it('accepts a minimal valid card, with no problems', () => {
      expect(cardProblems(minimal([{ type: 'TextBlock', text: 'Hello' }], [execute()]))).to.deep.equal([]);
      expectValidCard(minimal([{ type: 'TextBlock', text: 'Hello' }], [execute()]));
    });

    const rejected: { what: string; card: object; problem: RegExp }[] = [
      { what: 'an unknown element type', card: minimal([{ type: 'Frobnicator', text: 'x' }]), problem: /UnknownElementType.*"Frobnicator"/ },
      { what: 'a TextBlock with size "Huge" (not in the enum)', card: minimal([{ type: 'TextBlock', text: 'x', size: 'Huge' }]), problem: /InvalidPropertyValue at TextBlock.*"Huge".*"size"/ },
      { what: 'a Container with style "shiny"', card: minimal([{ type: 'Container', style: 'shiny', items: [{ type: 'TextBlock', text: 'x' }] }]), problem: /InvalidPropertyValue.*"shiny"/ },
      { what: 'a TextBlock with color "Purple"', card: minimal([{ type: 'TextBlock', text: 'x', color: 'Purple' }]), problem: /InvalidPropertyValue.*"Purple".*"color"/ },
      { what: 'an unknown action type', card: minimal([], [{ type: 'Action.Frobnicate', title: 'x' }]), problem: /UnknownActionType.*"Action.Frobnicate"/ },
      { what: 'an Action.Execute in a card that declares version 1.3 (Action.Execute needs 1.4)', card: minimal([], [execute()], '1.3'), problem: /UnknownActionType.*"Action.Execute"/ },
      { what: 'an Action.Execute with style "loud"', card: minimal([], [execute({ style: 'loud' })]), problem: /InvalidPropertyValue.*"loud".*"style"/ },
      { what: 'an Action.Execute with mode "hidden"', card: minimal([], [execute({ mode: 'hidden' })]), problem: /InvalidPropertyValue.*"hidden".*"mode"/ },
      { what: 'two Action.Execute with the same id', card: minimal([], [execute({ id: 'go' }), execute({ id: 'go' })]), problem: /DuplicateId.*"go"/ },
      { what: 'six Action.Execute (the default host config allows 5)', card: minimal([], Array.from({ length: 6 }, () => execute())), problem: /TooManyActions/ },
      { what: 'an Action.Execute put in the body as an element', card: minimal([execute()]), problem: /UnknownElementType.*"Action.Execute"/ },
      { what: 'an Action.ShowCard as a ColumnSet selectAction', card: minimal([{ type: 'ColumnSet', columns: [], selectAction: { type: 'Action.ShowCard', title: 'x', card: minimal([]) } }]), problem: /ActionTypeNotAllowed.*"Action.ShowCard"/ },
      { what: 'two inputs with the same id', card: minimal([{ type: 'Input.Text', id: 'a' }, { type: 'Input.Text', id: 'a' }]), problem: /DuplicateId.*"a"/ },
      { what: 'an input without an id', card: minimal([{ type: 'Input.Text' }]), problem: /PropertyCantBeNull.*unique Id/ },
      { what: 'an empty ChoiceSet', card: minimal([{ type: 'Input.ChoiceSet', id: 'c', choices: [] }]), problem: /CollectionCantBeEmpty/ },
      { what: 'a version that does not exist', card: minimal([], [], '9.9'), problem: /UnsupportedCardVersion.*9\.9/ },
      { what: 'a wrong card type', card: { ...minimal([]), type: 'AdaptiveCards' }, problem: /MissingCardType/ },
    ];
    for (const { what, card, problem } of rejected) {
      it(`rejects ${what}`, () => {
        expect(cardProblems(card).join('\n')).to.match(problem);
        expect(() => expectValidCard(card)).to.throw(problem);
      });
    }

    it('rejects an Action.Execute without a verb: by its own rule, since the library does not flag it', () => {
      const card = minimal([{ type: 'TextBlock', text: 'x' }], [{ type: 'Action.Execute', title: 'Go', data: {} }]);
      expect(cardProblems(card)).to.deep.equal(['Own rule at $.actions[0]: an Action.Execute must have a verb, or no handler can answer it']);
      expect(() => expectValidCard(card)).to.throw(/must have a verb/);
    });

    it('lists every problem of a card at once, not only the first', () => {
      const card = minimal([{ type: 'Frobnicator' }, { type: 'TextBlock', text: 'x', size: 'Huge' }, { type: 'Input.Text', id: 'a' }, { type: 'Input.Text', id: 'a' }], [execute({ style: 'loud' })]);
      let message = '';
      try {
        expectValidCard(card);
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message).to.match(/\(4 problems\)/);
      for (const problem of [/"Frobnicator"/, /"Huge"/, /"loud"/, /Duplicate Id "a"/]) expect(message).to.match(problem);
    });
  });

  describe('every card the bot sends is valid, and means what it should', () => {
    let t: TestStore;
    beforeEach(async () => {
      t = await openTestStore();
    });
    afterEach(() => t.dispose());

    const customer = async (id: string) => (await t.services.directory.customer(id))!;
    const as = (user: TestUser) => personOf(t.services, user);
    const accountOf = async (id: string, test: TestStore = t) => customerAccount(await test.services.directory.partner(), (await test.services.directory.customer(id))!);
    /** The notice the bot shows after this person asks for this change (a refusal shows in the attention tone). */
    async function noticeAfter(user: TestUser, customerId: string, enabled: boolean): Promise<Notice> {
      try {
        return permissionNotice(await t.services.permissions.set(await as(user), customerId, enabled));
      } catch (err) {
        if (err instanceof CodedError) return { tone: 'attention', text: err.message };
        throw err;
      }
    }

    describe('customer card', () => {
      for (const [name, id, on] of [['Contoso (off)', contosoId, false], ['Tailspin (on)', tailspinId, true]] as const) {
        it(`for an Admin Agent, ${name}: a switch for each permission, permission.set with {customerId, resource, enabled}`, async () => {
          const card = customerCard({ account: await accountOf(id), partnerName: 'Test Partner', purchases: { reservations: 0 }, canChange: true });
          expectValidCard(card);
          expect(actionsIn(card).filter((a) => a.type === 'Action.Execute')).to.deep.equal([
            { type: 'Action.Execute', title: on ? 'Turn off' : 'Turn on', verb: permissionSetVerb, data: { customerId: id, resource: 'AzureReservedInstances', enabled: !on }, style: on ? 'destructive' : 'positive' },
            { type: 'Action.Execute', title: 'Turn on savings plan', verb: permissionSetVerb, data: { customerId: id, resource: 'AzureSavingsPlan', enabled: true }, style: 'positive' },
          ]);
          expect(textsIn(card)).to.include(`Azure reservations: allow customer to purchase: ${on ? 'On' : 'Off'}${on ? ' since 2026-11-24 09:00 UTC (world import)' : ''}`);
          expect(textsIn(card)).to.include('Azure savings plan: allow customer to purchase: Off');
        });
      }

      it('for a Sales Agent: read-only, no Action.Execute, only the buttons that open reservations and orders, and a note saying who can change it', async () => {
        const card = await customerCardFor(t.services, await as(people.sales), await customer(contosoId));
        expectValidCard(card);
        expect(actionsIn(card)).to.deep.equal([
          { type: 'Action.Submit', title: 'Reservations', data: { command: 'reservations contoso.example' } },
          { type: 'Action.Submit', title: 'Order history', data: { command: 'orders contoso.example' } },
        ]);
        expect(textsIn(card)).to.include('Only Admin Agents can change this permission.');
      });

      it('for a Help Desk Agent and for a customer user: read-only too', async () => {
        for (const [user, note] of [[people.helpdesk, 'Only Admin Agents can change this permission.'], [people.contosoOwner, 'Only Test Partner can change this permission; ask them if you need it.']] as const) {
          const card = await customerCardFor(t.services, await as(user), await customer(contosoId));
          expectValidCard(card);
          expect(actionsIn(card).filter((a) => a.type === 'Action.Execute'), user.name).to.deep.equal([]);
          expect(textsIn(card), user.name).to.include(note);
        }
      });

      it('shows subscriptions with their Owners by name, and, for a customer that cannot be turned on, why instead of the button', async () => {
        const contoso = customerCard({ account: await accountOf(contosoId), partnerName: 'Test Partner', purchases: { reservations: 0 }, canChange: true });
        expectValidCard(contoso);
        expect(textsIn(contoso)).to.include.members(['Contoso Plan', 'Offer: Azure Plan', 'Owners: Connie Owner', 'sub-contoso-m365', 'Owners: None']);

        const northwind = customerCard({ account: await accountOf(northwindId), partnerName: 'Test Partner', purchases: { reservations: 0 }, canChange: true });
        expectValidCard(northwind);
        expect(textsIn(northwind).join('\n')).to.match(/Northwind Traders' Azure Plan subscription sub-northwind-suspended is suspended, .* Reactivate it in Partner Center/);
        expect(actionsIn(northwind).filter((a) => a.type === 'Action.Execute'), 'no Turn on where it can only be refused (R4)').to.deep.equal([]);
        const fabrikam = customerCard({ account: await accountOf(fabrikamId), partnerName: 'Test Partner', purchases: { reservations: 0 }, canChange: true });
        expect(textsIn(fabrikam).join('\n')).to.match(/No user of this customer holds Owner/);
      });

      const tones: [Tone, TestUser, string, boolean, RegExp][] = [
        ['good', people.admin, contosoId, true, /^Turned on: Contoso Ltd's users/],
        ['warning', people.admin, fabrikamId, true, /^Turned on\. No user of Fabrikam Inc holds the Owner role/],
        ['attention', people.admin, northwindId, true, /Northwind Traders' Azure Plan subscription sub-northwind-suspended is suspended/],
        ['attention', people.sales, contosoId, true, /Only Admin Agents of Test Partner/],
      ];
      for (const [tone, user, id, enabled, text] of tones) {
        it(`with ${tone === 'attention' ? 'an' : 'a'} ${tone} notice (${user.name} turns ${id} ${enabled ? 'on' : 'off'}): valid, the banner in that style`, async () => {
          const notice = await noticeAfter(user, id, enabled);
          expect(notice.tone).to.equal(tone);
          const card = await customerCardFor(t.services, await as(user), await customer(id), notice);
          expectValidCard(card);
          const banner = card.body.find((e) => (e as Json).type === 'Container' && (e as Json).style === tone);
          expect(banner, `a Container with style ${tone}`).to.not.equal(undefined);
          expect(textsIn(banner).join('\n')).to.match(text);
          expect(actionsIn(card).filter((a) => a.type === 'Action.Execute'), 'a switch for each permission').to.have.length(user === people.admin && id !== northwindId ? 2 : 0);
        });
      }

      it('after a turn-on, the admin card offers the opposite: Turn off with enabled false', async () => {
        const notice = await noticeAfter(people.admin, contosoId, true);
        const card = await customerCardFor(t.services, await as(people.admin), await customer(contosoId), notice);
        expect(actionsIn(card).filter((a) => a.type === 'Action.Execute').map((a) => a.data)).to.deep.equal([
          { customerId: contosoId, resource: 'AzureReservedInstances', enabled: false },
          { customerId: contosoId, resource: 'AzureSavingsPlan', enabled: true },
        ]);
      });
    });

    describe('customer list card', () => {
      it('one page: a row per customer opening its card, and no paging buttons', async () => {
        const card = await customerListPage(t.services, 1);
        expectValidCard(card);
        expect(card.body[1]).to.deep.include({ text: '5 customers · select one to open it' });
        const actions = actionsIn(card);
        expect(actions.filter((a) => a.type === 'Action.Execute')).to.deep.equal([]);
        expect(actions.map((a) => (a.data as { command: string }).command)).to.deep.equal(
          ['contoso.example', 'contosopharma.example', 'fabrikam.example', 'northwind.example', 'tailspin.example'].map((d) => `customer ${d}`),
        );
        expect(textsIn(card)).to.include.members(['Off (Azure Plan suspended)', 'On']);
      });

      describe('many pages', () => {
        let big: TestStore;
        before(async () => {
          const world: WorldInput = testWorld();
          for (let i = 1; i <= 2 * customersPageSize + 3; i++) {
            world.customers.push({ id: `bulk-${i}`, name: `Bulk Customer ${String(i).padStart(2, '0')}`, domain: `bulk${i}.example`, users: [], subscriptions: [] });
          }
          big = await openTestStore(world);
        });
        after(() => big.dispose());

        const paging = (card: AdaptiveCard) => actionsIn(card).filter((a) => a.type === 'Action.Execute').map((a) => ({ title: a.title, verb: a.verb, data: a.data }));

        it('a middle page has Previous and Next, each asking for its page by verb customers.page', async () => {
          const card = await customerListPage(big.services, 2);
          expectValidCard(card);
          expect(card.body[1]).to.deep.include({ text: '48 customers · page 2 of 3 · select one to open it' });
          expect(paging(card)).to.deep.equal([
            { title: 'Previous page', verb: customersPageVerb, data: { page: 1 } },
            { title: 'Next page', verb: customersPageVerb, data: { page: 3 } },
          ]);
          expect(actionsIn(card).filter((a) => a.type === 'Action.Submit')).to.have.length(customersPageSize);
        });

        it('the first page has only Next, the last only Previous (and the rest of the rows)', async () => {
          const first = await customerListPage(big.services, 1);
          const last = await customerListPage(big.services, 3);
          expectValidCard(first);
          expectValidCard(last);
          expect(paging(first)).to.deep.equal([{ title: 'Next page', verb: customersPageVerb, data: { page: 2 } }]);
          expect(paging(last)).to.deep.equal([{ title: 'Previous page', verb: customersPageVerb, data: { page: 2 } }]);
          expect(actionsIn(last).filter((a) => a.type === 'Action.Submit')).to.have.length(48 - 2 * customersPageSize);
        });

        it('a customer without any subscription has a valid card too', async () => {
          const card = customerCard({ account: await accountOf('bulk-1', big), partnerName: 'Test Partner', purchases: { reservations: 0 }, canChange: true });
          expectValidCard(card);
          expect(textsIn(card)).to.include('No subscriptions.');
        });
      });

      it('no customers: valid, says so, no rows and no buttons', () => {
        const card = customerListCard({ partnerName: 'Test Partner', rows: [], page: 1, pageCount: 1, total: 0 });
        expectValidCard(card);
        expect(textsIn(card)).to.deep.equal(['Customers of Test Partner', 'No customers yet.']);
        expect(actionsIn(card)).to.deep.equal([]);
      });
    });

    describe('choice card', () => {
      it('for the ambiguous "contoso": one button per candidate, each re-sending the command with the exact domain', async () => {
        const lookup = await findCustomer(t.store, await as(people.admin), 'contoso');
        if (lookup.kind !== 'ambiguous') throw new Error(`expected "contoso" to be ambiguous, got ${lookup.kind}`);
        const reply = askWhichCustomer('contoso', lookup.candidates, (domain) => `permission on ${domain}`);
        const card = reply.attachments![0]!.content as AdaptiveCard;
        expectValidCard(card);
        expect(textsIn(card)[0]).to.equal('Several customers match "contoso". Which one?');
        expect(actionsIn(card)).to.deep.equal([
          { type: 'Action.Submit', title: 'Contoso Ltd', data: { command: 'permission on contoso.example' } },
          { type: 'Action.Submit', title: 'Contoso Pharma', data: { command: 'permission on contosopharma.example' } },
        ]);
      });

      it('a choice among as many as five is valid (the library\'s default host config allows five actions)', () => {
        const choices = Array.from({ length: 5 }, (_, i) => ({ title: `Customer ${i}`, subtitle: `c${i}.example`, command: `customer c${i}.example` }));
        const card = choiceCard({ question: 'Which one?', choices });
        expectValidCard(card);
        expect(actionsIn(card)).to.have.length(5);
      });
    });

    describe('log card', () => {
      it('empty: valid, and says there is nothing for the filter', () => {
        const card = logCard({ filter: { customerId: fabrikamId, words: 'Fabrikam Inc' }, page: listPage([], 1, logPageSize) });
        expectValidCard(card);
        expect(textsIn(card)).to.deep.equal(['Activity log', 'No entries for Fabrikam Inc.']);
      });

      it('with Succeeded and Refused entries: outcome, who, reason, and what changed in words (issue 13, item 11)', async () => {
        t.clock.set('2026-11-24T10:15:00.000Z');
        await noticeAfter(people.admin, contosoId, true);
        await noticeAfter(people.sales, fabrikamId, true);
        const entries = await t.services.activity.read(await as(people.admin), {}, 15);
        expect(entries.map((e) => e.outcome)).to.deep.equal(['Refused', 'Succeeded', 'Succeeded', 'Succeeded']);
        const card = logCard({ filter: { words: '' }, page: listPage(entries, 1, logPageSize) });
        expectValidCard(card);
        const [refused, turnedOn] = card.body.slice(2) as Json[];
        expect(textsIn(refused)).to.deep.equal([
          '**Create Customer Purchase Permissions** · Refused',
          '2026-11-24 10:15 UTC · Sam Sales (Sales Agent) · Fabrikam Inc · Azure reservations: allow customer to purchase',
          entries[0]!.reason!.message,
        ]);
        expect(((refused!.items as Json[])[0] as Json).color).to.equal('Attention');
        expect(textsIn(turnedOn)).to.deep.equal([
          '**Create Customer Purchase Permissions** · Succeeded',
          '2026-11-24 10:15 UTC · Ada Admin (Admin Agent) · Contoso Ltd · Azure reservations: allow customer to purchase',
          'Permission: Off → On',
        ]);
        expect(textsIn(card)).to.include('**Load Partner Directory** · Succeeded');
        expect(textsIn(card).at(-1), 'an entry with only values after says them').to.equal('Partner: Test Partner · Agents: 4 · Customers: 5 · Products: 1 · Prices: 3');
        expect(textsIn(card)[1]).to.equal('Newest first');
        expect(actionsIn(card)).to.deep.equal([]);
      });

      it('one page of several says which, what it was filtered by, and asks for the others with the same filter', async () => {
        const entries = await t.services.activity.read(await as(people.admin), {}, 2 * logPageSize + 1);
        const filter = { customerId: tailspinId, operations: ['Create Customer Purchase Permissions'], words: 'Tailspin Toys, Create Customer Purchase Permissions' };
        const middle = Array.from({ length: 2 * logPageSize + 1 }, (_, i) => ({ ...entries[0]!, seq: 1000 - i }));
        const card = logCard({ filter, page: listPage(middle, 2, logPageSize) });
        expectValidCard(card);
        expect(textsIn(card)[1]).to.equal('Page 2, newest first · Tailspin Toys, Create Customer Purchase Permissions');
        const data = { customerId: tailspinId, operations: filter.operations };
        expect(actionsIn(card)).to.deep.equal([
          { type: 'Action.Execute', title: 'Previous page', verb: logPageVerb, data: { ...data, page: 1 } },
          { type: 'Action.Execute', title: 'Next page', verb: logPageVerb, data: { ...data, page: 3 } },
        ]);
      });
    });

    describe('message card', () => {
      for (const tone of ['good', 'warning', 'attention'] as const) {
        it(`${tone}: valid, the text in a banner of that style, no buttons`, () => {
          const card = messageCard('Not available', 'This button is no longer supported. Type `help` to see what you can do.', tone);
          expectValidCard(card);
          expect(card.body[1]).to.deep.include({ type: 'Container', style: tone });
          expect(textsIn(card)).to.deep.equal(['Not available', 'This button is no longer supported. Type `help` to see what you can do.']);
          expect(actionsIn(card)).to.deep.equal([]);
        });
      }
    });
  });
});
