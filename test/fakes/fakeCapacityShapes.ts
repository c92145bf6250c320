import { armError } from './armReply.ts';
import type { Reply } from './loopbackServer.ts';

export type FakeTerm = 'P1Y' | 'P3Y' | 'P5Y';

/** An amount in a currency (Microsoft.Capacity's `Price` is `{ currencyCode, amount }`). */
export interface FakePrice {
  amount: number;
  currency: string;
}

/** A reservation as reservations.json (2022-11-01) describes its properties; what the portal asks a buyer. */
export interface PortalPurchase {
  sku: string;
  location: string;
  quantity: number;
  term: FakeTerm;
  billingPlan: 'Upfront' | 'Monthly';
  billingScopeId: string;
  appliedScopeType: 'Shared' | 'Single' | 'ManagementGroup';
  appliedScopes?: string[];
  appliedScopeProperties?: { subscriptionId?: string; resourceGroupId?: string; managementGroupId?: string; tenantId?: string };
  renew?: boolean;
  displayName?: string;
  /** Azure's ReservedResourceType (default VirtualMachines). */
  reservedResourceType?: string;
  /** What was paid per unit for the whole term, in the billing currency (default: the fake's price of the SKU and term then). */
  price?: FakePrice;
  /** When the order was made (default: now) and when the reservation ends (default: a term later). */
  createdDateTime?: string;
  expiryDate?: string;
}

export interface FakeReservation extends PortalPurchase {
  id: string;
  provisioningState: string;
  price: FakePrice;
  expiryDate: string;
}

export interface FakeReservationOrder {
  id: string;
  displayName: string;
  term: FakeTerm;
  billingPlan: PortalPurchase['billingPlan'];
  createdDateTime: string;
  expiryDateTime: string;
  provisioningState: string;
  reservations: FakeReservation[];
}

/** A return Azure carried out, with the refund it computed itself (R17). */
export interface FakeRefund {
  tenantId: string;
  orderId: string;
  reservationId: string;
  quantity: number;
  sessionId: string;
  reason: string;
  refund: FakePrice;
  usd: number;
}

export type CapacityOperation = 'calculateRefund' | 'return' | 'calculateExchange' | 'exchange' | 'update';

/**
 * How the next call of an operation is refused: answered at once with ARM's error (`request`, 400 unless `status`
 * says), or accepted and ended Failed when polled (`operation`, long-running ones), or answered with the refusal
 * among the answer's `policyErrors` (`policy`: calculateRefund and calculateExchange).
 */
export interface Refusal {
  code: string;
  message: string;
  at: 'request' | 'operation' | 'policy';
  status?: number;
}

/** What a test sets and reads of Microsoft.Capacity beyond the reservation orders themselves. */
export interface FakeCapacityControls {
  /** Returns carried out, with Azure's own figures, in order. */
  readonly refunds: FakeRefund[];
  readonly exchanges: FakeExchange[];
  /** Refunds in the rolling 12 months, per customer tenant, in USD: what the cap counts. */
  readonly consumedRefundsUsd: Map<string, number>;
  /** The cap on refunds per customer tenant in rolling 12 months, in USD (50,000). */
  refundLimitUsd: number;
  /** USD per unit of a billing currency, for the cap. */
  readonly usdRates: Map<string, number>;
  /** Today's price per unit for the whole term: refunds are at the lower of it and the price paid; exchanges buy at it. */
  setPrice(sku: string, term: FakeTerm, price: FakePrice): void;
  /** Long-running operations answer `inProgressPolls` polls still running, each with Retry-After `retryAfterSeconds`. */
  longRunning(options: { inProgressPolls: number; retryAfterSeconds: number }): void;
  /** The next call of `operation` is refused so. */
  refuseNext(operation: CapacityOperation, refusal: Refusal): void;
}

/** What the refunds and the exchanges take from the rest of the fake Microsoft.Capacity. */
export interface CapacityBook {
  subscriptions: Map<string, string>;
  controls: FakeCapacityControls;
  priceOf(sku: string, term: FakeTerm): FakePrice;
  usdOf(price: FakePrice): number;
  refundOf(order: FakeReservationOrder, reservation: FakeReservation, quantity: number): FakePrice;
  /** A reservation of the tenant named by its full id (in `inOrder` when given), active, with a quantity it can give back. */
  returnable(tenant: string, asked: { reservationId?: unknown; quantity?: unknown } | undefined, inOrder?: FakeReservationOrder): Reply | { order: FakeReservationOrder; reservation: FakeReservation; quantity: number };
  giveBack(reservation: FakeReservation, quantity: number): void;
  addOrder(tenant: string, purchase: PortalPurchase): { orderId: string; reservationId: string };
  /** Starts a long-running operation; its headers (Azure-AsyncOperation, Retry-After). */
  operation(tenant: string, running: string, finish: () => Outcome): Record<string, string>;
  unlessRefused(operation: CapacityOperation, work: () => Outcome): () => Outcome;
  refusedAtOnce(operation: CapacityOperation): Reply | undefined;
  refusalOf(operation: CapacityOperation, at: Refusal['at']): Refusal | undefined;
  appliedScope(tenant: string, asked: { appliedScopeType?: unknown; appliedScopeProperties?: PortalPurchase['appliedScopeProperties'] }): Reply | Pick<PortalPurchase, 'appliedScopeType' | 'appliedScopeProperties'>;
}

/** An exchange Azure carried out: what went back (with the fake's refunds) and what was bought. */
export interface FakeExchange {
  tenantId: string;
  sessionId: string;
  returned: { orderId: string; reservationId: string; quantity: number; refund: FakePrice }[];
  bought: { orderId: string; reservationId: string; purchase: PortalPurchase }[];
}

/** How a long-running operation ended: its result's properties, or ARM's error. */
export type Outcome = { properties?: unknown } | { error: { code: string; message: string } };

export const yearsOf = { P1Y: 1, P3Y: 3, P5Y: 5 } as const;
export const cents = (amount: number) => Math.round(amount * 100) / 100;
export const priceJson = ({ amount, currency }: FakePrice) => ({ currencyCode: currency, amount });
export const orderPath = (orderId: string) => `/providers/microsoft.capacity/reservationOrders/${orderId}`;
export const reservationPath = (orderId: string, reservationId: string) => `${orderPath(orderId)}/reservations/${reservationId}`;
export const badRequest = (message: string) => armError(400, 'InvalidRequestContent', message);
export const isReply = (value: unknown): value is Reply => typeof value === 'object' && value !== null && 'status' in value && typeof (value as Reply).status === 'number';
