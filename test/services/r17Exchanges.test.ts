import { expect } from 'chai';
import type { ChangeRequest } from '../../data/schemas.ts';
import type { ChangeInput } from '../../services/changeRules.ts';
import { ErrorCode } from '../../services/codedError.ts';
import { exchangeBar } from '../../services/exchangePlan.ts';
import { ada, plan, price, products, refusal, reservation, today, type Situation } from '../helpers/r17Subject.ts';

/**
 * R17's exchange rules on worked examples, on the rules alone (test/helpers/r17Subject.ts: no store): Azure's
 * restrictions by purchase date, and several reservations exchanged into one. Reservations are bought on 2026-01-31
 * for 1 year and exchanged on 2026-03-01 (336 days left) unless said otherwise.
 */
describe('R17 exchanges on worked examples (services/exchangePlan.ts)', () => {
  describe('(R17) exchange restrictions by purchase date', () => {
    const toD4 = { kind: 'Exchange', sku: 'D4', region: 'eastus', term: '1y', quantity: 1 } satisfies ChangeInput;
    const prices = [price('D4', 'eastus', 1200), price('SQL', 'eastus', 2500)];
    const bar = (sku: string, purchasedAt: string) => exchangeBar({ catalog: { products, prices } }, reservation(sku, 1, 600, purchasedAt));

    it("compute bought on 2023-12-31 and on 2024-01-01 alike may be exchanged: Azure's 1 January 2024 rule is postponed until further notice", () => {
      expect(bar('D2', '2023-12-31T12:00:00.000Z')).to.equal(undefined);
      expect(bar('D2', '2024-01-01T00:00:00.000Z')).to.equal(undefined);
    });

    it('a service savings plans cover, bought on 2027-01-31 (to its last millisecond), may be exchanged; bought on 2027-02-01, not', () => {
      expect(bar('D2', '2027-01-31T00:00:00.000Z')).to.equal(undefined);
      expect(bar('D2', '2027-01-31T23:59:59.999Z')).to.equal(undefined);
      expect(bar('D2', '2027-02-01T00:00:00.000Z')).to.match(/was bought on 2027-02-01, and Azure does not exchange reservations bought from 1 February 2027 for a service that Azure savings plans cover, such as D2 plan\.$/);
    });

    it('a service savings plans do not cover, bought on 2027-02-01, may still be exchanged', () => {
      expect(bar('SQL', '2027-02-01T00:00:00.000Z')).to.equal(undefined);
    });

    it('an exchange asked on 2027-03-01 of compute bought on 2027-02-01 is refused, suggesting a refund; of compute bought on 2027-01-31, planned', () => {
      const late = reservation('D2', 1, 600, '2027-02-01T09:00:00.000Z');
      const error = refusal(() => plan(late, toD4, '2027-03-01', { prices }), ErrorCode.ExchangeNotAllowed);
      expect(error.message).to.match(new RegExp(`Type \`cancel ${late.id}\` to ask for a refund instead\\. Nothing was asked\\.$`));
      expect(refusal(() => plan(late, toD4, '2027-03-01', { prices, viewer: ada }), ErrorCode.ExchangeNotAllowed).message).to.match(/Nothing was changed and the request is still pending/);
      const inTime = reservation('D2', 1, 600, '2027-01-31T09:00:00.000Z');
      expect(plan(inTime, toD4, '2027-03-01', { prices }).change).to.deep.include({ kind: 'Exchange', sku: 'D4' });
    });

    it('a reservation bought on 2027-02-01 may still be cancelled (refunded)', () => {
      expect(plan(reservation('D2', 1, 600, '2027-02-01T09:00:00.000Z'), { kind: 'Cancel' }, '2027-03-01').change).to.deep.equal({ kind: 'Cancel' });
    });
  });

  describe('(R17) several reservations exchanged into one', () => {
    // R-a: 2 × D2 at 600.00 bought 2026-01-31: 1200.00 × 336 / 365 = 1104.66.
    // R-b: 1 × D2 at 650.00 bought 2026-02-28 (to 2027-02-28, 365 days), 364 left on 2026-03-01: 650 × 364 / 365 = 648.22.
    // Credit 1104.66 + 648.22 = 1752.88.
    const setup = () => {
      const a = reservation('D2', 2, 600);
      const b = reservation('D2', 1, 650, '2026-02-28T08:00:00.000Z');
      return { a, b };
    };
    const prices = [price('D4', 'eastus', 1200), price('SQL', 'eastus', 2500)];
    const toD4 = (quantity: number, alsoReturned: string[]) => ({ kind: 'Exchange', sku: 'D4', region: 'eastus', term: '1y', quantity, alsoReturned }) satisfies ChangeInput;

    it('the credit is the sum of their unused values, each listed: 1104.66 + 648.22 = 1752.88 towards 2 × 1200.00, 647.12 due', () => {
      const { a, b } = setup();
      const { change, figures, alsoReturned } = plan(a, toD4(2, [b.id.toLowerCase()]), today, { prices, others: [b] });
      expect(change).to.deep.equal({ kind: 'Exchange', sku: 'D4', region: 'eastus', term: 'P1Y', quantity: 2, alsoReturned: [b.id] });
      expect(alsoReturned!.map((r) => r.id)).to.deep.equal([b.id]);
      expect(figures).to.deep.equal({
        asOf: today,
        totalDays: 365,
        remainingDays: 336,
        unusedValue: 1752.88,
        currency: 'USD',
        quantity: 2,
        unitPrice: 600,
        priceBasis: 'Paid',
        newTotal: 2400,
        due: 647.12,
        returned: [
          { reservationId: a.id, totalDays: 365, remainingDays: 336, unusedValue: 1104.66, quantity: 2, unitPrice: 600, priceBasis: 'Paid' },
          { reservationId: b.id, totalDays: 365, remainingDays: 364, unusedValue: 648.22, quantity: 1, unitPrice: 650, priceBasis: 'Paid' },
        ],
      });
    });

    it('the new total must be at least the whole credit: 1 × 1200.00 is less than 1752.88', () => {
      const { a, b } = setup();
      const error = refusal(() => plan(a, toD4(1, [b.id]), today, { prices, others: [b] }), ErrorCode.ExchangeNotAllowed);
      expect(error.message).to.include(`must be at least the credit from ${a.id}, ${b.id} (USD 1,752.88)`);
    });

    it('each is counted at the lower of its price paid and today\'s: at D2 600.00 today, R-b counts 600 × 364 / 365 = 598.36', () => {
      const { a, b } = setup();
      const { figures } = plan(a, toD4(2, [b.id]), today, { prices: [...prices, price('D2', 'eastus', 600)], others: [b] });
      expect(figures!.returned![1]).to.deep.include({ unitPrice: 600, priceBasis: 'Today', unusedValue: 598.36 });
      expect(figures!.unusedValue).to.equal(1703.02);
    });

    it('refused: another product type, another currency, one ended, one a pending request names, one not the customer\'s, one named twice, one bought too late, more than 10', () => {
      const { a, b } = setup();
      const sql = reservation('SQL', 1, 2500);
      const euro = reservation('D2', 1, 500, undefined, { currency: 'EUR', region: 'westeurope' });
      const ended = reservation('D2', 1, 600, undefined, { status: 'Cancelled', endedOn: '2026-02-20' });
      const late = reservation('D2', 1, 600, '2027-02-01T08:00:00.000Z');
      const waiting = { id: 'REQ-7', reservationId: 'R-elsewhere', change: { kind: 'Exchange', sku: 'D4', region: 'eastus', term: 'P1Y', quantity: 1, alsoReturned: [b.id] }, state: 'Pending' } as ChangeRequest;
      const cases: [string, string[], Situation, string, RegExp][] = [
        ['another type', [sql.id], { others: [sql] }, ErrorCode.ExchangeNotAllowed, new RegExp(`one product type: ${a.id} is VirtualMachines, and ${sql.id} is SqlDatabase\\. Leave it out of the exchange\\.`)],
        ['another currency', [euro.id], { others: [euro] }, ErrorCode.ExchangeNotAllowed, /paid in one currency/],
        ['ended', [ended.id], { others: [ended] }, ErrorCode.ExchangeNotAllowed, new RegExp(`${ended.id} was cancelled on 2026-02-20`)],
        ['named by a pending request', [b.id], { others: [b], pending: [waiting] }, ErrorCode.ExchangeNotAllowed, new RegExp(`${b.id} is named by REQ-7 \\(exchange of R-elsewhere\\), which waits for a decision`)],
        ['not the customer\'s', ['R-9999'], { others: [b] }, ErrorCode.ReservationNotFound, /You have no reservation "R-9999"/],
        ['named twice', [b.id, b.id], { others: [b] }, ErrorCode.ExchangeNotAllowed, new RegExp(`${b.id} is named twice`)],
        ['the reservation itself', [a.id], {}, ErrorCode.ExchangeNotAllowed, new RegExp(`${a.id} is named twice`)],
        ['bought on 2027-02-01', [late.id], { others: [late] }, ErrorCode.ExchangeNotAllowed, /bought from 1 February 2027/],
        ['ten others', Array.from({ length: 10 }, (_, i) => `R-x${i}`), {}, ErrorCode.ExchangeNotAllowed, /at most 10 reservations into one/],
      ];
      for (const [what, others, situation, code, says] of cases) {
        const error = refusal(() => plan(a, toD4(3, others), today, { prices, ...situation }), code);
        expect(error.message, what).to.match(says);
      }
    });

    it('nine others is as many as one exchange takes', () => {
      const a = reservation('D2', 1, 600);
      const nine = Array.from({ length: 9 }, () => reservation('D2', 1, 600));
      const { figures } = plan(a, toD4(10, nine.map((r) => r.id)), today, { prices, others: nine });
      // Ten of 600.00 × 336 / 365 = 552.33 each (55,232.88… cents → 55,233): 5523.30, towards 10 × 1200.00.
      expect(figures).to.deep.include({ unusedValue: 5523.3, newTotal: 12_000, due: 6476.7 });
      expect(figures!.returned).to.have.length(10);
    });
  });
});
