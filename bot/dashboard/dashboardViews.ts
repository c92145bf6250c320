import type { ChangeRequest, Customer, LogEntry, Order, Partner, Reservation } from '../../data/schemas.ts';
import { formatDate, formatTime } from '../../cards/format.ts';
import { customerAccount } from '../../services/customerAccount.ts';
import { changeInWords } from '../../services/changeInWords.ts';
import { describeChange, requestStateLabel } from '../../services/changeWords.ts';
import { figureFacts } from '../../services/figureFacts.ts';
import { formatMoney } from '../../services/money.ts';
import { actorRoleLabels, roleLabels, type Person } from '../../services/people.ts';
import { describeScope } from '../../services/scope.ts';
import { termLabel } from '../../services/terms.ts';
import type { CustomerRow, LogRow, MeView, OrderRow, RequestRow, ReservationRow } from './dashboardTypes.ts';

export function meView(partner: Partner, own: Customer | undefined, person: Person): MeView {
  return {
    name: person.name,
    kind: person.kind,
    roleLabel: roleLabels[person.role],
    partnerName: partner.name,
    customerName: own?.name,
    canChange: person.role === 'AdminAgent',
  };
}

/** `ownersListed`: false where Azure, not the directory, holds who is Owner (no warning can be given from the store). */
export function customerRow(partner: Partner, customer: Customer, ownersListed: boolean): CustomerRow {
  const account = customerAccount(partner, customer, ownersListed);
  const { enabled, changedAt, changedBy } = account.permission;
  return {
    id: customer.id,
    name: customer.name,
    domain: customer.domain,
    enabled,
    changed: changedAt && `${formatTime(changedAt)}${changedBy ? ` by ${changedBy}` : ''}`,
    ineligible: account.ineligible && { short: account.ineligible.short, text: account.ineligible.text },
    warning: enabled && account.hasEligibleOwner === false ? 'Nobody at this customer holds Owner on an eligible subscription yet, so nobody can buy.' : undefined,
  };
}

/** `customer`: the request's customer, if it is still in the directory. */
export function requestRow(customer: Customer | undefined, viewer: Person, request: ChangeRequest): RequestRow {
  return {
    id: request.id,
    customerName: customer?.name ?? request.customerId,
    change: customer ? describeChange(request.change, request.reservationId, customer) : request.reservationId,
    figures: figureFacts(request).flatMap(([title, value]) => (value === undefined ? [] : [{ title, value }])),
    requestedBy: request.requestedBy.name,
    requestedAt: formatTime(request.requestedAt),
    expiresAt: formatTime(request.expiresAt),
    state: requestStateLabel(request),
    closed: request.closedBy && request.closedAt && `${request.closedBy.name}, ${formatTime(request.closedAt)}`,
    reason: request.reason,
    canDecide: viewer.role === 'AdminAgent' && request.state === 'Pending',
  };
}

export function reservationRow(customer: Customer, r: Reservation): ReservationRow {
  return {
    id: r.id,
    product: `${r.productName} (${r.sku}), ${r.region}`,
    quantity: r.quantity,
    term: termLabel(r.term),
    scope: describeScope(customer, r.scope),
    status: r.status,
    purchased: formatDate(r.purchasedAt),
    expires: r.endedOn ? `ended ${r.endedOn}` : r.expiresOn,
    autoRenew: r.autoRenew,
    boughtBy: boughtBy(r.boughtBy),
    total: formatMoney(r.total, r.currency),
  };
}

export function orderRow(o: Order): OrderRow {
  const amount = formatMoney(o.amount, o.currency);
  return {
    id: o.id,
    type: o.type,
    at: formatTime(o.at),
    description: o.description,
    by: boughtBy(o.by),
    billedTo: o.billedTo.name,
    amount: o.type === 'Refund' ? `−${amount}` : o.credit ? `${amount} (credit ${formatMoney(o.credit, o.currency)})` : amount,
  };
}

export function logRow(e: LogEntry): LogRow {
  return {
    seq: e.seq,
    at: formatTime(e.at),
    person: e.actor.name,
    role: actorRole(e.actor),
    operation: e.operation,
    customer: e.customerName ?? '',
    target: e.target ?? '',
    outcome: e.outcome,
    detail: e.reason ? e.reason.message : changeOf(e),
  };
}

const actorRole = (actor: LogEntry['actor']) => actorRoleLabels[actor.role];

const boughtBy = (actor: LogEntry['actor']) => `${actor.name} (${actorRole(actor)})`;

/** Before and after in words, as the log card says them: "Permission: Off → On", one part per field that changed (or was set). */
function changeOf(e: LogEntry): string {
  const text = changeInWords(e.before, e.after).join('; ');
  return text.length > 300 ? `${text.slice(0, 299)}…` : text;
}
