import { expect } from 'chai';
import { orderSchema, priceSchema, productSchema, reservationSchema, storedCustomerSchema, type ChangeRequest, type Order, type Price, type Product, type Reservation } from '../../data/schemas.ts';
import type { Catalog } from '../../services/catalog.ts';
import { planChange, type ChangeInput, type ChangeSubject } from '../../services/changeRules.ts';
import { CodedError } from '../../services/codedError.ts';
import { reservationsNamed } from '../../services/pendingRequests.ts';
import type { Person } from '../../services/people.ts';
import { expiryDate } from '../../services/terms.ts';

/**
 * R17's rules on their own (services/changeRules.ts and what it uses), for worked examples: no store, a catalogue and
 * reservations made here.
 */

export const tia: Person = { kind: 'customerUser', tenantId: 'tailspin-tenant', userId: 'tailspin-owner', name: 'Tia Owner', role: 'CustomerUser', customerId: 'tailspin-tenant' };
export const ada: Person = { kind: 'agent', tenantId: 'partner-tenant', userId: 'admin-1', name: 'Ada Admin', role: 'AdminAgent' };

export const product = (sku: string, type: string, flags: Partial<Product> = {}): Product => productSchema.parse({ sku, name: `${sku} plan`, type, ...flags });
export const price = (sku: string, region: string, partnerPrice: number | undefined, currency = 'USD', usdRate?: number): Price =>
  priceSchema.parse({ sku, region, term: 'P1Y', webDirectPrice: 9999, ...(partnerPrice === undefined ? {} : { partnerPrice }), currency, ...(usdRate === undefined ? {} : { usdRate }) });

/** D2 and D4 are compute covered by savings plans; SQL is not; SUSE is neither refunded nor exchanged by Azure; PRE is not refunded. */
export const products = [
  product('D2', 'VirtualMachines', { savingsPlanCovered: true }),
  product('D4', 'VirtualMachines', { savingsPlanCovered: true }),
  product('SQL', 'SqlDatabase'),
  product('SUSE', 'SuseLinux', { refundable: false, exchangeable: false }),
  product('PRE', 'PrePurchase', { refundable: false }),
];

let numbered = 0;
/** A reservation of Tailspin's: `quantity` × `unitPrice` of a 1-year row, bought at `purchasedAt`. */
export function reservation(sku: string, quantity: number, unitPrice: number, purchasedAt = '2026-01-31T10:00:00.000Z', more: Partial<Reservation> = {}): Reservation {
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

export const customer = storedCustomerSchema.parse({
  id: 'tailspin-tenant',
  name: 'Tailspin Toys',
  domain: 'tailspin.example',
  subscriptions: [{ id: 'sub-tailspin-plan', offer: 'AzurePlan', usageBased: true, status: 'active' }],
  purchasePermission: { enabled: true },
});

/** A refund order of Tailspin's on `at`: in USD, or another currency with its USD value (or, an old one, without). */
export const refund = (at: string, amount: number, currency = 'USD', usdAmount?: number): Order =>
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

export interface Situation {
  prices?: Price[];
  others?: Reservation[];
  orders?: Order[];
  pending?: ChangeRequest[];
  viewer?: Person;
}

/** R17 plans `input` for `subject` on the day `on`, with today's catalogue `prices` and the customer's other reservations. */
export function plan(subject: Reservation, input: ChangeInput, on: string, { prices = [], others = [], orders = [], pending = [], viewer = tia }: Situation = {}) {
  const catalog: Catalog = { products, prices };
  const waiting = new Map(pending.flatMap((r) => reservationsNamed(r).map((id) => [id, r] as const)));
  const situation: ChangeSubject = { catalog, partnerName: 'Test Partner', customer, reservation: subject, reservations: [subject, ...others], pending: waiting, orders, viewer };
  return planChange(situation, input, on);
}

/** The refusal `work` throws, which must be a CodedError with `code`. */
export function refusal(work: () => unknown, code: string): CodedError {
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
export const today = '2026-03-01';
