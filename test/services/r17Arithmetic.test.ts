import { expect } from 'chai';
import type { ChangeInput } from '../../services/changeRules.ts';
import { ErrorCode } from '../../services/codedError.ts';
import { inUsd, refundAllowance, returnedAt, unusedValue } from '../../services/reservationValue.ts';
import { ada, plan, price, refund, refusal, reservation, today } from '../helpers/r17Subject.ts';

/**
 * R17's arithmetic on worked examples, on the rules alone (test/helpers/r17Subject.ts: no store). Every figure is
 * worked out by hand in the comment beside it. Reservations are bought on 2026-01-31 for 1 year (to 2027-01-31,
 * 365 days) and valued on 2026-03-01, with 336 days left, unless said otherwise.
 */

describe('R17 arithmetic on worked examples (services/cancelPlan.ts, reservationValue.ts)', () => {
  describe('(R17) a return is counted at the lower of the price paid and today\'s partner price', () => {
    it("today's price lower (USD 550.00 a unit, paid 600.00): 2 × 550.00 × 336 / 365 = 1012.60, counted at today's price", () => {
      // 110,000 cents × 336 / 365 = 101,260.27… → 101,260 cents.
      const { figures } = plan(reservation('D2', 2, 600), { kind: 'Cancel' }, today, { prices: [price('D2', 'eastus', 550)] });
      expect(figures).to.deep.equal({ asOf: today, totalDays: 365, remainingDays: 336, unusedValue: 1012.6, currency: 'USD', quantity: 2, unitPrice: 550, priceBasis: 'Today', allowance: 50_000 });
    });

    it("today's price higher (USD 650.00): counted at the 600.00 paid, 1200.00 × 336 / 365 = 1104.66", () => {
      const { figures } = plan(reservation('D2', 2, 600), { kind: 'Cancel' }, today, { prices: [price('D2', 'eastus', 650)] });
      expect(figures).to.deep.include({ unusedValue: 1104.66, unitPrice: 600, priceBasis: 'Paid' });
    });

    it('the same price today: counted as paid', () => {
      expect(returnedAt({ unitPrice: 600, currency: 'USD' }, price('D2', 'eastus', 600), 2)).to.deep.equal({ quantity: 2, unitPrice: 600, priceBasis: 'Paid' });
    });

    it('no partner price today, no row at all, or a row in another currency: counted at the price paid', () => {
      const paid = { quantity: 2, unitPrice: 600, priceBasis: 'Paid' };
      expect(returnedAt({ unitPrice: 600, currency: 'USD' }, price('D2', 'eastus', undefined), 2)).to.deep.equal(paid);
      expect(returnedAt({ unitPrice: 600, currency: 'USD' }, undefined, 2)).to.deep.equal(paid);
      expect(returnedAt({ unitPrice: 600, currency: 'USD' }, price('D2', 'eastus', 1, 'EUR', 1.08), 2)).to.deep.equal(paid);
    });

    it("the row is the reservation's own (product, region and term): a lower price elsewhere does not count", () => {
      const { figures } = plan(reservation('D2', 2, 600), { kind: 'Cancel' }, today, { prices: [price('D2', 'westeurope', 100), price('D4', 'eastus', 100)] });
      expect(figures).to.deep.include({ unusedValue: 1104.66, priceBasis: 'Paid' });
    });

    it("an exchange's credit is counted the same way: 2 × 550.00 × 336 / 365 = 1012.60 towards 1 × D4 at 1200.00, 187.40 due", () => {
      const { figures } = plan(reservation('D2', 2, 600), { kind: 'Exchange', sku: 'D4', region: 'eastus', term: '1y', quantity: 1 }, today, { prices: [price('D2', 'eastus', 550), price('D4', 'eastus', 1200)] });
      expect(figures).to.deep.include({ unusedValue: 1012.6, unitPrice: 550, priceBasis: 'Today', newTotal: 1200, due: 187.4 });
    });

    it('without `returned`, unusedValue keeps to the total paid, as before', () => {
      expect(unusedValue(reservation('D2', 2, 600), today)).to.deep.equal({ asOf: today, totalDays: 365, remainingDays: 336, unusedValue: 1104.66, currency: 'USD' });
    });
  });

  describe('(R17) some of the units may be returned', () => {
    const five = () => reservation('D2', 5, 600); // USD 3,000.00

    it('2 of 5 units at USD 600.00: 1200.00 × 336 / 365 = 1104.66, and the change says 2', () => {
      const { change, figures } = plan(five(), { kind: 'Cancel', quantity: '2' }, today);
      expect(change).to.deep.equal({ kind: 'Cancel', quantity: 2 });
      expect(figures).to.deep.include({ quantity: 2, unitPrice: 600, unusedValue: 1104.66 });
    });

    it('1 of 5 at a lower price today (USD 480.00): 480.00 × 336 / 365 = 441.86', () => {
      // 48,000 × 336 / 365 = 44,186.30… → 44,186 cents.
      const { figures } = plan(five(), { kind: 'Cancel', quantity: 1 }, today, { prices: [price('D2', 'eastus', 480)] });
      expect(figures).to.deep.include({ quantity: 1, unitPrice: 480, priceBasis: 'Today', unusedValue: 441.86 });
    });

    it('all 5 (named or not): 3000.00 × 336 / 365 = 2761.64, and the change is a whole cancel', () => {
      // 300,000 × 336 / 365 = 276,164.38… → 276,164 cents.
      for (const input of [{ kind: 'Cancel' }, { kind: 'Cancel', quantity: 5 }] satisfies ChangeInput[]) {
        const { change, figures } = plan(five(), input, today);
        expect(change).to.deep.equal({ kind: 'Cancel' });
        expect(figures).to.deep.include({ quantity: 5, unusedValue: 2761.64 });
      }
    });

    it('more units than it has, none, or not a whole number: refused, saying how many it has', () => {
      const r = five();
      expect(refusal(() => plan(r, { kind: 'Cancel', quantity: 6 }, today), ErrorCode.InvalidQuantity).message).to.equal(`${r.id} has 5 units, so 6 cannot be returned: return from 1 to 5.`);
      for (const quantity of ['0', '-1', '1.5', 'two']) refusal(() => plan(r, { kind: 'Cancel', quantity }, today), ErrorCode.InvalidQuantity);
    });
  });

  describe('(R17) the USD 50,000 cap is counted in USD, converting at the rate the price list holds', () => {
    // 2 × EUR 500.00 bought 2026-01-31 on a EUR row whose rate is 1.08 USD per EUR.
    const inEuro = () => reservation('D2', 2, 500, undefined, { region: 'westeurope', currency: 'EUR' });
    const euroRow = price('D2', 'westeurope', 520, 'EUR', 1.08);

    it('EUR 1,000.00 × 336 / 365 = EUR 920.55, which is USD 994.19 against the cap (92,055 cents × 1.08 = 99,419.4)', () => {
      const { figures } = plan(inEuro(), { kind: 'Cancel' }, today, { prices: [euroRow] });
      expect(figures).to.deep.equal({ asOf: today, totalDays: 365, remainingDays: 336, unusedValue: 920.55, currency: 'EUR', quantity: 2, unitPrice: 500, priceBasis: 'Paid', allowance: 50_000, usdValue: 994.19, usdRate: 1.08 });
    });

    it('with USD 950.00 of the cap left, EUR 920.55 is refused: it is USD 994.19', () => {
      const orders = [refund('2026-02-15T12:00:00.000Z', 49_050)];
      const error = refusal(() => plan(inEuro(), { kind: 'Cancel' }, today, { prices: [euroRow], orders }), ErrorCode.RefundCapExceeded);
      expect(error.message).to.match(/^A refund of EUR 920\.55 \(USD 994\.19\) would pass the refund cap of USD 50,000\.00 per customer in any 12 months: counting the refunds since 2025-03-02, only USD 950\.00 more can be refunded\./);
    });

    it('with USD 994.19 left it is allowed: the cap is reached, not passed', () => {
      const orders = [refund('2026-02-15T12:00:00.000Z', 49_005.81)];
      expect(plan(inEuro(), { kind: 'Cancel' }, today, { prices: [euroRow], orders }).figures).to.deep.include({ usdValue: 994.19, allowance: 994.19 });
    });

    it('refunds in another currency count at the USD value they were recorded with; an old one without it, not at all', () => {
      // 50,000.00 − 994.19 − 1,000.00 = 48,005.81; the old EUR refund without a USD value is not counted.
      const orders = [refund('2026-02-10T12:00:00.000Z', 920.55, 'EUR', 994.19), refund('2026-02-11T12:00:00.000Z', 1_000), refund('2026-02-12T12:00:00.000Z', 5_000, 'EUR')];
      expect(refundAllowance(orders, today)).to.equal(48_005.81);
    });

    it('an amount in USD needs no rate; in EUR, the rate to the nearest cent; without a rate, nothing', () => {
      expect(inUsd(123.45, 'USD', undefined)).to.equal(123.45);
      expect(inUsd(0.01, 'EUR', 1.08)).to.equal(0.01); // 1 × 1.08 = 1.08 cents → 1 cent
      expect(inUsd(0.05, 'EUR', 1.09)).to.equal(0.05); // 5 × 1.09 = 5.45 cents → 5 cents
      expect(inUsd(100, 'GBP', 1.2675)).to.equal(126.75);
      expect(inUsd(100, 'EUR', undefined)).to.equal(undefined);
    });

    it('a reservation whose row gives no rate cannot be counted against the cap: refused, saying what to do', () => {
      const customerSees = refusal(() => plan(inEuro(), { kind: 'Cancel' }, today, { prices: [price('D2', 'westeurope', 520, 'EUR')] }), ErrorCode.NoUsdRate);
      expect(customerSees.message).to.match(/was paid in EUR, and Test Partner's price list gives no USD rate for EUR on its row \(D2 westeurope P1Y\), so its refund cannot be counted against the USD 50,000\.00 refund cap\. Nothing was asked\. Ask Test Partner to add the rate, or ask for an exchange/);
      const agentSees = refusal(() => plan(inEuro(), { kind: 'Cancel' }, today, { viewer: ada }), ErrorCode.NoUsdRate);
      expect(agentSees.message).to.match(/Add the rate \(usdRate, USD per EUR\) to that row in the world file and load it again, then approve\. Nothing was changed and the request is still pending/);
    });
  });

  describe('(R17) products Azure does not refund', () => {
    it('a cancel of a SUSE plan is refused: it can be neither cancelled nor exchanged, and runs to its expiry', () => {
      const suse = reservation('SUSE', 1, 300, undefined, { autoRenew: true });
      const error = refusal(() => plan(suse, { kind: 'Cancel' }, today), ErrorCode.NotRefundable);
      expect(error.message).to.equal(`Azure does not refund SUSE plan reservations such as ${suse.id}. It can be neither cancelled nor exchanged: it runs until 2027-01-31 (turn auto-renew off to let it end then). Nothing was asked.`);
      expect(refusal(() => plan(suse, { kind: 'Exchange', sku: 'SUSE', region: 'eastus', term: '1y', quantity: 2 }, today, { prices: [price('SUSE', 'eastus', 300)] }), ErrorCode.ExchangeNotAllowed).message).to.equal(
        `Azure does not exchange SUSE plan reservations such as ${suse.id}. Nothing was asked.`,
      );
    });

    it('a cancel of a product Azure does not refund but exchanges suggests an exchange', () => {
      const pre = reservation('PRE', 1, 300);
      expect(refusal(() => plan(pre, { kind: 'Cancel' }, today), ErrorCode.NotRefundable).message).to.equal(
        `Azure does not refund PRE plan reservations such as ${pre.id}. It can be exchanged for another reservation of the same type instead. Type \`exchange ${pre.id}\` to ask for one. Nothing was asked.`,
      );
    });
  });
});
