import { expect } from 'chai';
import { orderSchema, priceSchema, productSchema, reservationSchema, storedCustomerSchema, type ChangeRequest, type Order, type Price, type Product, type Reservation } from '../../data/schemas.ts';
import type { Catalog } from '../../services/catalog.ts';
import { planChange, type ChangeInput, type ChangeSubject } from '../../services/changeRules.ts';
import { CodedError, ErrorCode } from '../../services/codedError.ts';
import { exchangeBar } from '../../services/exchangePlan.ts';
import type { Person } from '../../services/people.ts';
import { inUsd, refundAllowance, returnedAt, unusedValue } from '../../services/reservationValue.ts';
import { expiryDate } from '../../services/terms.ts';

/**
 * R17's arithmetic on worked examples, on the rules alone (services/changeRules.ts and what it uses): no store, a
 * catalogue and reservations made here. Every figure is worked out by hand in the comment beside it.
 */

const tia: Person = { kind: 'customerUser', tenantId: 'tailspin-tenant', userId: 'tailspin-owner', name: 'Tia Owner', role: 'CustomerUser', customerId: 'tailspin-tenant' };
const ada: Person = { kind: 'agent', tenantId: 'partner-tenant', userId: 'admin-1', name: 'Ada Admin', role: 'AdminAgent' };

const product = (sku: string, type: string, flags: Partial<Product> = {}): Product => productSchema.parse({ sku, name: `${sku} plan`, type, ...flags });
const price = (sku: string, region: string, partnerPrice: number | undefined, currency = 'USD', usdRate?: number): Price =>
  priceSchema.parse({ sku, region, term: 'P1Y', webDirectPrice: 9999, ...(partnerPrice === undefined ? {} : { partnerPrice }), currency, ...(usdRate === undefined ? {} : { usdRate }) });

/** D2 and D4 are compute covered by savings plans; SQL is not; SUSE is neither refunded nor exchanged by Azure; PRE is not refunded. */
const products = [
  product('D2', 'VirtualMachines', { savingsPlanCovered: true }),
  product('D4', 'VirtualMachines', { savingsPlanCovered: true }),
  product('SQL', 'SqlDatabase'),
  product('SUSE', 'SuseLinux', { refundable: false, exchangeable: false }),
  product('PRE', 'PrePurchase', { refundable: false }),
];

let numbered = 0;
/** A reservation of Tailspin's: `quantity` × `unitPrice` of a 1-year row, bought at `purchasedAt`. */
function reservation(sku: string, quantity: number, unitPrice: number, purchasedAt = '2026-01-31T10:00:00.000Z', more: Partial<Reservation> = {}): Reservation {
  const total = Math.round(unitPrice * quantity * 100) / 100;
  return reservationSchema.parse({
    id: `R-${++numbered}`,
    orderId: `O-${numbered}`,
    customerId: 'tailspin-tenant',
    sku,
    productName: `${sku} plan`,
    region: 'eastus',
    quantity,
    term: 'P1Y',
    billingPlan: 'Upfront',
    billingSubscriptionId: 'sub-tailspin-plan',
    scope: { type: 'Shared' },
    autoRenew: false,
    purchasedAt,
    expiresOn: expiryDate(purchasedAt.slice(0, 10), 'P1Y'),
    status: 'Active',
    boughtBy: { tenantId: 'tailspin-tenant', userId: 'tailspin-owner', name: 'Tia Owner', role: 'CustomerUser' },
    unitPrice,
    total,
    currency: 'USD',
    ...more,
  });
}

const customer = storedCustomerSchema.parse({
  id: 'tailspin-tenant',
  name: 'Tailspin Toys',
  domain: 'tailspin.example',
  subscriptions: [{ id: 'sub-tailspin-plan', offer: 'AzurePlan', usageBased: true, status: 'active' }],
  purchasePermission: { enabled: true },
});

/** A refund order of Tailspin's on `at`: in USD, or another currency with its USD value (or, an old one, without). */
const refund = (at: string, amount: number, currency = 'USD', usdAmount?: number): Order =>
  orderSchema.parse({
    id: `O-${++numbered}`,
    type: 'Refund',
    customerId: 'tailspin-tenant',
    at,
    by: { tenantId: 'partner-tenant', userId: 'admin-1', name: 'Ada Admin', role: 'AdminAgent' },
    billedTo: { tenantId: 'partner-tenant', name: 'Test Partner' },
    reservationId: 'R-0',
    description: 'Refund for the test',
    billingPlan: 'Upfront',
    amount,
    currency,
    ...(usdAmount === undefined ? {} : { usdAmount }),
  });

interface Situation {
  prices?: Price[];
  others?: Reservation[];
  orders?: Order[];
  pending?: ChangeRequest[];
  viewer?: Person;
}

/** R17 plans `input` for `subject` on `today`, with today's catalogue `prices` and the customer's other reservations. */
function plan(subject: Reservation, input: ChangeInput, today: string, { prices = [], others = [], orders = [], pending = [], viewer = tia }: Situation = {}) {
  const catalog: Catalog = { products, prices };
  const waiting = new Map(pending.flatMap((r) => [r.reservationId, ...(r.change.kind === 'Exchange' ? (r.change.alsoReturned ?? []) : [])].map((id) => [id, r] as const)));
  const situation: ChangeSubject = { catalog, partnerName: 'Test Partner', customer, reservation: subject, reservations: [subject, ...others], pending: waiting, orders, viewer };
  return planChange(situation, input, today);
}

/** The refusal `work` throws, which must be a CodedError with `code`. */
function refusal(work: () => unknown, code: string): CodedError {
  try {
    work();
  } catch (err) {
    expect(err).to.be.instanceOf(CodedError);
    expect((err as CodedError).code, (err as Error).message).to.equal(code);
    return err as CodedError;
  }
  throw new Error(`expected a refusal ${code}, but it was allowed`);
}

// Bought 2026-01-31, 1 year: expires 2027-01-31, a term of 365 days. Asked on 2026-03-01: 336 days remain
// (2026-01-31 → 2026-03-01 is 29 days, 365 − 29 = 336).
const today = '2026-03-01';

describe('R17 arithmetic on worked examples (services/changeRules.ts, reservationValue.ts, exchangePlan.ts)', () => {
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
