import { expect } from 'chai';
import { Operation } from '../../services/operations.ts';
import { buy, tailspinOwner } from '../helpers/buying.ts';
import { requestWorld, tailspinReservation, talkedToTheBot } from '../helpers/requesting.ts';
import { executeActions, shownText } from '../helpers/shown.ts';
import { openTestStore, people, personOf, tailspinId, type TestStore, type TestUser } from '../helpers/testWorld.ts';
import { turns } from '../helpers/turns.ts';
import { expectValidCard } from '../helpers/validateCard.ts';

const tia = tailspinOwner;

type Element = { type: string; id?: string; value?: unknown; choices?: { title: string; value: string }[]; isMultiSelect?: boolean; max?: number };

/** The card's inputs by id. */
const inputsOf = (card: Record<string, unknown>): Record<string, Element> => Object.fromEntries((card.body as Element[]).filter((e) => e.id).map((e) => [e.id, e]));

describe('R17 in chat: returning some units, and exchanging several reservations into one (TestAdapter)', () => {
  let t: TestStore;
  let bot: ReturnType<typeof turns>;
  beforeEach(async () => {
    t = await openTestStore(requestWorld());
    // R-1001: 3 × Standard_D2s_v5 eastus 1 year at USD 600.00, from 2026-01-31; R-1002: 1 × the same from 2026-02-01.
    expect(await tailspinReservation(t, '2026-01-31', 3)).to.equal('R-1001');
    expect(await tailspinReservation(t, '2026-02-01', 1)).to.equal('R-1002');
    t.clock.set('2026-03-01T12:00:00.000Z');
    bot = turns(t.services);
  });
  afterEach(() => t.dispose());

  const cardOf = async (user: TestUser, text: string) => {
    const replies = await bot.say(user, text);
    expect(replies, `one reply to "${text}"`).to.have.length(1);
    const card = replies[0]!.attachments?.[0]?.content as Record<string, unknown> | undefined;
    expect(card, `"${text}" answers with a card: ${replies.map(shownText).join()}`).to.not.equal(undefined);
    expectValidCard(card!);
    return card!;
  };
  const said = async (user: TestUser, text: string) => (await bot.say(user, text)).map(shownText).join('\n---\n');
  const newest = async () => (await t.services.activity.read(await personOf(t.services, people.admin), {}, 1))[0]!;

  describe('cancel <reservation> <units>', () => {
    it('`cancel R-1001 2` opens the form for 2 of its 3 units, with their estimate; Send asks for them, and the card says so', async () => {
      const card = await cardOf(tia, 'cancel R-1001 2');
      const shown = shownText(card);
      // 2 × 600.00 × 336 / 365 = 1104.66
      expect(shown).to.match(/Refund estimate: USD 1,104\.66 \(336 of 365 days unused, as of 2026-03-01\)/);
      expect(shown).to.match(/Counted at: 2 units at USD 600\.00, the price paid/);
      expect(inputsOf(card).quantity).to.deep.include({ type: 'Input.Number', value: 2, max: 3 });
      const [send] = executeActions(card);
      const { card: answer } = await bot.click(tia, send!.verb, { ...send!.data, quantity: 2 }, 'card-msg-1');
      expect(shownText(answer)).to.match(/Cancel request REQ-1001/);
      expect(shownText(answer)).to.match(/Asked: cancel 2 units of R-1001/);
      expect((await t.store.request('REQ-1001'))!.change).to.deep.equal({ kind: 'Cancel', quantity: 2 });
    });

    it('`cancel R-1001` opens it for all 3; Send with the units left at 3 asks for a whole cancel', async () => {
      const card = await cardOf(tia, 'cancel R-1001');
      expect(inputsOf(card).quantity).to.deep.include({ value: 3, max: 3 });
      expect(shownText(card)).to.match(/Refund estimate: USD 1,656\.99 /); // 1800 × 336 / 365 = 1656.986…
      await bot.click(tia, 'request.create', { reservationId: 'R-1001', kind: 'Cancel', quantity: '3' });
      expect((await t.store.request('REQ-1001'))!.change).to.deep.equal({ kind: 'Cancel' });
    });

    it('a reservation of 1 unit has no units box', async () => {
      expect(inputsOf(await cardOf(tia, 'cancel R-1002'))).not.to.have.property('quantity');
    });

    it('`cancel R-1001 4` is refused, saying how many it has, and logged; a units box sent past them shows the form again with the reason under it', async () => {
      expect(await said(tia, 'cancel R-1001 4')).to.match(/R-1001 has 3 units, so 4 cannot be returned: return from 1 to 3\./);
      expect(await newest()).to.deep.include({ operation: Operation.RequestChange, outcome: 'Refused', target: 'cancel R-1001' });
      const { card } = await bot.click(tia, 'request.create', { reservationId: 'R-1001', kind: 'Cancel', quantity: '5' });
      const body = card.body as { type: string; id?: string; text?: string }[];
      const box = body.findIndex((e) => e.id === 'quantity');
      expect(body[box + 1]).to.deep.include({ type: 'TextBlock', text: 'R-1001 has 3 units, so 5 cannot be returned: return from 1 to 3.' });
      expect(await t.store.requests()).to.deep.equal([]);
    });
  });

  describe('exchange <reservation> <more reservations>', () => {
    it('the exchange form lists the others that may be returned with it; `exchange R-1001 r-1002` chooses R-1002 already', async () => {
      const plain = inputsOf(await cardOf(tia, 'exchange R-1001'));
      // R-1002: 600 × 337 / 365 = 553.97
      expect(plain.alsoReturned).to.deep.include({ type: 'Input.ChoiceSet', isMultiSelect: true, choices: [{ title: 'R-1002: 1 × Virtual Machines D2s v5 · eastus · credit USD 553.97', value: 'R-1002' }] });
      expect(plain.alsoReturned).not.to.have.property('value');
      expect(inputsOf(await cardOf(tia, 'exchange R-1001 r-1002')).alsoReturned).to.deep.include({ value: 'R-1002' });
    });

    it('Send with R-1002 chosen asks for both into one; the Admin Agent approves on the card and both end for the new one', async () => {
      await talkedToTheBot(t, people.admin);
      const { card } = await bot.click(tia, 'request.create', { reservationId: 'R-1001', kind: 'Exchange', offer: 'Standard_D4s_v5|eastus|P1Y', quantity: '3', alsoReturned: 'R-1002' }, 'card-msg-1');
      const shown = shownText(card);
      expect(shown).to.match(/Asked: exchange R-1001, R-1002 for 3 × Standard_D4s_v5 in eastus for 1 year/);
      // R-1001: 1800 × 336 / 365 = 1656.99; R-1002: 553.97; 2210.96 in all, towards 3 × 1,200.00 = 3,600.00.
      expect(shown).to.match(/Credit \(estimate as of 2026-03-01\): USD 2,210\.96/);
      expect(shown).to.match(/Returned: R-1001: USD 1,656\.99 \(336 of 365 days unused, 3 units at USD 600\.00, the price paid\); R-1002: USD 553\.97 \(337 of 365 days unused, 1 unit at USD 600\.00, the price paid\)/);

      const { card: decided } = await bot.click(people.admin, 'request.approve', { requestId: 'REQ-1001' });
      expect(shownText(decided)).to.match(/R-1001, R-1002 are exchanged for R-1003/);
      for (const id of ['R-1001', 'R-1002']) expect(await t.store.reservation(id)).to.deep.include({ status: 'Exchanged', exchangedFor: 'R-1003' });
      expect(await t.store.reservation('R-1003')).to.deep.include({ quantity: 3, sku: 'Standard_D4s_v5', status: 'Active' });
    });

    it('a Send with none chosen (Teams sends an empty string) asks for R-1001 alone', async () => {
      await bot.click(tia, 'request.create', { reservationId: 'R-1001', kind: 'Exchange', offer: 'Standard_D4s_v5|eastus|P1Y', quantity: '2', alsoReturned: '' });
      expect((await t.store.request('REQ-1001'))!.change).to.deep.equal({ kind: 'Exchange', sku: 'Standard_D4s_v5', region: 'eastus', term: 'P1Y', quantity: 2 });
    });

    it('naming a reservation she does not have, or one of another type, is refused at once and logged', async () => {
      expect(await said(tia, 'exchange R-1001 R-9999')).to.match(/You have no reservation "R-9999"/);
      const { reservation } = await buy(t, tia, tailspinId, { sku: 'SQLDB_GP_2vCore', quantity: 1 });
      expect(await said(tia, `exchange R-1001 ${reservation.id}`)).to.match(new RegExp(`An exchange returns reservations of one product type: R-1001 is VirtualMachines, and ${reservation.id} is SqlDatabase\\. Leave it out of the exchange\\. Nothing was asked\\.`));
      expect(await newest()).to.deep.include({ operation: Operation.RequestChange, outcome: 'Refused', target: 'exchange R-1001' });
    });

    it('while the exchange of both waits, `cancel R-1002` names the pending request', async () => {
      await bot.click(tia, 'request.create', { reservationId: 'R-1001', kind: 'Exchange', offer: 'Standard_D4s_v5|eastus|P1Y', quantity: '3', alsoReturned: 'R-1002' });
      expect(await said(tia, 'cancel R-1002')).to.match(/R-1002 already has a request waiting for a decision: REQ-1001 \(exchange of R-1001, which returns it too\)/);
    });
  });
});
