import { expect } from 'chai';
import { parsePurchaseLine, type PurchaseLine } from '../../bot/purchaseLine.ts';
import type { Term } from '../../data/schemas.ts';
import { formatMoney, times } from '../../services/money.ts';
import { expiryDate, parseTerm, termLabel } from '../../services/terms.ts';

describe('terms (services/terms.ts, R13)', () => {
  const typed: [string, Term | undefined][] = [
    ['P1Y', 'P1Y'],
    ['p3y', 'P3Y'],
    ['1y', 'P1Y'],
    ['1yr', 'P1Y'],
    ['3yrs', 'P3Y'],
    ['1year', 'P1Y'],
    ['3 years', 'P3Y'],
    ['5', 'P5Y'],
    [' 1Y ', 'P1Y'],
    ['2y', undefined],
    ['P2Y', undefined],
    ['10y', undefined],
    ['1 month', undefined],
    ['', undefined],
    ['abc', undefined],
  ];
  for (const [word, term] of typed) {
    it(`(R13) parseTerm(${JSON.stringify(word)}) is ${term ?? 'not a term'}`, () => {
      expect(parseTerm(word)).to.equal(term);
    });
  }

  const expiries: [string, Term, string, string][] = [
    ['2026-11-24', 'P1Y', '2027-11-24', 'the same day a year later'],
    ['2026-11-24', 'P3Y', '2029-11-24', 'the same day three years later'],
    ['2026-11-24', 'P5Y', '2031-11-24', 'the same day five years later'],
    ['2028-02-29', 'P1Y', '2029-02-28', 'a 29 February start ends on 28 February'],
    ['2024-02-29', 'P3Y', '2027-02-28', 'a 29 February start ends on 28 February (3 years)'],
    ['2028-02-29', 'P5Y', '2033-02-28', 'a 29 February start ends on 28 February (5 years)'],
    ['2027-02-28', 'P1Y', '2028-02-28', 'a 28 February start before a leap year stays on the 28th'],
    ['2026-12-31', 'P1Y', '2027-12-31', 'the last day of a year'],
    ['2027-01-01', 'P3Y', '2030-01-01', 'the first day of a year'],
    ['2026-01-31', 'P1Y', '2027-01-31', 'the end of a 31-day month'],
  ];
  for (const [start, term, expiry, what] of expiries) {
    it(`(R13) expiryDate(${start}, ${term}) is ${expiry}: ${what}`, () => {
      expect(expiryDate(start, term)).to.equal(expiry);
    });
  }

  it('(R13) terms read as "1 year", "3 years", "5 years"', () => {
    expect((['P1Y', 'P3Y', 'P5Y'] as const).map(termLabel)).to.deep.equal(['1 year', '3 years', '5 years']);
  });
});

describe('money (services/money.ts, R10, R17)', () => {
  const products: [number, number, number][] = [
    [0.1, 3, 0.3],
    [650.5, 3, 1951.5],
    [600, 2, 1200],
    [19.99, 3, 59.97],
    [0.07, 100, 7],
    [1234.56, 1000, 1234560],
    [600, 0, 0],
  ];
  for (const [unitPrice, quantity, total] of products) {
    it(`(R10) times(${unitPrice}, ${quantity}) is exactly ${total}, without floating-point dust`, () => {
      expect(times(unitPrice, quantity)).to.equal(total);
    });
  }

  const formatted: [number, string, string][] = [
    [1224, 'USD', 'USD 1,224.00'],
    [1951.5, 'USD', 'USD 1,951.50'],
    [0.3, 'EUR', 'EUR 0.30'],
    [0, 'USD', 'USD 0.00'],
    [1234567.89, 'GBP', 'GBP 1,234,567.89'],
  ];
  for (const [amount, currency, text] of formatted) {
    it(`(R10) formatMoney(${amount}, ${currency}) is "${text}"`, () => {
      expect(formatMoney(amount, currency)).to.equal(text);
    });
  }
});

describe('a purchase typed on one line (bot/purchaseLine.ts, R13, R14)', () => {
  const base = ['Standard_D2s_v5', 'eastus', '1y', '2'];
  const parsed = (words: string[]): PurchaseLine => {
    const line = parsePurchaseLine(words);
    if ('problem' in line) throw new Error(`unexpected problem: ${line.problem}`);
    return line;
  };

  it('(R13, R14) reads sku, region, term and quantity as typed; the plan defaults to Upfront and the scope to shared', () => {
    const line = parsed(base);
    expect(line).to.include({ sku: 'Standard_D2s_v5', region: 'eastus', term: '1y', quantity: '2', billingPlan: 'Upfront' });
    expect(line.scope('sub-a')).to.deep.equal({ type: 'Shared' });
  });

  const options: { words: string[]; plan: 'Upfront' | 'Monthly'; scope: unknown }[] = [
    { words: ['shared'], plan: 'Upfront', scope: { type: 'Shared' } },
    { words: ['single'], plan: 'Upfront', scope: { type: 'Single', subscriptionId: 'sub-a' } },
    { words: ['single:sub-b'], plan: 'Upfront', scope: { type: 'Single', subscriptionId: 'sub-b' } },
    { words: ['rg:rg-prod'], plan: 'Upfront', scope: { type: 'ResourceGroup', subscriptionId: 'sub-a', resourceGroup: 'rg-prod' } },
    { words: ['mg:contoso-mg'], plan: 'Upfront', scope: { type: 'ManagementGroup', managementGroupId: 'contoso-mg' } },
    { words: ['monthly'], plan: 'Monthly', scope: { type: 'Shared' } },
    { words: ['MONTHLY', 'Single'], plan: 'Monthly', scope: { type: 'Single', subscriptionId: 'sub-a' } },
    { words: ['rg:rg-prod', 'monthly'], plan: 'Monthly', scope: { type: 'ResourceGroup', subscriptionId: 'sub-a', resourceGroup: 'rg-prod' } },
    { words: ['monthly', 'upfront'], plan: 'Upfront', scope: { type: 'Shared' } },
  ];
  for (const { words, plan, scope } of options) {
    it(`(R13, R14) "${words.join(' ')}" is billed ${plan} with scope ${JSON.stringify(scope)} when billed to sub-a`, () => {
      const line = parsed([...base, ...words]);
      expect(line.billingPlan).to.equal(plan);
      expect(line.scope('sub-a')).to.deep.equal(scope);
    });
  }

  for (const bad of ['weekly', 'rg', 'rg:', 'mg', 'shared:sub-a', 'everywhere:x']) {
    it(`(R14) the option "${bad}" is a problem that names it and lists what is allowed`, () => {
      const line = parsePurchaseLine([...base, bad]);
      expect(line).to.have.property('problem').that.contains(`"${bad}"`).and.matches(/shared, single, rg:\*group\*, mg:\*group id\*/).and.matches(/upfront, monthly/);
    });
  }

  for (const words of [[], ['Standard_D2s_v5'], ['Standard_D2s_v5', 'eastus', '1y']]) {
    it(`(R13) ${words.length} word(s) are too few: the problem says what a purchase needs`, () => {
      expect(parsePurchaseLine(words)).to.deep.equal({ problem: 'a purchase needs the product (SKU), region, term and quantity' });
    });
  }
});
