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
  let matches: Customer[];
  if (viewer.kind === 'agent') matches = await store.customersMatching(q);
  else {
    const own = await store.customer(viewer.customerId);
    // Their own customer is the only one to find: named exactly (an exact name or domain contains the text too) or in part.
    const named = own && (own.id.toLowerCase() === q || [own.name, own.domain].some((text) => text.toLowerCase().includes(q)));
    matches = named ? [own] : [];
  }
  if (matches.length === 1) return { kind: 'found', customer: matches[0]! };
  if (matches.length > 1) return { kind: 'ambiguous', candidates: matches };
  return { kind: 'none' };
}
