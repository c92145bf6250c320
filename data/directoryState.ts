import { priceKey, type Customer, type Partner, type Price, type Product } from './schemas.ts';
import type { CustomerName, Directory } from './store.ts';

/**
 * The partner's directory as held in memory: customers by id (in directory order) and by domain, the
 * catalogue's SKUs, and price rows by product, region and term. Like the tables, it never changes a record
 * in place.
 */
export class DirectoryState {
  readonly customers = new Map<string, Customer>();
  /** Lower-case domain → the id of the customer who has it (R4 looks customers up by domain). */
  readonly domains = new Map<string, string>();
  readonly skus: ReadonlySet<string>;
  readonly prices = new Map<string, Price>();
  /** Each customer's id, name and domain in lower case, kept so that a lookup by name (every turn that names a customer) allocates nothing. */
  readonly searchable = new Map<string, CustomerName>();
  private names?: readonly CustomerName[];

  private constructor(
    readonly partner: Partner,
    readonly products: readonly Product[],
  ) {
    this.skus = new Set(products.map((p) => p.sku.toLowerCase()));
  }

  /** A directory already checked (by the schemas, with their cross-record rules). */
  static from(directory: Directory): DirectoryState {
    const state = new DirectoryState(directory.partner, directory.products);
    for (const customer of directory.customers) state.putCustomer(customer);
    for (const price of directory.prices) state.putPrice(price);
    return state;
  }

  putCustomer(customer: Customer): void {
    const old = this.customers.get(customer.id);
    if (old && this.domains.get(old.domain.toLowerCase()) === old.id) this.domains.delete(old.domain.toLowerCase());
    this.customers.set(customer.id, customer);
    this.domains.set(customer.domain.toLowerCase(), customer.id);
    this.searchable.set(customer.id, searchKeys(customer));
    this.names = undefined;
  }

  /** Every customer's id, name and domain in directory order: made once per change of the customers, and frozen, so that it can be handed out as it is. */
  customerNames(): readonly CustomerName[] {
    this.names ??= Object.freeze([...this.customers.values()].map(({ id, name, domain }) => Object.freeze({ id, name, domain })));
    return this.names;
  }

  putPrice(price: Price): void {
    this.prices.set(priceKey(price), price);
  }
}

/** A customer's id, name and domain in lower case, as lookups by name compare them. */
export const searchKeys = (c: CustomerName): CustomerName => ({ id: c.id.toLowerCase(), name: c.name.toLowerCase(), domain: c.domain.toLowerCase() });
