// The bench's stores: a partner with ten Admin Agents and `customers` customers, each with two users, an Azure Plan,
// 10 reservations (and their orders) and 100 log entries, written straight to disk as years of use would leave them.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import type { Customer, LogEntry, Order, Price, Product, Reservation } from '../../data/schemas.ts';

export const partnerTenant = '00000000-0000-4000-8000-000000000001';
export const admins = Array.from({ length: 10 }, (_, i) => ({ tenantId: partnerTenant, userId: `a0000000-0000-4000-8000-${String(i + 1).padStart(12, '0')}`, name: `Admin ${i + 1}` }));
export const customerId = (i: number) => `c${String(i).padStart(7, '0')}-0000-4000-8000-000000000000`;
export const domainOf = (i: number) => `customer${i}.example`;

const products: Product[] = [{ sku: 'Standard_D2s_v5', name: 'Virtual Machines D2s v5', type: 'VirtualMachines' }];
const prices: Price[] = [
  { sku: 'Standard_D2s_v5', region: 'eastus', term: 'P1Y', webDirectPrice: 700, partnerPrice: 600, currency: 'USD' },
  { sku: 'Standard_D2s_v5', region: 'eastus', term: 'P3Y', webDirectPrice: 1500, partnerPrice: 1300, currency: 'USD' },
];

function customer(i: number): Customer {
  const id = customerId(i);
  const owner = `u${String(i).padStart(7, '0')}-0000-4000-8000-000000000001`;
  return {
    id,
    name: `Customer ${i} Ltd`,
    domain: domainOf(i),
    users: [
      { userId: owner, name: `Owner ${i}` },
      { userId: `u${String(i).padStart(7, '0')}-0000-4000-8000-000000000002`, name: `User ${i}` },
    ],
    subscriptions: [{ id: `s${String(i).padStart(7, '0')}-0000-4000-8000-000000000001`, name: 'Azure Plan', offer: 'AzurePlan', usageBased: true, status: 'active', owners: [owner] }],
    managementGroups: [],
    purchasePermission: { enabled: false },
    savingsPlanPermission: { enabled: false },
  };
}

function purchase(c: Customer, n: number, number: number): { reservation: Reservation; order: Order } {
  const by = { ...admins[0]!, role: 'AdminAgent' as const };
  const id = `R-${1001 + number}`;
  const orderId = `O-${1001 + number}`;
  const at = new Date(Date.UTC(2026, 0, 1) + n * 86_400_000).toISOString();
  return {
    reservation: {
      id,
      orderId,
      customerId: c.id,
      sku: 'Standard_D2s_v5',
      productName: 'Virtual Machines D2s v5',
      region: 'eastus',
      quantity: 1,
      term: 'P1Y',
      billingPlan: 'Upfront',
      billingSubscriptionId: c.subscriptions[0]!.id,
      scope: { type: 'Shared' },
      autoRenew: false,
      purchasedAt: at,
      expiresOn: `${2027}-01-${String(1 + n).padStart(2, '0')}`,
      status: 'Active',
      boughtBy: by,
      unitPrice: 600,
      total: 600,
      currency: 'USD',
    },
    order: {
      id: orderId,
      type: 'Purchase',
      customerId: c.id,
      at,
      by,
      billedTo: { tenantId: partnerTenant, name: 'Bench Partner' },
      reservationId: id,
      description: '1 × Virtual Machines D2s v5 (Standard_D2s_v5), eastus, 1 year, billed upfront',
      billingPlan: 'Upfront',
      amount: 600,
      currency: 'USD',
    },
  };
}

function logEntry(seq: number, c: Customer, n: number): LogEntry {
  const on = n % 2 === 0;
  return {
    seq,
    at: new Date(Date.UTC(2026, 0, 1) + seq * 1000).toISOString(),
    actor: { ...admins[n % admins.length]!, role: 'AdminAgent' },
    operation: on ? 'Create Customer Purchase Permissions' : 'Delete Customer Purchase Permissions',
    customerId: c.id,
    customerName: c.name,
    target: 'Azure reservations: allow customer to purchase',
    outcome: 'Succeeded',
    before: { enabled: !on },
    after: { enabled: on },
  };
}

async function writeLines(file: string, lines: Iterable<string>): Promise<void> {
  const out = createWriteStream(file);
  for (const line of lines) if (!out.write(line)) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
}

/** Writes store.json and activity.jsonl for `count` customers into `dataDir`; the log's entries are interleaved across customers. */
export async function writeBenchWorld(dataDir: string, count: number): Promise<void> {
  const customers = Array.from({ length: count }, (_, i) => customer(i));
  const made = customers.flatMap((c, i) => Array.from({ length: 10 }, (_, n) => purchase(c, n, i * 10 + n)));
  const head = {
    schemaVersion: 3,
    committed: 0,
    partner: { tenantId: partnerTenant, name: 'Bench Partner', agents: admins.map((a) => ({ userId: a.userId, name: a.name, role: 'AdminAgent' })) },
    products,
    prices,
    settings: { purchaseNotifications: false, requestLifetimeDays: 7 },
    quotes: [],
    conversations: [],
    requests: [],
    deliveries: [],
  };
  function* storeJson(): Generator<string> {
    yield JSON.stringify(head).slice(0, -1);
    for (const [name, rows] of [['customers', customers], ['reservations', made.map((m) => m.reservation)], ['orders', made.map((m) => m.order)]] as const) {
      yield `,"${name}":[`;
      for (let i = 0; i < rows.length; i++) yield (i ? ',' : '') + JSON.stringify(rows[i]);
      yield ']';
    }
    yield '}';
  }
  await writeLines(join(dataDir, 'store.json'), storeJson());
  function* log(): Generator<string> {
    let seq = 0;
    for (let n = 0; n < 100; n++) for (const c of customers) yield `${JSON.stringify(logEntry(++seq, c, n))}\n`;
  }
  await writeLines(join(dataDir, 'activity.jsonl'), log());
}
