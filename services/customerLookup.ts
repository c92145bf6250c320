import type { Customer } from '../data/schemas.ts';
import type { StoreReads } from '../data/store.ts';
import type { Person } from './people.ts';

export type CustomerLookup =
  | { kind: 'found'; customer: Customer }
  | { kind: 'ambiguous'; candidates: Customer[] }
  | { kind: 'none' };

/** A customer user's own customer; nothing for an agent. */
export async function ownCustomer(store: StoreReads, person: Person): Promise<Customer | undefined> {
  return person.kind === 'customerUser' ? store.customer(person.customerId) : undefined;
}

/** The customer with this id if the person may see it; nothing otherwise, so nothing of another customer leaks. */
export async function visibleCustomer(store: StoreReads, viewer: Person, customerId: string): Promise<Customer | undefined> {
  return viewer.kind === 'agent' || viewer.customerId === customerId ? store.customer(customerId) : undefined;
}

/**
 * Finds a customer by id, domain or name (exact, case-insensitive), else by an unambiguous
 * part of its name or domain, among those the viewer may see (R19). Several matches are returned as a choice, never guessed.
 */
export async function findCustomer(store: StoreReads, viewer: Person, query: string): Promise<CustomerLookup> {
  const q = query.trim().toLowerCase();
  if (!q) return { kind: 'none' };
  const pool = viewer.kind === 'agent' ? await store.customerNames() : (await store.customerNames()).filter((c) => c.id === viewer.customerId);
  const exact = pool.filter((c) => c.id.toLowerCase() === q || c.domain.toLowerCase() === q || c.name.toLowerCase() === q);
  const matches = exact.length ? exact : pool.filter((c) => c.name.toLowerCase().includes(q) || c.domain.toLowerCase().includes(q));
  const customers = await store.customers(matches.map((c) => c.id));
  if (customers.length === 1) return { kind: 'found', customer: customers[0]! };
  if (customers.length > 1) return { kind: 'ambiguous', candidates: customers };
  return { kind: 'none' };
}
