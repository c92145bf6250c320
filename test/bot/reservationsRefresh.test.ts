import { expect } from 'chai';
import { tailspinOwner } from '../helpers/buying.ts';
import { ask, decide, requestWorld, tailspinReservation } from '../helpers/requesting.ts';
import { shownLines, shownText, submitActions } from '../helpers/shown.ts';
import { turns } from '../helpers/turns.ts';
import { openTestStore, tailspinId, type TestStore } from '../helpers/testWorld.ts';
import { expectValidCard } from '../helpers/validateCard.ts';

const tia = tailspinOwner;

/** What a card shows under one reservation: its lines from its heading to the next reservation's. */
function under(card: Record<string, unknown>, reservationId: string): string[] {
  const lines = shownLines(card);
  const from = lines.findIndex((l) => l.startsWith(`**${reservationId}**`));
  const to = lines.findIndex((l, i) => i > from && l.startsWith('**R-'));
  return lines.slice(from, to < 0 ? undefined : to);
}

/** Issue 13, item 13: an old reservations card does not keep offering to change a reservation that has ended. */
describe('the reservations card after a reservation has ended (TestAdapter, R15–R17)', () => {
  let t: TestStore;
  let bot: ReturnType<typeof turns>;
  beforeEach(async () => {
    t = await openTestStore(requestWorld());
    await tailspinReservation(t); // R-1001
    await tailspinReservation(t, '2026-02-01'); // R-1002
    bot = turns(t.services);
  });
  afterEach(() => t.dispose());

  it('the card asks Teams to refresh it for the person who asked; after a cancel is approved the refresh has no buttons under that reservation', async () => {
    const [reply] = await bot.say(tia, 'reservations');
    const card = reply!.attachments![0]!.content as { refresh: { action: { type: string; verb: string; data: Record<string, unknown> }; userIds: string[] } };
    expect(card.refresh).to.deep.equal({ action: { type: 'Action.Execute', title: 'Refresh', verb: 'reservations.page', data: { customerId: tailspinId, page: 1 } }, userIds: ['29:tailspin-owner'] });
    expect(under(card, 'R-1001')).to.include.members(['[Exchange]', '[Cancel]', '[Turn auto-renew on]', '[Change scope]']);

    t.clock.set('2026-03-01T12:00:00.000Z');
    await ask(t, tia, 'R-1001', { kind: 'Cancel' });
    await decide(t, 'REQ-1001', 'Approved');

    // Teams sends the refresh as an adaptiveCard/action invoke when Tia views the card again.
    const { status, card: now } = await bot.click(tia, card.refresh.action.verb, card.refresh.action.data);
    expect(status).to.equal(200);
    expectValidCard(now);
    expect(under(now, 'R-1001')[0]).to.equal('**R-1001** · 2 × Virtual Machines D2s v5 · eastus · 1 year · Cancelled on 2026-03-01');
    expect(under(now, 'R-1001').filter((line) => line.startsWith('['))).to.deep.equal([]);
    expect(under(now, 'R-1002')).to.include('[Cancel]');
    expect((now as typeof card).refresh.userIds, 'and it keeps refreshing').to.deep.equal(['29:tailspin-owner']);
  });

  it("an old card's buttons under an ended reservation get a clear answer and no form", async () => {
    const [reply] = await bot.say(tia, 'reservations');
    const old = submitActions(reply!.attachments![0]!.content).filter((a) => JSON.stringify(a.data).includes('R-1001'));
    expect(old.map((a) => a.title)).to.deep.equal(['Exchange', 'Cancel', 'Turn auto-renew on', 'Change scope']);
    t.clock.set('2026-03-01T12:00:00.000Z');
    await ask(t, tia, 'R-1001', { kind: 'Cancel' });
    await decide(t, 'REQ-1001', 'Approved');

    for (const button of old) {
      const answer = (await bot.submit(tia, button.data)).map(shownText).join('\n');
      expect(answer, button.title).to.equal('R-1001 was cancelled on 2026-03-01, so it can no longer be changed.');
    }
  });

  it('an exchanged reservation points to the one it became', async () => {
    t.clock.set('2026-03-01T12:00:00.000Z');
    await ask(t, tia, 'R-1001', { kind: 'Exchange', sku: 'Standard_D4s_v5', region: 'eastus', term: '1y', quantity: 1 });
    await decide(t, 'REQ-1001', 'Approved');
    const answer = (await bot.say(tia, 'scope R-1001')).map(shownText).join('\n');
    expect(answer).to.equal('R-1001 was exchanged on 2026-03-01 for R-1003, so it can no longer be changed. Ask for changes to R-1003 instead.');
  });
});
