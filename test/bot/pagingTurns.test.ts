import { expect } from 'chai';
import type { Activity } from 'botbuilder';
import { tailspinOwner } from '../helpers/buying.ts';
import { ask, requestWorld, tailspinReservation } from '../helpers/requesting.ts';
import { executeActions, shownText, submitActions } from '../helpers/shown.ts';
import { turns } from '../helpers/turns.ts';
import { contosoId, openTestStore, people, tailspinId, type TestStore } from '../helpers/testWorld.ts';
import { expectValidCard } from '../helpers/validateCard.ts';

const tia = tailspinOwner;
const cardOf = (reply: Partial<Activity> | undefined) => reply!.attachments![0]!.content as Record<string, unknown>;
/** "R-1016 R-1015 …": the reservations (or orders, requests) a card lists, in order. */
const idsOn = (card: Record<string, unknown>, prefix: string) => [...shownText(card).matchAll(new RegExp(`^\\*\\*(${prefix}-\\d+)\\*\\*`, 'gm'))].map((m) => m[1]).join(' ');
const range = (prefix: string, from: number, to: number) =>
  Array.from({ length: Math.abs(to - from) + 1 }, (_, i) => `${prefix}-${from > to ? from - i : from + i}`).join(' ');

/** Issue 13, item 12: every list can be paged, by typing `page N` and by Previous/Next on the card. */
describe('paging the lists (TestAdapter)', () => {
  let t: TestStore;
  let bot: ReturnType<typeof turns>;
  // Tailspin: 16 reservations R-1001…R-1016 (orders O-1001…O-1016), and a cancel request for each (REQ-1001…REQ-1016).
  before(async () => {
    t = await openTestStore(requestWorld());
    for (let i = 0; i < 16; i++) await tailspinReservation(t, '2026-01-31', 1);
    for (let i = 1; i <= 16; i++) {
      t.clock.set(`2026-02-01T10:${String(i).padStart(2, '0')}:00.000Z`);
      await ask(t, tia, `R-${1000 + i}`, { kind: 'Cancel' });
    }
    bot = turns(t.services);
  });
  after(() => t.dispose());

  it('`customers page 2` with five customers says there is only one page, on the card that shows it', async () => {
    const card = cardOf((await bot.say(people.admin, 'customers page 2'))[0]);
    expectValidCard(card);
    expect(shownText(card)).to.match(/^5 customers · select one to open it\nThere is only one page; page 2 does not exist\.\nCustomer\n/m).and.match(/Tailspin Toys/);
    expect(executeActions(card)).to.deep.equal([]);
  });

  it('a customer user with 16 reservations gets the newest 10 and Next page; Next shows the other 6, each with its change buttons', async () => {
    const first = cardOf((await bot.say(tia, 'reservations'))[0]);
    expectValidCard(first);
    expect(shownText(first)).to.match(/^16 reservations · page 1 of 2$/m);
    expect(idsOn(first, 'R')).to.equal(range('R', 1016, 1007));
    expect(executeActions(first).filter((a) => a.title.endsWith('page'))).to.deep.equal([{ title: 'Next page', verb: 'reservations.page', data: { customerId: tailspinId, page: 2 } }]);

    const { card: second } = await bot.click(tia, 'reservations.page', { customerId: tailspinId, page: 2 });
    expectValidCard(second);
    expect(shownText(second)).to.match(/^16 reservations · page 2 of 2$/m);
    expect(idsOn(second, 'R')).to.equal(range('R', 1006, 1001));
    expect(submitActions(second).map((a) => a.data)).to.deep.include.members([{ command: 'cancel R-1001' }, { command: 'exchange R-1001' }, { command: 'renew R-1001 on' }, { command: 'scope R-1001' }]);
    expect(executeActions(second).filter((a) => a.title.endsWith('page'))).to.deep.equal([{ title: 'Previous page', verb: 'reservations.page', data: { customerId: tailspinId, page: 1 } }]);
  });

  it('`reservations page 2` typed, and an agent\'s `reservations tailspin page 2`, show the same page', async () => {
    expect(idsOn(cardOf((await bot.say(tia, 'reservations page 2'))[0]), 'R')).to.equal(range('R', 1006, 1001));
    const agents = cardOf((await bot.say(people.sales, 'reservations tailspin page 2'))[0]);
    expect(idsOn(agents, 'R')).to.equal(range('R', 1006, 1001));
    expect(submitActions(agents), 'agents ask for no changes').to.deep.equal([]);
  });

  it('orders: 15 a page; Next shows the 16th', async () => {
    const first = cardOf((await bot.say(people.admin, 'orders tailspin'))[0]);
    expect(shownText(first)).to.match(/^16 orders · page 1 of 2$/m);
    expect(idsOn(first, 'O')).to.equal(range('O', 1016, 1002));
    const { card } = await bot.click(people.admin, 'orders.page', { customerId: tailspinId, page: 2 });
    expectValidCard(card);
    expect(idsOn(card, 'O')).to.equal('O-1001');
    expect(idsOn(cardOf((await bot.say(tia, 'orders page 2'))[0]), 'O')).to.equal('O-1001');
  });

  it('requests: 15 a page, by typing and by Next', async () => {
    const first = cardOf((await bot.say(tia, 'requests'))[0]);
    expect(shownText(first)).to.match(/^16 waiting for a decision · 16 requests in all · page 1 of 2$/m);
    expect(executeActions(first)).to.deep.equal([{ title: 'Next page', verb: 'requests.page', data: { page: 2 } }]);
    const { card } = await bot.click(people.admin, 'requests.page', { page: 2 });
    expectValidCard(card);
    expect(idsOn(card, 'REQ')).to.equal('REQ-1001');
    expect(idsOn(cardOf((await bot.say(people.admin, 'requests page 2'))[0]), 'REQ')).to.equal('REQ-1001');
  });

  it('log: Next keeps the filter, page by page, newest first; a page past the end says so', async () => {
    const first = cardOf((await bot.say(people.admin, 'log tailspin purchase azure'))[0]);
    expect(shownText(first)).to.match(/^Page 1, newest first · Tailspin Toys, Purchase Azure Reservation$/m);
    expect(shownText(first).match(/Purchase Azure Reservation\*\* · Succeeded/g)).to.have.length(15);
    const [next] = executeActions(first);
    expect(next).to.deep.equal({ title: 'Next page', verb: 'log.page', data: { customerId: tailspinId, operations: ['Purchase Azure Reservation'], page: 2 } });
    const { card } = await bot.click(people.admin, next!.verb, next!.data);
    expectValidCard(card);
    expect(shownText(card)).to.match(/^Page 2, newest first · Tailspin Toys, Purchase Azure Reservation$/m).and.match(/R-1001 in order O-1001/).and.not.match(/R-1002 /);
    expect(executeActions(card).map((a) => a.title)).to.deep.equal(['Previous page']);
    expect(shownText(cardOf((await bot.say(people.admin, 'log tailspin purchase azure page 9'))[0]))).to.match(/There are only 2 pages; this is the last\./).and.match(/R-1001 in order O-1001/);
  });

  it('a customer user pages only their own log, whatever the card asks for (R19)', async () => {
    const { card } = await bot.click(tia, 'log.page', { customerId: contosoId, page: 1 });
    expect(shownText(card)).to.match(/You can see only Tailspin Toys' account/).and.not.match(/Contoso/);
    const own = cardOf((await bot.say(tia, 'log page 2'))[0]);
    expect(shownText(own)).to.match(/^Page 2, newest first$/m).and.not.match(/Contoso|Fabrikam/);
  });

  it('a forged reservations page of another customer shows nothing of it (R19)', async () => {
    const { card } = await bot.click(tia, 'reservations.page', { customerId: contosoId, page: 1 });
    expect(shownText(card)).to.match(/You can see only Tailspin Toys' account/).and.not.match(/Contoso Ltd/);
  });

  it('a page that is not a whole number gets the usage', async () => {
    const reply = shownText((await bot.say(tia, 'reservations page two'))[0]!);
    expect(reply).to.match(/the page must be a whole number from 1, such as `page 2`/).and.match(/^Usage: \*\*reservations\*\* \[page \*n\*\]$/m);
  });
});
