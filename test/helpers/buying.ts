import type { LogEntry } from '../../data/schemas.ts';
import type { Purchase, PurchaseInput, QuoteView } from '../../services/purchases.ts';
import { people, personOf, tailspinId, type TestStore, type TestUser } from './testWorld.ts';

/** Tailspin's key user: Owner of sub-tailspin-plan; Tailspin's permission is on in the test world. */
export const tailspinOwner: TestUser = { tenantId: tailspinId, userId: 'tailspin-owner', name: 'Tia Owner' };

/** 2 × Standard_D2s_v5 in eastus for 1 year, upfront, shared, billed to Tailspin's Azure Plan; `change` replaces parts. */
export function purchaseInput(change: Partial<PurchaseInput> = {}): PurchaseInput {
  return {
    sku: 'Standard_D2s_v5',
    region: 'eastus',
    term: 'P1Y',
    quantity: 2,
    billingPlan: 'Upfront',
    billingSubscriptionId: 'sub-tailspin-plan',
    scope: { type: 'Shared' },
    ...change,
  };
}

export function quoteFor(t: TestStore, user: TestUser, customerId: string, change: Partial<PurchaseInput> = {}): Promise<QuoteView> {
  return t.services.purchases.quote(personOf(t.services, user), customerId, purchaseInput(change));
}

export function confirmAs(t: TestStore, user: TestUser, quoteId: string): Promise<Purchase> {
  return t.services.purchases.confirm(personOf(t.services, user), quoteId);
}

/** Quote, then confirm as the same person. */
export async function buy(t: TestStore, user: TestUser, customerId: string, change: Partial<PurchaseInput> = {}): Promise<Purchase> {
  const { quote } = await quoteFor(t, user, customerId, change);
  return confirmAs(t, user, quote.id);
}

/** The whole activity log, newest first, as an Admin Agent reads it. */
export const logEntries = (t: TestStore): Promise<LogEntry[]> => t.services.activity.read(personOf(t.services, people.admin), {}, 1000);

/** Every reservation and order in the store, whoever they belong to. */
export const everything = (t: TestStore) => ({ reservations: t.store.data().reservations.length, orders: t.store.data().orders.length });
