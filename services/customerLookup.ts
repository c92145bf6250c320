import type { DirectoryRepository } from '../data/repository.ts';
import type { Customer } from '../data/schemas.ts';
import type { Person } from './people.ts';

export type CustomerLookup =
  | { kind: 'found'; customer: Customer }
  | { kind: 'ambiguous'; candidates: Customer[] }
  | { kind: 'none' };

/** The customers a person may see: an agent all of the partner's, a customer user only their own. */
export function visibleCustomers(directory: DirectoryRepository, viewer: Person): readonly Customer[] {
  if (viewer.kind === 'agent') return directory.customers();
  const own = directory.customer(viewer.customerId);
  return own ? [own] : [];
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
