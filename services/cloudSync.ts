import { randomUUID } from 'node:crypto';
import type { Customer, Reservation } from '../data/schemas.ts';
import type { Store, Transaction } from '../data/store.ts';
import { systemActor, type ActivityLog } from './activityLog.ts';
import type { Clock } from './clock.ts';
import { isAzurePlan } from './eligibility.ts';
import { CloudError, policyResources, type CloudCustomer, type MicrosoftCloud, type PolicyResource } from './microsoftCloud.ts';
import { Operation } from './operations.ts';
import type { Person } from './people.ts';
import { permissionOf } from './permissionKinds.ts';
import { possessive } from './possessive.ts';
import { recordPortalPurchases } from './portalPurchases.ts';
import type { PurchaseNotifications } from './purchaseNotifications.ts';
import type { PurchasePermissions } from './purchasePermission.ts';
import { refusals } from './refusals.ts';

/** What one sync found and recorded. */
export interface SyncReport {
  customers: number;
  added: string[];
  updated: string[];
  /** Permissions changed outside the bot (in the Partner Center dashboard, say), now recorded. */
  permissions: { customer: string; resource: PolicyResource; enabled: boolean }[];
  /** Reservations bought outside the bot (in the Azure portal), now recorded (R11). */
  purchases: { customer: string; reservation: Reservation }[];
  /** Customers Azure could not be asked about, and why. */
  problems: string[];
}

/** How many customers are asked about at once. */
const concurrency = 4;

/**
 * Keeps the store in step with the partner's Partner Center and Azure: customers and their subscriptions, the two
 * self-serve permissions (a change made outside the bot is recorded and logged as such) and reservations bought in the Azure
 * portal (R11, R12). Each customer is compared and written in a transaction of its own, so that a sync run by two
 * instances at once, or interrupted, records each change once.
 */
export class CloudSync {
  private running: Promise<SyncReport> | undefined;

  constructor(
    private readonly store: Store,
    private readonly cloud: MicrosoftCloud,
    private readonly log: ActivityLog,
    private readonly permissions: PurchasePermissions,
    private readonly notifications: PurchaseNotifications,
    private readonly clock: Clock,
  ) {}

  /** A sync asked for by an Admin Agent (refused and logged for anyone else), or the bot's own at start and on schedule. One runs at a time in a process: a second call shares it. */
  async run(by: Person | 'schedule'): Promise<SyncReport> {
    if (by !== 'schedule' && by.role !== 'AdminAgent') {
      const err = refusals.adminOnly(by, `sync the bot with ${this.cloud.name}`, (await this.store.partner()).name);
      await this.log.refused(by, Operation.SyncPartnerCenter, { target: this.cloud.name }, err);
      throw err;
    }
    this.running ??= this.sync().finally(() => (this.running = undefined));
    return this.running;
  }

  private async sync(): Promise<SyncReport> {
    const correlationId = randomUUID();
    let found: CloudCustomer[];
    const report: SyncReport = { customers: 0, added: [], updated: [], permissions: [], purchases: [], problems: [] };
    try {
      const listed = await this.cloud.customers({ correlationId });
      found = listed.customers;
      report.customers = found.length + listed.unread.length;
      report.problems.push(...listed.unread.map((c) => `${c.name} (${c.id}): ${c.reason}`));
    } catch (err) {
      throw err instanceof CloudError ? refusals.cloud(err, this.cloud.name, 'list your customers') : err;
    }
    const firstSync = (await this.store.settings()).syncedAt === undefined;
    await inBatches(found, (customer) => this.customer(customer, report, correlationId));
    // Reservations found at the first sync predate the bot: they are recorded, not announced (R12).
    await inBatches(found, (customer) => this.portalPurchases(customer, report, !firstSync));
    await this.store.transaction(async (tx) => tx.saveSettings({ ...(await tx.settings()), syncedAt: this.clock().toISOString() }));
    return report;
  }

  /** Compares and records one customer in a transaction of its own; what it found is told once it is committed (a transaction may run again). */
  private async customer(found: CloudCustomer, report: SyncReport, correlationId: string): Promise<void> {
    const news = await this.store.transaction(async (tx) => {
      const told: Pick<SyncReport, 'added' | 'updated' | 'permissions' | 'problems'> = { added: [], updated: [], permissions: [], problems: [] };
      // A domain another customer holds cannot be taken (customers are found by domain): that one is told, the others sync.
      const holder = (await tx.customersMatching(found.domain)).find((c) => c.id !== found.id && c.domain.toLowerCase() === found.domain.toLowerCase());
      if (holder) {
        told.problems.push(`${found.name} (${found.id}): its domain ${found.domain} is ${possessive(holder.name)} in the bot (${holder.id}).`);
        return told;
      }
      const held = await tx.customer(found.id);
      let customer = held ? await this.update(tx, held, found, correlationId) : await this.add(tx, found, correlationId);
      if (!held) told.added.push(customer.name);
      else if (customer !== held) told.updated.push(customer.name);
      for (const resource of policyResources) {
        const enabled = found.permissions[resource];
        if (permissionOf(customer, resource).enabled === enabled) continue;
        customer = await this.permissions.record(tx, 'outside', customer, resource, enabled, correlationId);
        told.permissions.push({ customer: customer.name, resource, enabled });
      }
      return told;
    });
    report.added.push(...news.added);
    report.updated.push(...news.updated);
    report.permissions.push(...news.permissions);
    report.problems.push(...news.problems);
  }

  private async add(tx: Transaction, found: CloudCustomer, correlationId: string): Promise<Customer> {
    // The permissions start off (R1); one Partner Center already holds is then recorded as changed outside the bot.
    const customer: Customer = {
      id: found.id,
      name: found.name,
      domain: found.domain,
      users: [],
      subscriptions: found.subscriptions.map((s) => ({ ...s, owners: [] })),
      managementGroups: [],
      purchasePermission: { enabled: false },
      savingsPlanPermission: { enabled: false },
    };
    await tx.saveCustomer(customer);
    await this.log.succeeded(tx, this.actor(await tx.partner()), Operation.SyncCustomer, { customer, target: `added from ${this.cloud.name}`, after: described(customer), correlationId });
    return customer;
  }

  /** The customer as Partner Center has it now, saved and logged if it changed; `held` itself if nothing did. */
  private async update(tx: Transaction, held: Customer, found: CloudCustomer, correlationId: string): Promise<Customer> {
    // Owners are the directory's (the embedded world) or Azure's, asked when needed: a sync keeps what the store has.
    const subscriptions = found.subscriptions.map((s) => ({ ...s, owners: held.subscriptions.find((h) => h.id === s.id)?.owners ?? [] }));
    const customer: Customer = { ...held, name: found.name, domain: found.domain, subscriptions };
    if (JSON.stringify(described(customer)) === JSON.stringify(described(held))) return held;
    await tx.saveCustomer(customer);
    await this.log.succeeded(tx, this.actor(await tx.partner()), Operation.SyncCustomer, { customer, target: `changed in ${this.cloud.name}`, before: described(held), after: described(customer), correlationId });
    return customer;
  }

  private async portalPurchases(found: CloudCustomer, report: SyncReport, announce: boolean): Promise<void> {
    // Reservations are billed to an Azure Plan: a customer without one has none to find, and Azure is not asked.
    if (!found.subscriptions.some(isAzurePlan)) return;
    let reservations;
    try {
      reservations = await this.cloud.reservations(found.id);
    } catch (err) {
      if (!(err instanceof CloudError)) throw err;
      report.problems.push(`${found.name}: ${err.message}`);
      return;
    }
    const recorded = await this.store.transaction(async (tx) => {
      const customer = await tx.customer(found.id);
      return customer ? recordPortalPurchases(tx, customer, reservations, { log: this.log, notifications: this.notifications, announce, syncActor: this.actor(await tx.partner()) }) : [];
    });
    report.purchases.push(...recorded.map((reservation) => ({ customer: found.name, reservation })));
  }

  private actor(partner: { tenantId: string }) {
    return systemActor(partner.tenantId, `Sync with ${this.cloud.name}`);
  }
}

/** What a sync compares and logs of a customer: its name, domain and subscriptions (never its Owners). */
function described(customer: Customer) {
  return { name: customer.name, domain: customer.domain, subscriptions: customer.subscriptions.map(({ owners: _owners, ...s }) => s) };
}

async function inBatches<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += concurrency) await Promise.all(items.slice(i, i + concurrency).map(work));
}
