import { expect } from 'chai';
import type { LogEntry } from '../../data/schemas.ts';
import { changeInWords } from '../../services/changeInWords.ts';
import { Operation } from '../../services/operations.ts';
import { logEntries, tailspinOwner } from '../helpers/buying.ts';
import { ask, decide, requestWorld, tailspinReservation } from '../helpers/requesting.ts';
import { contosoId, openTestStore, people, personOf, type TestStore } from '../helpers/testWorld.ts';

/** Issue 13, item 11: a log entry's before and after, in the words a partner's admin reads (the log card's and the dashboard's). */
describe('changeInWords (services/changeInWords.ts)', () => {
  let t: TestStore;
  let entries: LogEntry[];
  before(async () => {
    t = await openTestStore(requestWorld());
    const ada = await personOf(t.services, people.admin);
    await t.services.permissions.set(ada, contosoId, true);
    await t.services.prices.set(ada, 'Standard_D2s_v5', 'eastus', 'P1Y', '612.50');
    await t.services.prices.set(ada, 'Standard_D2s_v5', 'westeurope', 'P1Y', 'none');
    await t.services.settings.setPurchaseNotifications(ada, true);
    await t.services.settings.setRequestLifetime(ada, '14');
    const reservationId = await tailspinReservation(t); // 2 × USD 612.50 on 2026-01-31, expiring 2027-01-31
    t.clock.set('2026-03-01T12:00:00.000Z');
    await ask(t, tailspinOwner, reservationId, { kind: 'Cancel' });
    await decide(t, 'REQ-1001', 'Approved');
    entries = await logEntries(t);
  });
  after(() => t.dispose());

  const wordsOf = (operation: string, nth = 0) => {
    const entry = entries.filter((e) => e.operation === operation)[nth]!;
    return changeInWords(entry.before, entry.after);
  };

  it('R6: the permission is a switch, Off → On', () => {
    expect(wordsOf(Operation.CreateCustomerPurchasePermissions)).to.deep.equal(['Permission: Off → On']);
  });

  it('R10: a partner price is money in its currency, and a withdrawn one is none', () => {
    expect(wordsOf(Operation.SetPartnerPrice, 1)).to.deep.equal(['Partner price: USD 600.00 → USD 612.50', 'Web Direct price: USD 700.00']);
    expect(wordsOf(Operation.SetPartnerPrice, 0)).to.deep.equal(['Partner price: USD 650.50 → none', 'Web Direct price: USD 750.00']);
  });

  it('R12: settings in words: notifications a switch, the request expiry in days', () => {
    expect(wordsOf(Operation.ChangePartnerSettings, 1)).to.deep.equal(['Purchase notifications: Off → On']);
    expect(wordsOf(Operation.ChangePartnerSettings, 0)).to.deep.equal(['Request expiry: 7 days → 14 days']);
  });

  it('R11: a purchase says what was bought: product, term in years, money, dates', () => {
    expect(wordsOf(Operation.PurchaseReservation)).to.deep.equal([
      'Order: O-1001',
      'Reservation: R-1001',
      'Quantity: 2',
      'Product: Standard_D2s_v5',
      'Region: eastus',
      'Term: 1 year',
      'Billing plan: Upfront',
      'Billing subscription: sub-tailspin-plan',
      'Scope: Shared',
      'Expires on: 2027-01-31',
      'Amount: USD 1,225.00',
      'Billed to: Test Partner',
    ]);
  });

  it('R16, R17: a request, its approval and the cancel it carried out', () => {
    const [asked] = wordsOf(Operation.RequestChange).filter((w) => w.startsWith('Expires'));
    expect(asked).to.equal('Expires at: 2026-03-15 12:00 UTC');
    expect(wordsOf(Operation.RequestChange)).to.include.members(['Request: REQ-1001', 'Request state: Pending', 'Change: kind Cancel']);
    expect(wordsOf(Operation.ApproveRequest)).to.deep.equal(['Request state: Pending → Approved']);
    expect(wordsOf(Operation.CancelReservation)).to.include.members(['Status: Active → Cancelled', 'Ended on: 2026-03-01', 'Days in the term: 365', 'Refund allowance left before: USD 50,000.00']);
  });

  it('no values (a refusal) say nothing; a field only before says what it was', () => {
    expect(changeInWords(undefined, undefined)).to.deep.equal([]);
    expect(changeInWords({ enabled: true, sku: 'A' }, { sku: 'A' })).to.deep.equal(['Permission: On → none']);
    expect(changeInWords({ value: 3 }, 4)).to.deep.equal(['Value: 3 → 4']);
  });

  it('an unknown field falls back to its key split into words', () => {
    expect(changeInWords(undefined, { someNewCount: 3, flagged: false })).to.deep.equal(['Some new count: 3', 'Flagged: No']);
  });
});
