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

export async function quoteFor(t: TestStore, user: TestUser, customerId: string, change: Partial<PurchaseInput> = {}): Promise<QuoteView> {
  return t.services.purchases.quote(await personOf(t.services, user), customerId, purchaseInput(change));
}

export async function confirmAs(t: TestStore, user: TestUser, quoteId: string): Promise<Purchase> {
  return t.services.purchases.confirm(await personOf(t.services, user), quoteId);
}

/** Quote, then confirm as the same person. */
export async function buy(t: TestStore, user: TestUser, customerId: string, change: Partial<PurchaseInput> = {}): Promise<Purchase> {
  const { quote } = await quoteFor(t, user, customerId, change);
  return confirmAs(t, user, quote.id);
}

/** The whole activity log, newest first, as an Admin Agent reads it. */
export const logEntries = async (t: TestStore): Promise<LogEntry[]> => t.services.activity.read(await personOf(t.services, people.admin), {}, 1000);

/** How many reservations and orders the store holds, whoever they belong to: read over every customer's. */
export async function everything(t: TestStore): Promise<{ reservations: number; orders: number }> {
  const ids = (await t.store.customerNames()).map((c) => c.id);
  const [reservations, orders] = await Promise.all([Promise.all(ids.map((id) => t.store.reservations(id))), Promise.all(ids.map((id) => t.store.orders(id)))]);
  return { reservations: reservations.flat().length, orders: orders.flat().length };
}
