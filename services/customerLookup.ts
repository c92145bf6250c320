import type { DirectoryRepository } from '../data/repository.ts';
import type { Customer } from '../data/schemas.ts';
import type { Person } from './people.ts';

export type CustomerLookup =
  | { kind: 'found'; customer: Customer }
  | { kind: 'ambiguous'; candidates: Customer[] }
  | { kind: 'none' };

/** A customer user's own customer; nothing for an agent. */
export function ownCustomer(directory: DirectoryRepository, person: Person): Customer | undefined {
  return person.kind === 'customerUser' ? directory.customer(person.customerId) : undefined;
}

/** The customers a person may see: an agent all of the partner's, a customer user only their own. */
export function visibleCustomers(directory: DirectoryRepository, viewer: Person): readonly Customer[] {
  if (viewer.kind === 'agent') return directory.customers();
  const own = ownCustomer(directory, viewer);
  return own ? [own] : [];
}

/** The customer with this id if the person may see it; nothing otherwise, so nothing of another customer leaks. */
export function visibleCustomer(directory: DirectoryRepository, viewer: Person, customerId: string): Customer | undefined {
  return viewer.kind === 'agent' || viewer.customerId === customerId ? directory.customer(customerId) : undefined;
}

/**
 * Finds a customer by id, domain or name (exact, case-insensitive), else by an unambiguous
 * part of its name or domain. Several matches are returned as a choice, never guessed.
 */
export function findCustomer(directory: DirectoryRepository, viewer: Person, query: string): CustomerLookup {
  const q = query.trim().toLowerCase();
  const pool = visibleCustomers(directory, viewer);
  if (!q) return { kind: 'none' };
  const exact = pool.filter((c) => c.id.toLowerCase() === q || c.domain.toLowerCase() === q || c.name.toLowerCase() === q);
  const matches = exact.length ? exact : pool.filter((c) => c.name.toLowerCase().includes(q) || c.domain.toLowerCase().includes(q));
  if (matches.length === 1) return { kind: 'found', customer: matches[0]! };
  if (matches.length > 1) return { kind: 'ambiguous', candidates: matches };
  return { kind: 'none' };
}
