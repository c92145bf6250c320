import { readFile } from 'node:fs/promises';
import { describeIssues } from '../data/describeIssues.ts';
import { priceKey, worldSchema, type Price, type PurchasePermission, type World } from '../data/schemas.ts';
import type { Store } from '../data/store.ts';
import { StoreError } from '../data/storeError.ts';
import { ActivityLog, systemActor } from './activityLog.ts';
import type { Clock } from './clock.ts';
import { ineligibility } from './eligibility.ts';
import { policyResources } from './microsoftCloud.ts';
import { Operation } from './operations.ts';
import { permissionKinds } from './permissionKinds.ts';
import { priceChangeEntry } from './priceList.ts';

/** Reads and validates a world file (the shape is in README.md). */
export async function readWorld(file: string): Promise<World> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new StoreError(file, `cannot be read as JSON (${(err as Error).message})`);
  }
  const parsed = worldSchema.safeParse(json);
  if (!parsed.success) throw new StoreError(file, `is not a valid world file:\n${describeIssues(parsed.error)}`);
  for (const [i, customer] of parsed.data.customers.entries()) {
    for (const { field } of Object.values(permissionKinds)) {
      const reason = customer[field] && ineligibility(customer);
      if (reason) throw new StoreError(file, `is not a valid world file:\ncustomers[${i}].${field}: ${reason.why}, so the permission cannot be on (R4). ${reason.fix}, or set it to false.`);
    }
  }
  return parsed.data;
}

/**
 * Writes the world as the store's directory (replacing any there) and logs the import, in one transaction. What
 * the world file does not hold is kept: the activity log, reservations, orders, settings and conversations. Each
 * permission and partner price the import changes, compared with what the store held before, is logged like any
 * other change (R6, R18); one that stays as it was keeps its history. With `ifEmpty`, a store that already has a
 * directory is left as it is (decided inside the transaction: of several instances starting on one empty
 * database, one loads the world). With `keepCustomers` (Partner Center mode: customers come from Partner Center,
 * and the world file holds none), the customers the store holds stay as they are. Resolves with whether the world
 * was written.
 */
export async function importWorld(store: Store, world: World, source: string, clock: Clock, { ifEmpty = false, keepCustomers = false } = {}): Promise<boolean> {
  const at = clock().toISOString();
  const log = new ActivityLog(store, clock);
  const actor = systemActor(world.partner.tenantId, `World import from ${source}`);
  return store.transaction(async (tx) => {
    const hadDirectory = await tx.hasDirectory();
    if (hadDirectory && ifEmpty) return false;
    const heldCustomers = hadDirectory ? await tx.customers((await tx.customerNames()).map((c) => c.id)) : [];
    const heldPrices = hadDirectory ? await tx.prices() : [];
    const held = new Map(heldCustomers.map((c) => [c.id, c]));
    await tx.replaceDirectory({
      partner: world.partner,
      products: world.products,
      prices: world.prices,
      customers: keepCustomers
        ? heldCustomers
        : world.customers.map(({ purchasePermission, savingsPlanPermission, ...customer }) => {
            const before = held.get(customer.id);
            return { ...customer, purchasePermission: imported(before?.purchasePermission, purchasePermission, at), savingsPlanPermission: imported(before?.savingsPlanPermission, savingsPlanPermission, at) };
          }),
    });
    await log.succeeded(tx, actor, Operation.LoadPartnerDirectory, {
      target: source,
      after: { partner: world.partner.name, agents: world.partner.agents.length, customers: keepCustomers ? heldCustomers.length : world.customers.length, products: world.products.length, prices: world.prices.length },
    });
    const kept = new Set(world.customers.map((c) => c.id));
    const changes = keepCustomers ? [] : policyResources.flatMap((resource) => {
      const { field, target } = permissionKinds[resource];
      return [
        ...world.customers.map((customer) => ({ customer, target, before: held.get(customer.id)?.[field].enabled ?? false, after: customer[field] })),
        ...[...held.values()].filter((c) => !kept.has(c.id)).map((customer) => ({ customer, target, before: customer[field].enabled, after: false })),
      ];
    });
    for (const { customer, target, before, after } of changes.filter((c) => c.before !== c.after)) {
      const operation = after ? Operation.CreateCustomerPurchasePermissions : Operation.DeleteCustomerPurchasePermissions;
      await log.succeeded(tx, actor, operation, { customer, target, before: { enabled: before }, after: { enabled: after } });
    }
    // A first import's prices are the Load Partner Directory entry; a replacement logs each price it changes.
    for (const change of hadDirectory ? priceChanges(heldPrices, world.prices) : []) {
      await log.succeeded(tx, actor, Operation.SetPartnerPrice, change);
    }
    return true;
  });
}

/** A permission as the import leaves it: one that stays as it was keeps its history (who turned it on, when). */
function imported(stored: PurchasePermission | undefined, enabled: boolean, at: string): PurchasePermission {
  return (stored?.enabled ?? false) === enabled ? (stored ?? { enabled }) : { enabled, changedAt: at, changedBy: 'system' };
}

/** The partner prices that differ between two price lists, as log targets with before and after. */
function priceChanges(before: readonly Price[], after: readonly Price[]) {
  const rows = new Map<string, { row: Price; before?: number; after?: number }>();
  for (const row of before) rows.set(priceKey(row), { row, before: row.partnerPrice });
  for (const row of after) rows.set(priceKey(row), { row, before: rows.get(priceKey(row))?.before, after: row.partnerPrice });
  return [...rows.values()].filter((r) => r.before !== r.after).map(({ row, before, after }) => priceChangeEntry(row, before, after));
}
