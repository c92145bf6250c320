import { readFile } from 'node:fs/promises';
import { describeIssues } from '../data/describeIssues.ts';
import { worldSchema, type StoreData, type World } from '../data/schemas.ts';
import { JsonDirectory } from '../data/jsonDirectory.ts';
import { directoryFile, hasDirectory, openStore, type Store } from '../data/store.ts';
import { StoreError } from '../data/storeError.ts';
import { ActivityLog, systemActor } from './activityLog.ts';
import type { Clock } from './clock.ts';
import { isEligible } from './eligibility.ts';
import { Operation } from './operations.ts';
import { permissionTarget } from './purchasePermission.ts';

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
  const i = parsed.data.customers.findIndex((c) => c.purchasePermission && !c.subscriptions.some(isEligible));
  if (i >= 0) {
    const name = parsed.data.customers[i]!.name;
    throw new StoreError(file, `is not a valid world file:\ncustomers[${i}].purchasePermission: ${name} has no active, usage-based Azure Plan or Azure Global subscription, so the permission cannot be on (R4)`);
  }
  return parsed.data;
}

/**
 * Writes the world as the store's directory (replacing any there) and logs the import; the activity
 * log itself is kept. Each permission the import turns on or off, compared with what the store held
 * before, is logged like any other change (R6); one that stays as it was keeps its history.
 */
export async function importWorld(dataDir: string, world: World, source: string, clock: Clock): Promise<Store> {
  const at = clock().toISOString();
  const held = new Map((hasDirectory(dataDir) ? (await JsonDirectory.open(directoryFile(dataDir))).customers() : []).map((c) => [c.id, c]));
  const data: StoreData = {
    schemaVersion: 1,
    partner: world.partner,
    prices: world.prices,
    customers: world.customers.map(({ purchasePermission: enabled, ...customer }) => {
      const before = held.get(customer.id)?.purchasePermission;
      const unchanged = (before?.enabled ?? false) === enabled;
      return { ...customer, purchasePermission: unchanged ? (before ?? { enabled }) : { enabled, changedAt: at, changedBy: 'system' } };
    }),
  };
  const store = await openStore(dataDir, data);
  const log = new ActivityLog(store.log, clock);
  const actor = systemActor(world.partner.tenantId, `World import from ${source}`);
  await log.succeeded(actor, Operation.LoadPartnerDirectory, {
    target: source,
    after: { partner: world.partner.name, agents: world.partner.agents.length, customers: world.customers.length, prices: world.prices.length },
  });
  const kept = new Set(data.customers.map((c) => c.id));
  const changes = [
    ...data.customers.map((customer) => ({ customer, before: held.get(customer.id)?.purchasePermission.enabled ?? false, after: customer.purchasePermission.enabled })),
    ...[...held.values()].filter((c) => !kept.has(c.id)).map((customer) => ({ customer, before: customer.purchasePermission.enabled, after: false })),
  ];
  for (const { customer, before, after } of changes.filter((c) => c.before !== c.after)) {
    const operation = after ? Operation.CreateCustomerPurchasePermissions : Operation.DeleteCustomerPurchasePermissions;
    await log.succeeded(actor, operation, { customer, target: permissionTarget, before: { enabled: before }, after: { enabled: after } });
  }
  return store;
}
