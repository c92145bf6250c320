import type { Actor, ChangeRequest, Conversation, Customer, Delivery, NewLogEntry, Order, Quote, Reservation } from '../../data/schemas.ts';
import type { Directory, PurchaseIds } from '../../data/store.ts';

/** Records for the store's tests: a small directory, and each kind of record with what a test varies (each a fresh copy). */

export const partnerTenant = 'partner-tenant';
export const contosoId = 'contoso-tenant';
export const fabrikamId = 'fabrikam-tenant';
export const tailspinId = 'tailspin-tenant';

export const admin: Actor = { tenantId: partnerTenant, userId: 'admin-1', name: 'Ada Admin', role: 'AdminAgent' };
export const admin2: Actor = { tenantId: partnerTenant, userId: 'admin-2', name: 'Abe Admin', role: 'AdminAgent' };
export const buyer: Actor = { tenantId: tailspinId, userId: 'tailspin-owner', name: 'Tia Owner', role: 'CustomerUser' };
export const system: Actor = { tenantId: partnerTenant, userId: 'system', name: 'System', role: 'System' };

const customer = (id: string, name: string, domain: string, enabled = false): Customer => ({
  id,
  name,
  domain,
  users: [{ userId: `${id}-owner`, name: `${name} Owner` }],
  subscriptions: [{ id: `sub-${id}`, offer: 'AzurePlan', usageBased: true, status: 'active', owners: [`${id}-owner`] }],
  managementGroups: [],
  purchasePermission: { enabled },
  savingsPlanPermission: { enabled: false },
});

/** The partner, three customers (Tailspin may buy), one product and its price rows. */
export function seedDirectory(): Directory {
  return {
    partner: {
      tenantId: partnerTenant,
      name: 'Test Partner',
      agents: [
        { userId: 'admin-1', name: 'Ada Admin', role: 'AdminAgent' },
        { userId: 'admin-2', name: 'Abe Admin', role: 'AdminAgent' },
        { userId: 'sales-1', name: 'Sam Sales', role: 'SalesAgent' },
      ],
    },
    customers: [customer(contosoId, 'Contoso Ltd', 'contoso.example'), customer(fabrikamId, 'Fabrikam Inc', 'fabrikam.example'), customer(tailspinId, 'Tailspin Toys', 'tailspin.example', true)],
    products: [{ sku: 'Standard_D2s_v5', name: 'Virtual Machines D2s v5', type: 'VirtualMachines' }],
    prices: [
      { sku: 'Standard_D2s_v5', region: 'eastus', term: 'P1Y', partnerPrice: 600, webDirectPrice: 700, currency: 'USD' },
      { sku: 'Standard_D2s_v5', region: 'eastus', term: 'P3Y', webDirectPrice: 1500, currency: 'USD' },
    ],
  };
}

export function reservation(id: string, change: Partial<Reservation> = {}): Reservation {
  return structuredClone({
    id,
    orderId: `O-of-${id}`,
    customerId: tailspinId,
    sku: 'Standard_D2s_v5',
    productName: 'Virtual Machines D2s v5',
    region: 'eastus',
    quantity: 2,
    term: 'P1Y',
    billingPlan: 'Upfront',
    billingSubscriptionId: `sub-${tailspinId}`,
    scope: { type: 'Shared' },
    autoRenew: false,
    purchasedAt: '2026-11-24T09:00:00.000Z',
    expiresOn: '2027-11-24',
    status: 'Active',
    boughtBy: buyer,
    unitPrice: 600,
    total: 1200,
    currency: 'USD',
    ...change,
  });
}

export function order(id: string, change: Partial<Order> = {}): Order {
  return structuredClone({
    id,
    type: 'Purchase',
    customerId: tailspinId,
    at: '2026-11-24T09:00:00.000Z',
    by: buyer,
    billedTo: { tenantId: partnerTenant, name: 'Test Partner' },
    reservationId: 'R-1001',
    description: '2 × Virtual Machines D2s v5 (Standard_D2s_v5), eastus, 1 year, billed upfront',
    billingPlan: 'Upfront',
    amount: 1200,
    currency: 'USD',
    ...change,
  });
}

/** What a purchase of `quoteId` builds with the ids the store hands out. */
export const purchaseOf =
  (quoteId?: string, change: Partial<Reservation> = {}) =>
  ({ orderId, reservationId }: PurchaseIds): { order: Order; reservation: Reservation } => ({
    order: order(orderId, { reservationId, ...(quoteId ? { quoteId } : {}), customerId: change.customerId ?? tailspinId }),
    reservation: reservation(reservationId, { orderId, ...change }),
  });

export function quote(id: string, createdAt: string, by = { tenantId: tailspinId, userId: 'tailspin-owner' }): Quote {
  return {
    id,
    customerId: tailspinId,
    preparedBy: by,
    createdAt,
    request: { sku: 'Standard_D2s_v5', region: 'eastus', term: 'P1Y', quantity: 2, billingPlan: 'Upfront', billingSubscriptionId: `sub-${tailspinId}`, scope: { type: 'Shared' } },
    unitPrice: 600,
    total: 1200,
    currency: 'USD',
  };
}

export function request(id: string, change: Partial<ChangeRequest> = {}): ChangeRequest {
  return structuredClone({
    id,
    customerId: tailspinId,
    reservationId: 'R-1001',
    change: { kind: 'Cancel' },
    requestedBy: buyer,
    requestedAt: '2026-11-24T09:00:00.000Z',
    expiresAt: '2026-12-01T09:00:00.000Z',
    state: 'Pending',
    copies: [],
    ...change,
  });
}

export function delivery(id: string, change: Partial<Delivery> = {}): Delivery {
  return structuredClone({
    id,
    to: { reference: { conversation: { id: 'chat-1' } }, tenantId: partnerTenant, userId: 'admin-1' },
    message: { kind: 'text', text: 'Hello', requestId: 'REQ-1001' },
    createdAt: '2026-11-24T09:00:00.000Z',
    state: 'Pending',
    attempts: 0,
    nextAttemptAt: '2026-11-24T09:00:00.000Z',
    ...change,
  });
}

export function conversation(userId: string, id: string, tenantId = partnerTenant): Conversation {
  return { tenantId, userId, reference: { conversation: { id } }, updatedAt: '2026-11-24T09:00:00.000Z' };
}

export function logEntry(change: Partial<NewLogEntry> = {}): NewLogEntry {
  return structuredClone({
    at: '2026-11-24T09:00:00.000Z',
    actor: admin,
    operation: 'Update Customer Purchase Permissions',
    customerId: tailspinId,
    customerName: 'Tailspin Toys',
    target: 'Tailspin Toys',
    outcome: 'Succeeded',
    ...change,
  });
}

export const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
