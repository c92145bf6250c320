import type { Customer, Partner, Product } from '../data/schemas.ts';
import type { CustomerName, Store } from '../data/store.ts';
import { customerAccount, type CustomerAccount } from './customerAccount.ts';
import { findCustomer, ownCustomer, visibleCustomer, type CustomerLookup } from './customerLookup.ts';
import type { MicrosoftCloud } from './microsoftCloud.ts';
import { identify, type Person } from './people.ts';

/** The partner's directory as the bot reads it: who is who, the customers a person may see, the catalogue's products. */
export class PartnerDirectory {
  constructor(
    private readonly store: Store,
    private readonly cloud: MicrosoftCloud,
  ) {}

  partner(): Promise<Partner> {
    return this.store.partner();
  }

  async partnerName(): Promise<string> {
    return (await this.store.partner()).name;
  }

  /** Identity and role come only from the ids Teams or a verified token carries, checked against the directory. */
  identify(tenantId: string | undefined, userId: string | undefined): Promise<Person | undefined> {
    return identify(this.store, tenantId, userId, { listedUsersOnly: this.cloud.listsCustomerUsers });
  }

  customer(id: string): Promise<Customer | undefined> {
    return this.store.customer(id);
  }

  customerNames(): Promise<CustomerName[]> {
    return this.store.customerNames();
  }

  /** Every customer, in directory order. */
  async customers(): Promise<Customer[]> {
    return this.store.customers((await this.store.customerNames()).map((c) => c.id));
  }

  /** The customers with these ids (repeats once), in the order asked. */
  customersOf(ids: readonly string[]): Promise<Customer[]> {
    return this.store.customers([...new Set(ids)]);
  }

  products(): Promise<Product[]> {
    return this.store.products();
  }

  own(person: Person): Promise<Customer | undefined> {
    return ownCustomer(this.store, person);
  }

  visible(viewer: Person, customerId: string): Promise<Customer | undefined> {
    return visibleCustomer(this.store, viewer, customerId);
  }

  find(viewer: Person, query: string): Promise<CustomerLookup> {
    return findCustomer(this.store, viewer, query);
  }

  async account(customer: Customer): Promise<CustomerAccount> {
    return customerAccount(await this.store.partner(), customer, this.cloud.listsCustomerUsers);
  }
}
