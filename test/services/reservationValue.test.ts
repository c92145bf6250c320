import { expect } from 'chai';
import { orderSchema, valueFiguresSchema, type Order, type Reservation, type Term } from '../../data/schemas.ts';
import { capWindowStart, refundAllowance, refundCap, unusedValue } from '../../services/reservationValue.ts';
import { daysBetween, expiryDate } from '../../services/terms.ts';

type Priced = Pick<Reservation, 'purchasedAt' | 'expiresOn' | 'total' | 'currency'>;

/** A reservation bought at `purchasedAt` for `term`, expiring on expiryDate(purchase day, term). */
const reservation = (purchasedAt: string, term: Term, total: number, currency = 'USD'): Priced => ({
  purchasedAt,
  expiresOn: expiryDate(purchasedAt.slice(0, 10), term),
  total,
  currency,
});

describe('reservation value (services/reservationValue.ts, R17)', () => {
  describe('unusedValue: pro rata by whole UTC days, to the nearest cent', () => {
    // [what, reservation, today, expiresOn, totalDays, remainingDays, unusedValue]
    const cases: [string, Priced, string, string, number, number, number][] = [
      // 2026-01-31 → 2027-01-31: 365 days (no 29 February in between).
      // 2026-01-31 → 2026-03-01 is 29 days (Jan 31 → Feb 28: 28, → Mar 1: 1), so 365 − 29 = 336 remain.
      // 1200 × 336 / 365 = 1104.6575… → 1104.66
      ['across the end of February in a non-leap year', reservation('2026-01-31T10:00:00Z', 'P1Y', 1200), '2026-03-01', '2027-01-31', 365, 336, 1104.66],

      // 2027-06-15 → 2028-06-15: 366 days (contains 2028-02-29).
      // 2028-02-28 → 2028-06-15: Feb 28 → Mar 1 = 2, Mar 1 → Jun 15 = 31 + 30 + 31 + 14 = 106, total 108.
      // 3650 × 108 / 366 = 1077.0491… → 1077.05
      ['a leap year, ended on 28 February', reservation('2027-06-15T09:00:00Z', 'P1Y', 3650), '2028-02-28', '2028-06-15', 366, 108, 1077.05],
      // 2028-02-29 → 2028-06-15: 107. 3650 × 107 / 366 = 1067.0765… → 1067.08
      ['a leap year, ended on 29 February', reservation('2027-06-15T09:00:00Z', 'P1Y', 3650), '2028-02-29', '2028-06-15', 366, 107, 1067.08],
      // 2028-03-01 → 2028-06-15: 106. 3650 × 106 / 366 = 1057.1038… → 1057.10
      ['a leap year, ended on 1 March', reservation('2027-06-15T09:00:00Z', 'P1Y', 3650), '2028-03-01', '2028-06-15', 366, 106, 1057.1],

      // Bought 2028-02-29, 3 years: expiryDate clamps to 2031-02-28.
      // 2028-02-29 → 2029-02-28 = 365, 2029-02-28 → 2031-02-28 = 365 + 365 = 730; total 1095.
      // Ended 2029-02-28: 730 remain. 1000 × 730 / 1095 = 666.666… → 666.67
      ['a 3-year term from 29 February (expiry clamped to 28 February)', reservation('2028-02-29T12:00:00Z', 'P3Y', 1000), '2029-02-28', '2031-02-28', 1095, 730, 666.67],

      // Ended on its purchase day: no day used, 365 of 365 remain → the full 1200.00.
      ['ended on its purchase day: a full refund', reservation('2026-01-31T10:00:00Z', 'P1Y', 1200), '2026-01-31', '2027-01-31', 365, 365, 1200],
      // The purchase time does not matter, only its UTC day: bought at 23:59:59Z on 2026-01-31, still 365 days.
      ['bought late in the UTC day, ended the same day: a full refund', reservation('2026-01-31T23:59:59.999Z', 'P1Y', 1200), '2026-01-31', '2027-01-31', 365, 365, 1200],
      // Ended the day before expiry: 1 of 365 remains. 1200 / 365 = 3.2876… → 3.29
      ['ended the day before expiry: one day’s worth', reservation('2026-01-31T10:00:00Z', 'P1Y', 1200), '2027-01-30', '2027-01-31', 365, 1, 3.29],
      // 1 of 366 remains. 3650 / 366 = 9.9726… → 9.97
      ['ended the day before expiry of a 366-day term: one day’s worth', reservation('2027-06-15T09:00:00Z', 'P1Y', 3650), '2028-06-14', '2028-06-15', 366, 1, 9.97],
      // Valued before its purchase day (2026-01-30 → 2027-01-31 is 366 days): never more than the term, so 365 of 365 → 1200.00.
      ['valued the day before its purchase day: never more than the total', reservation('2026-01-31T10:00:00Z', 'P1Y', 1200), '2026-01-30', '2027-01-31', 365, 365, 1200],
      // Ended on its expiry day: 0 remain → 0.
      ['ended on its expiry day: nothing', reservation('2026-01-31T10:00:00Z', 'P1Y', 1200), '2027-01-31', '2027-01-31', 365, 0, 0],
      // Ended after its expiry: remaining days never go below 0.
      ['ended after its expiry: nothing, and never negative', reservation('2026-01-31T10:00:00Z', 'P1Y', 1200), '2027-03-15', '2027-01-31', 365, 0, 0],

      // Rounding. 100.00 over 365 days, 1 day left: 100 / 365 = 0.27397… → 0.27 (rounds down)
      ['rounding: 100.00 over 365 days with 1 day left is 0.27', reservation('2026-01-31T10:00:00Z', 'P1Y', 100), '2027-01-30', '2027-01-31', 365, 1, 0.27],
      // 100.00 over 365 days, 2 days left: 200 / 365 = 0.54794… → 0.55 (rounds up)
      ['rounding: 100.00 over 365 days with 2 days left is 0.55', reservation('2026-01-31T10:00:00Z', 'P1Y', 100), '2027-01-29', '2027-01-31', 365, 2, 0.55],
      // An exact half cent: 549183 cents over 366 days, 1 day left = 1500.5 cents → 1501 cents = 15.01 (half up)
      ['rounding: an exact half cent (15.005) rounds up to 15.01', reservation('2027-06-15T09:00:00Z', 'P1Y', 5491.83), '2028-06-14', '2028-06-15', 366, 1, 15.01],
      // Half cents that only come out right when counted in whole cents (in float dollars they come out a hair below .5):
      // 305 cents over 366 days, 3 days left (2028-06-12 → 2028-06-15): 305 × 3 / 366 = 2.5 cents → 3 cents = 0.03
      ['rounding: 3.05 over 366 days with 3 days left is exactly 2.5 cents, so 0.03', reservation('2027-06-15T09:00:00Z', 'P1Y', 3.05), '2028-06-12', '2028-06-15', 366, 3, 0.03],
      // 1647 cents over 366 days, ended 2028-02-29 (107 left): 1647 × 107 / 366 = 481.5 cents → 482 cents = 4.82
      ['rounding: 16.47 ended on 29 February is exactly 481.5 cents, so 4.82', reservation('2027-06-15T09:00:00Z', 'P1Y', 16.47), '2028-02-29', '2028-06-15', 366, 107, 4.82],
      // 0.10 over 365 days, 1 day left: 10 / 365 = 0.027 cents → 0.00
      ['rounding: less than half a cent is 0.00', reservation('2026-01-31T10:00:00Z', 'P1Y', 0.1), '2027-01-30', '2027-01-31', 365, 1, 0],

      // R17 exchange: the unused value credited. Bought 2026-08-31, 1 year → 2027-08-31: 365 days.
      // 2026-08-31 → 2026-09-30 = 30 days used, 335 remain. 2400 × 335 / 365 = 2202.7397… → 2202.74
      ['month end: bought 31 August, ended 30 September', reservation('2026-08-31T08:00:00Z', 'P1Y', 2400), '2026-09-30', '2027-08-31', 365, 335, 2202.74],

      // Another currency: figures are in the reservation's currency. 2026-01-31 → 2026-07-31 = 181 days used, 184 remain.
      // 999.99 × 184 / 365 = 504.1046… → 504.10
      ['in the reservation’s currency (EUR)', reservation('2026-01-31T10:00:00Z', 'P1Y', 999.99, 'EUR'), '2026-07-31', '2027-01-31', 365, 184, 504.1],
    ];
    for (const [what, priced, today, expiresOn, totalDays, remainingDays, value] of cases) {
      it(`(R17) ${what}: ${remainingDays} of ${totalDays} days left on ${today}, ${priced.currency} ${value.toFixed(2)} of ${priced.total.toFixed(2)}`, () => {
        expect(priced.expiresOn).to.equal(expiresOn);
        expect(unusedValue(priced, today)).to.deep.equal({ asOf: today, totalDays, remainingDays, unusedValue: value, currency: priced.currency });
      });
    }

    it('(R17) the day counts agree with a plain UTC date computation', () => {
      // Cross-check of the hand-counted days above against Date.UTC.
      const days = (from: [number, number, number], to: [number, number, number]) => (Date.UTC(to[0], to[1] - 1, to[2]) - Date.UTC(from[0], from[1] - 1, from[2])) / 86_400_000;
      expect(days([2026, 1, 31], [2027, 1, 31])).to.equal(365);
      expect(days([2026, 3, 1], [2027, 1, 31])).to.equal(336);
      expect(days([2027, 6, 15], [2028, 6, 15])).to.equal(366);
      expect([days([2028, 2, 28], [2028, 6, 15]), days([2028, 2, 29], [2028, 6, 15]), days([2028, 3, 1], [2028, 6, 15])]).to.deep.equal([108, 107, 106]);
      expect(days([2028, 2, 29], [2031, 2, 28])).to.equal(1095);
      expect(days([2029, 2, 28], [2031, 2, 28])).to.equal(730);
      expect(days([2026, 9, 30], [2027, 8, 31])).to.equal(335);
      expect(daysBetween('2026-03-01', '2027-01-31')).to.equal(336);
    });

    it('(R17) each day of a 366-day term loses a share, from the full total on the purchase day to 0 on expiry, in whole cents', () => {
      const priced = reservation('2027-06-15T09:00:00Z', 'P1Y', 3650);
      let previous = Infinity;
      for (let day = 0; day <= 366; day++) {
        const today = new Date(Date.UTC(2027, 5, 15 + day)).toISOString().slice(0, 10);
        const figures = unusedValue(priced, today);
        expect(figures.remainingDays, today).to.equal(366 - day);
        expect(figures.unusedValue, today).to.equal(Math.round((365_000 * (366 - day)) / 366) / 100);
        expect(figures.unusedValue, today).to.be.at.most(previous);
        previous = figures.unusedValue;
      }
      expect(previous).to.equal(0);
    });

    // Money never picks up floating-point dust: the amount is exactly the double of a whole number of cents,
    // and passes the schema's whole-cents rule.
    const dusty: [number, string, string, number][] = [
      // 0.30 over 365, 146 days left (2026-09-07 → 2027-01-31): 30 × 146 / 365 = 12 cents → 0.12
      [0.3, '2026-01-31T00:00:00Z', '2026-09-07', 0.12],
      // 19.99 over 365, 336 left: 1999 × 336 / 365 = 1840.17… → 18.40
      [19.99, '2026-01-31T00:00:00Z', '2026-03-01', 18.4],
      // 1234.56 over 365, 336 left: 123456 × 336 / 365 = 113647.167… cents → 1136.47
      [1234.56, '2026-01-31T00:00:00Z', '2026-03-01', 1136.47],
      // 0.07 over 365, 336 left: 7 × 336 / 365 = 6.44… → 0.06
      [0.07, '2026-01-31T00:00:00Z', '2026-03-01', 0.06],
    ];
    for (const [total, purchasedAt, today, value] of dusty) {
      it(`(R17) ${total.toFixed(2)} ended on ${today} is exactly ${value.toFixed(2)}, in whole cents without floating-point dust`, () => {
        const figures = unusedValue(reservation(purchasedAt, 'P1Y', total), today);
        expect(figures.unusedValue).to.equal(value);
        expect(figures.unusedValue).to.equal(Math.round(figures.unusedValue * 100) / 100);
        expect(Number(figures.unusedValue.toFixed(2))).to.equal(figures.unusedValue);
        expect(valueFiguresSchema.safeParse(figures).success).to.equal(true);
      });
    }

    it('(R17) exchange: the credit is the unused value on the exchange day, and the new term starts that day', () => {
      // Bought 2026-08-31 for 2400.00, 1 year (to 2027-08-31, 365 days); exchanged 2026-09-30: 335 days left.
      // Credit = 2400 × 335 / 365 = 2202.7397… → 2202.74; the same figure a cancel that day would refund.
      const old = reservation('2026-08-31T08:00:00Z', 'P1Y', 2400);
      const credit = unusedValue(old, '2026-09-30');
      expect(credit).to.deep.equal({ asOf: '2026-09-30', totalDays: 365, remainingDays: 335, unusedValue: 2202.74, currency: 'USD' });
      // The new reservation's term starts on the exchange day: a new 1-year term from 2026-09-30 ends 2027-09-30 and,
      // valued that same day, is worth its full total.
      const replacement = reservation('2026-09-30T15:00:00Z', 'P1Y', 3000);
      expect(replacement.expiresOn).to.equal('2027-09-30');
      expect(unusedValue(replacement, '2026-09-30')).to.deep.include({ totalDays: 365, remainingDays: 365, unusedValue: 3000 });
    });
  });

  describe('the refund cap over any rolling 12 months', () => {
    it('(R17) the cap is USD 50,000', () => {
      expect(refundCap).to.deep.equal({ amount: 50_000, currency: 'USD' });
    });

    const windows: [string, string, string][] = [
      ['2026-11-24', '2025-11-25', 'the day after the same date a year before'],
      ['2028-02-29', '2027-03-01', 'from 29 February: the day after 28 February a year before'],
      ['2027-03-01', '2026-03-02', 'from 1 March: the day after 1 March a year before'],
      ['2026-01-01', '2025-01-02', 'across a year end'],
      ['2028-03-01', '2027-03-02', 'a window that contains 29 February (366 days)'],
      ['2029-02-28', '2028-02-29', 'to 28 February after a leap year: starts on 29 February'],
    ];
    for (const [today, start, what] of windows) {
      it(`(R17) capWindowStart(${today}) is ${start}: ${what}`, () => {
        expect(capWindowStart(today)).to.equal(start);
      });
    }
  });

  describe('refundAllowance: the cap less the USD refunds in the rolling 12 months', () => {
    let seq = 0;
    const order = (type: Order['type'], at: string, amount: number, currency = 'USD', extra: Partial<Order> = {}): Order =>
      orderSchema.parse({
        id: `O-${++seq}`,
        type,
        customerId: 'C-1',
        at,
        by: { tenantId: 'partner-tenant', userId: 'admin-1', name: 'Ada Admin', role: 'AdminAgent' },
        billedTo: { tenantId: 'partner-tenant', name: 'Partner Ltd' },
        reservationId: `R-${seq}`,
        description: `${type} for the test`,
        billingPlan: 'Upfront',
        amount,
        currency,
        ...extra,
      });

    const today = '2026-11-24'; // the window is [2025-11-25, 2026-11-24]

    it('(R17) with no orders the whole USD 50,000 is left', () => {
      expect(refundAllowance([], today)).to.equal(50_000);
    });

    it('(R17) a refund of 12,345.67 within the window leaves 37,654.33', () => {
      // 5,000,000 − 1,234,567 cents = 3,765,433 cents
      expect(refundAllowance([order('Refund', '2026-06-01T12:00:00Z', 12_345.67, 'USD', { requestId: 'REQ-1' })], today)).to.equal(37_654.33);
    });

    it('(R17) refunds add up in whole cents: 0.10 + 0.20 leaves exactly 49,999.70', () => {
      expect(refundAllowance([order('Refund', '2026-06-01T12:00:00Z', 0.1), order('Refund', '2026-06-02T12:00:00Z', 0.2)], today)).to.equal(49_999.7);
    });

    it('(R17) a refund on the first day of the window (2025-11-25, 00:00Z) counts', () => {
      expect(refundAllowance([order('Refund', '2025-11-25T00:00:00.000Z', 1_000)], today)).to.equal(49_000);
    });

    it('(R17) a refund late on the first day of the window counts', () => {
      expect(refundAllowance([order('Refund', '2025-11-25T23:59:59.999Z', 1_000)], today)).to.equal(49_000);
    });

    it('(R17) a refund on the day before the window (2025-11-24, the same date a year ago) does not count', () => {
      expect(refundAllowance([order('Refund', '2025-11-24T23:59:59.999Z', 1_000)], today)).to.equal(50_000);
    });

    it('(R17) a refund today, late in the UTC day, counts', () => {
      expect(refundAllowance([order('Refund', '2026-11-24T23:59:59.999Z', 2_500.5)], today)).to.equal(47_499.5);
    });

    it('(R17) a refund dated after today does not count', () => {
      expect(refundAllowance([order('Refund', '2026-11-25T00:00:00.000Z', 2_500)], today)).to.equal(50_000);
    });

    it('(R17) the window ending 2028-02-29 starts 2027-03-01: a refund on 2027-02-28 does not count, one on 2027-03-01 does', () => {
      const orders = [order('Refund', '2027-02-28T12:00:00Z', 100), order('Refund', '2027-03-01T12:00:00Z', 200)];
      expect(refundAllowance(orders, '2028-02-29')).to.equal(49_800);
    });

    it('(R17) purchases, renewals and exchanges never count against the cap (exchanges do not count)', () => {
      const orders = [
        order('Purchase', '2026-06-01T12:00:00Z', 40_000, 'USD', { quoteId: 'Q-1' }),
        order('Exchange', '2026-07-01T12:00:00Z', 45_000, 'USD', { credit: 30_000, requestId: 'REQ-2' }),
        order('Renewal', '2026-08-01T12:00:00Z', 40_000),
      ];
      expect(refundAllowance(orders, today)).to.equal(50_000);
      // …and with a refund among them, only the refund counts.
      expect(refundAllowance([...orders, order('Refund', '2026-09-01T12:00:00Z', 7_000)], today)).to.equal(43_000);
    });

    it('(R17) current behaviour: refunds in another currency (EUR, GBP) are not counted against the USD cap', () => {
      const orders = [order('Refund', '2026-06-01T12:00:00Z', 30_000, 'EUR'), order('Refund', '2026-06-02T12:00:00Z', 30_000, 'GBP'), order('Refund', '2026-06-03T12:00:00Z', 1_000, 'USD')];
      expect(refundAllowance(orders, today)).to.equal(49_000);
    });

    it('(R17) refunds of exactly the cap leave 0', () => {
      expect(refundAllowance([order('Refund', '2026-01-10T12:00:00Z', 20_000), order('Refund', '2026-10-10T12:00:00Z', 30_000)], today)).to.equal(0);
    });

    it('(R17) refunds totalling more than the cap leave 0, never a negative allowance', () => {
      const orders = [order('Refund', '2026-01-10T12:00:00Z', 30_000), order('Refund', '2026-10-10T12:00:00Z', 25_000.01)];
      const left = refundAllowance(orders, today);
      expect(left).to.equal(0);
      expect(Object.is(left, -0)).to.equal(false);
    });

    it('(R17) the allowance comes back as old refunds leave the rolling window', () => {
      // A 50,000 refund on 2025-12-01 uses the whole cap until 2026-12-01; on 2026-12-01 the window starts 2025-12-02.
      const orders = [order('Refund', '2025-12-01T09:00:00Z', 50_000)];
      expect(refundAllowance(orders, '2026-11-30')).to.equal(0);
      expect(refundAllowance(orders, '2026-12-01')).to.equal(50_000);
    });
  });
});
