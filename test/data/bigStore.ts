import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { ActivityFile } from '../../data/activityFile.ts';
import type { StoreData } from '../../data/schemas.ts';
import { writeSnapshot } from '../../data/snapshot.ts';
import { admin, buyer, partnerTenant } from './storeRecords.ts';

export interface BigStoreSize {
  customers: number;
  reservations: number;
  orders: number;
  logEntries: number;
}

/** A store as big as `size`: each customer with 2 users and 2 subscriptions, reservations and orders spread over the customers. */
export function bigStoreData(size: BigStoreSize): StoreData {
  const customerId = (i: number) => `tenant-${i % size.customers}`;
  return {
    schemaVersion: 3,
    committed: 0,
    partner: { tenantId: partnerTenant, name: 'Big Partner', agents: [{ userId: 'admin-1', name: 'Ada Admin', role: 'AdminAgent' }] },
    customers: Array.from({ length: size.customers }, (_, i) => ({
      id: customerId(i),
      name: `Customer ${i}`,
      domain: `customer${i}.example`,
      users: [
        { userId: `user-${i}-a`, name: 'Ann Owner', email: `ann@customer${i}.example` },
        { userId: `user-${i}-b`, name: 'Bob User' },
      ],
      subscriptions: [
        { id: `sub-${i}-plan`, name: 'Azure Plan', offer: 'AzurePlan', usageBased: true, status: 'active', owners: [`user-${i}-a`] },
        { id: `sub-${i}-m365`, offer: 'Microsoft365E3', usageBased: false, status: 'active', owners: [] },
      ],
      managementGroups: [],
      purchasePermission: { enabled: i % 2 === 0, changedAt: '2026-01-05T10:00:00.000Z', changedBy: 'admin-1' },
      savingsPlanPermission: { enabled: false },
    })),
    products: [{ sku: 'Standard_D2s_v5', name: 'Virtual Machines D2s v5', type: 'VirtualMachines' }],
    prices: [{ sku: 'Standard_D2s_v5', region: 'eastus', term: 'P1Y', partnerPrice: 600, webDirectPrice: 700, currency: 'USD' }],
    settings: { purchaseNotifications: false, requestLifetimeDays: 7 },
    reservations: Array.from({ length: size.reservations }, (_, i) => ({
      id: `R-${1001 + i}`,
      orderId: `O-${1001 + i}`,
      customerId: customerId(i),
      sku: 'Standard_D2s_v5',
      productName: 'Virtual Machines D2s v5',
      region: 'eastus',
      quantity: 2,
      term: 'P1Y' as const,
      billingPlan: 'Upfront' as const,
      billingSubscriptionId: `sub-${i % size.customers}-plan`,
      scope: { type: 'Shared' as const },
      autoRenew: i % 3 === 0,
      purchasedAt: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
      expiresOn: new Date(Date.UTC(2027, 0, 1) + (i % 365) * 86_400_000).toISOString().slice(0, 10),
      status: 'Active' as const,
      boughtBy: { ...buyer, tenantId: customerId(i) },
      unitPrice: 600,
      total: 1200,
      currency: 'USD',
    })),
    orders: Array.from({ length: size.orders }, (_, i) => ({
      id: `O-${1001 + i}`,
      type: 'Purchase' as const,
      customerId: customerId(i),
      at: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
      by: { ...buyer, tenantId: customerId(i) },
      billedTo: { tenantId: partnerTenant, name: 'Big Partner' },
      reservationId: `R-${1001 + i}`,
      quoteId: `quote-${i}`,
      description: '2 × Virtual Machines D2s v5 (Standard_D2s_v5), eastus, 1 year, billed upfront',
      billingPlan: 'Upfront' as const,
      amount: 1200,
      currency: 'USD',
    })),
    quotes: [],
    conversations: [],
    requests: [],
    deliveries: [],
  };
}

/** Writes store.json (as the store writes its snapshots) and an activity log of `logEntries` entries with its saved index. */
export async function writeBigStore(dataDir: string, size: BigStoreSize): Promise<void> {
  await writeSnapshot(join(dataDir, 'store.json'), bigStoreData(size));
  const file = join(dataDir, 'activity.jsonl');
  const out = createWriteStream(file);
  const start = Date.UTC(2025, 0, 1);
  const actor = JSON.stringify(admin);
  for (let i = 1; i <= size.logEntries; i += 10_000) {
    let chunk = '';
    for (let seq = i; seq < Math.min(i + 10_000, size.logEntries + 1); seq++) {
      chunk += `{"seq":${seq},"at":"${new Date(start + seq * 1000).toISOString()}","actor":${actor},"operation":"Operation ${seq % 12}","customerId":"tenant-${(seq * 7919) % size.customers}","target":"target ${seq}","outcome":"Succeeded"}\n`;
    }
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'close');
  // The first open builds the log's index and saves it beside the log, as a running store keeps it.
  await (await ActivityFile.open(file, () => undefined)).close();
}
