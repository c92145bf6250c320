import { z } from 'zod';
import type { Customer, LogEntry, Partner } from '../../data/schemas.ts';
import type { LogFilter } from '../../services/activityLog.ts';
import type { PartnerDirectory } from '../../services/partnerDirectory.ts';
import { Operation, operationNames, type OperationName } from '../../services/operations.ts';
import { nextDay } from '../../services/terms.ts';
import { parseOrBadRequest } from '../http/httpError.ts';

/** Partner Center's resource types, with this bot's own for what Partner Center does not have. */
const resourceTypes: Record<OperationName, string> = {
  [Operation.CreateCustomerPurchasePermissions]: 'self_serve_policy',
  [Operation.DeleteCustomerPurchasePermissions]: 'self_serve_policy',
  [Operation.LoadPartnerDirectory]: 'partner_directory',
  [Operation.SyncCustomer]: 'customer',
  [Operation.SyncPartnerCenter]: 'partner_directory',
  [Operation.PurchaseReservation]: 'order',
  [Operation.SetPartnerPrice]: 'price_list',
  [Operation.ChangePartnerSettings]: 'partner_settings',
  [Operation.RequestChange]: 'change_request',
  [Operation.WithdrawRequest]: 'change_request',
  [Operation.ApproveRequest]: 'change_request',
  [Operation.RejectRequest]: 'change_request',
  [Operation.ExpireRequest]: 'change_request',
  [Operation.RetryChange]: 'change_request',
  [Operation.CancelReservation]: 'reservation',
  [Operation.ExchangeReservation]: 'reservation',
  [Operation.ChangeAutoRenew]: 'reservation',
  [Operation.ChangeScope]: 'reservation',
  [Operation.RenewReservation]: 'reservation',
  [Operation.LockRenewalPrice]: 'reservation',
  [Operation.DeliverMessage]: 'bot_message',
  [Operation.CardAction]: 'card_action',
};

const dateOrTime = z.union([z.iso.date(), z.iso.datetime({ offset: true })], 'a date (2026-11-24) or a date and time (2026-11-24T09:30:00Z)');

const filterSchema = z.strictObject({
  Field: z.enum(['CustomerId', 'CompanyName', 'CustomerName', 'ResourceType', 'OperationType'], 'one of CustomerId, CompanyName, CustomerName, ResourceType, OperationType'),
  Value: z.string().min(1, 'give the value to look for'),
  Operator: z.enum(['equals', 'substring'], 'equals or substring').default('equals'),
});

const querySchema = z.strictObject({
  startDate: dateOrTime,
  endDate: dateOrTime.optional(),
  filter: z
    .string()
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be JSON such as {"Field":"CompanyName","Value":"contoso","Operator":"substring"}' });
        return z.NEVER;
      }
    })
    .pipe(filterSchema)
    .optional(),
  size: z.coerce.number('a whole number from 1 to 500').int('a whole number from 1 to 500').min(1).max(500).default(500),
  continuationToken: z.coerce.number('the continuationToken of the previous page').int().positive().optional(),
});

export type AuditQuery = z.infer<typeof querySchema>;

export const parseAuditQuery = (query: Record<string, string>): AuditQuery => parseOrBadRequest(querySchema, query, 'query');

/** The log filter a query stands for: its time range, and its Partner Center filter in terms of customers and operations. */
export async function logFilterOf(directory: PartnerDirectory, { startDate, endDate, filter, continuationToken }: AuditQuery): Promise<LogFilter> {
  const range = { from: new Date(startDate).toISOString(), to: endDate && endOfRange(endDate), beforeSeq: continuationToken };
  if (!filter) return range;
  const matches = (value: string) => (filter.Operator === 'equals' ? value.toLowerCase() === filter.Value.toLowerCase() : value.toLowerCase().includes(filter.Value.toLowerCase()));
  switch (filter.Field) {
    case 'CustomerId': {
      // One customer by its id, the usual question, is looked up rather than found among every customer.
      const one = filter.Operator === 'equals' ? await directory.customer(filter.Value) : undefined;
      return { ...range, customerIds: one ? [one.id] : (await directory.customerNames()).filter((c) => matches(c.id)).map((c) => c.id) };
    }
    case 'CompanyName':
    case 'CustomerName':
      return { ...range, customerIds: (await directory.customerNames()).filter((c) => matches(c.name)).map((c) => c.id) };
    case 'ResourceType':
      return { ...range, operations: operationNames.filter((o) => matches(resourceTypes[o])) };
    case 'OperationType':
      return { ...range, operations: operationNames.filter(matches) };
  }
}

/** A day given alone includes the whole of that day (UTC). */
const endOfRange = (endDate: string): string => new Date(/^\d{4}-\d{2}-\d{2}$/.test(endDate) ? nextDay(endDate) : endDate).toISOString();

/** Log entries as Partner Center audit records, with the e-mail of each person who acted as the directory has it. */
export async function auditRecords(directory: PartnerDirectory, entries: readonly LogEntry[]) {
  const partner = await directory.partner();
  const customers = new Map((await directory.customersOf(entries.map((e) => e.actor.tenantId).filter((t) => t !== partner.tenantId))).map((c) => [c.id, c]));
  return entries.map((entry) => auditRecord(partner, customers, entry));
}

/** One log entry as a Partner Center audit record; old and new values are JSON strings, as there. */
function auditRecord(partner: Partner, customers: ReadonlyMap<string, Customer>, entry: LogEntry) {
  const { actor } = entry;
  const customizedData = [
    { key: 'UserName', value: actor.name },
    { key: 'UserRole', value: actor.role },
    { key: 'UserTenantId', value: actor.tenantId },
    { key: 'UserObjectId', value: actor.userId },
    ...(entry.target ? [{ key: 'Target', value: entry.target }] : []),
    ...(entry.reason ? [{ key: 'ReasonCode', value: entry.reason.code }, { key: 'Reason', value: entry.reason.message }] : []),
    ...(entry.correlationId ? [{ key: 'MS-CorrelationId', value: entry.correlationId }] : []),
  ];
  return {
    id: String(entry.seq),
    partnerId: partner.tenantId,
    customerId: entry.customerId ?? null,
    customerName: entry.customerName ?? null,
    userPrincipalName: emailOf(partner, customers, actor) ?? actor.name,
    resourceType: resourceTypes[entry.operation as OperationName] ?? 'other',
    resourceOldValue: entry.before === undefined ? null : JSON.stringify(entry.before),
    resourceNewValue: entry.after === undefined ? null : JSON.stringify(entry.after),
    operationType: entry.operation,
    operationDate: entry.at,
    operationStatus: entry.outcome === 'Succeeded' ? 'succeeded' : 'failed',
    customizedData,
    attributes: { objectType: 'AuditRecord' },
  };
}

function emailOf(partner: Partner, customers: ReadonlyMap<string, Customer>, actor: LogEntry['actor']): string | undefined {
  if (actor.tenantId === partner.tenantId) return partner.agents.find((a) => a.userId === actor.userId)?.email;
  return customers.get(actor.tenantId)?.users.find((u) => u.userId === actor.userId)?.email;
}
