import type { Order, Reservation } from '../../data/schemas.ts';
import type { StoreReads } from '../../data/store.ts';

/** Reads over the whole store, through its async reads, for tests that check what it holds whoever it belongs to. */

const customerIds = async (store: StoreReads) => (await store.customerNames()).map((c) => c.id);

/** Every order in the store, each customer's in the order added, customers in directory order. */
export async function allOrders(store: StoreReads): Promise<Order[]> {
  return (await Promise.all((await customerIds(store)).map((id) => store.orders(id)))).flat();
}

/** Every reservation in the store, each customer's in the order added, customers in directory order. */
export async function allReservations(store: StoreReads): Promise<Reservation[]> {
  return (await Promise.all((await customerIds(store)).map((id) => store.reservations(id)))).flat();
}

/** Every customer's purchase permission, by customer id, as stored. */
export async function permissionsIn(store: StoreReads): Promise<Record<string, boolean>> {
  const customers = await store.customers(await customerIds(store));
  return Object.fromEntries(customers.map((c) => [c.id, c.purchasePermission.enabled]));
}

/** One customer's purchase permission as stored. */
export async function permissionOf(store: StoreReads, customerId: string): Promise<boolean> {
  const customer = await store.customer(customerId);
  if (!customer) throw new Error(`no customer ${customerId} in the store`);
  return customer.purchasePermission.enabled;
}
