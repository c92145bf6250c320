// What the dashboard's JSON endpoints answer: shared by the server and the page's script, so no imports here.

export type Tone = 'good' | 'warning' | 'attention';

export interface MeView {
  name: string;
  kind: 'agent' | 'customerUser';
  /** "Admin Agent", "Sales Agent", "Help Desk Agent" or "customer user". */
  roleLabel: string;
  partnerName: string;
  customerName?: string;
  /** R2: only Admin Agents switch the permission and decide requests. */
  canChange: boolean;
}

export interface CustomerRow {
  id: string;
  name: string;
  domain: string;
  enabled: boolean;
  changed?: string;
  /** R4: why the permission cannot be turned on now (a suspended Azure Plan is not a missing one): a few words, and the whole story with what to do. */
  ineligible?: { short: string; text: string };
  /** R5: set when the permission is on but nobody can buy yet. */
  warning?: string;
}

export interface PermissionAnswer {
  customer: CustomerRow;
  notice: { tone: Tone; text: string };
}

export interface RequestRow {
  id: string;
  customerName: string;
  change: string;
  /** R17, what an Admin Agent weighs: a cancel's refund, days unused and refund allowance; an exchange's credit, new total and what is due. */
  figures: { title: string; value: string }[];
  requestedBy: string;
  requestedAt: string;
  expiresAt: string;
  state: string;
  /** Who closed it and when, and a rejection's reason. */
  closed?: string;
  reason?: string;
  canDecide: boolean;
}

export interface ReservationRow {
  id: string;
  product: string;
  quantity: number;
  term: string;
  scope: string;
  status: string;
  purchased: string;
  expires: string;
  autoRenew: boolean;
  boughtBy: string;
  total: string;
}

export interface OrderRow {
  id: string;
  type: string;
  at: string;
  description: string;
  by: string;
  billedTo: string;
  amount: string;
}

export interface LogRow {
  seq: number;
  at: string;
  person: string;
  role: string;
  operation: string;
  customer: string;
  target: string;
  outcome: string;
  detail: string;
}

export interface LogPageView {
  entries: LogRow[];
  /** The `before` of the next (older) page. */
  next?: number;
}

export interface LogFilterOptions {
  customers: { id: string; name: string }[];
  operations: string[];
  people: { id: string; name: string }[];
}

export interface DevPerson {
  tenantId: string;
  userId: string;
  name: string;
  role: string;
  organisation: string;
}
