import type { Customer, Price } from '../../data/schemas.ts';
import type { Store } from '../../data/store.ts';

/**
 * Changes a test makes to the store behind the services' backs, as an import or another process would: each in a
 * transaction of its own, with no log entry.
 */

/** Sets a customer's purchase permission to exactly `permission` (`{ enabled }` alone keeps no history of who changed it). */
export function setPurchasePermission(store: Store, customerId: string, permission: Customer['purchasePermission']): Promise<void> {
  return store.transaction(async (tx) => {
    const customer = await tx.customer(customerId);
    if (!customer) throw new Error(`no customer ${customerId} in the store`);
    await tx.saveCustomer({ ...customer, purchasePermission: permission });
  });
}

/** Sets (or, with undefined, removes) the partner price of a catalogue row. */
export function setPartnerPrice(store: Store, row: Pick<Price, 'sku' | 'region' | 'term'>, partnerPrice: number | undefined): Promise<void> {
  return store.transaction(async (tx) => {
    const price = (await tx.prices()).find((p) => p.sku === row.sku && p.region === row.region && p.term === row.term);
    if (!price) throw new Error(`no price row ${row.sku} ${row.region} ${row.term}`);
    const { partnerPrice: _old, ...rest } = price;
    await tx.savePrice(partnerPrice === undefined ? rest : { ...rest, partnerPrice });
  });
}
