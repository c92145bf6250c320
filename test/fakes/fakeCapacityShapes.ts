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
