import type { BillingPlan, Scope, Subscription, Term } from '../data/schemas.ts';

/** Partner Center's names for the two self-serve permissions the bot shows and toggles (SelfServePolicy `permissions[].resource`). */
export type PolicyResource = 'AzureReservedInstances' | 'AzureSavingsPlan';
export const policyResources: readonly PolicyResource[] = ['AzureReservedInstances', 'AzureSavingsPlan'];

/**
 * A customer as the Microsoft cloud holds it. `subscriptions` are the customer's Azure subscriptions (for an Azure
 * plan: each of its Azure entitlements, with the plan's offer, billing type and status); Owners are not listed here:
 * they are asked of Azure when needed.
 */
export interface CloudCustomer {
  id: string;
  name: string;
  domain: string;
  subscriptions: Omit<Subscription, 'owners'>[];
  /** Which self-serve permissions exist now (a SelfServePolicy naming the resource). */
  permissions: Record<PolicyResource, boolean>;
}

/**
 * Every customer of the partner as read, and those Partner Center listed but whose subscriptions or permissions
 * could not be read, with why: one customer Partner Center will not show keeps no other from being synced.
 */
export interface CloudCustomers {
  customers: CloudCustomer[];
  unread: { id: string; name: string; reason: string }[];
}

/** A reservation as Azure lists it among the customer's reservation orders (Microsoft.Capacity). */
export interface CloudReservation {
  /** Azure's ids: the reservation order's and the reservation's GUIDs. */
  orderId: string;
  reservationId: string;
  displayName?: string;
  sku: string;
  region: string;
  quantity: number;
  term: Term;
  billingPlan: BillingPlan;
  /** The Azure subscription it is billed to. */
  billingSubscriptionId: string;
  scope: Scope;
  autoRenew: boolean;
  /** When the order was made (ISO date-time) and when the reservation expires (ISO date). */
  purchasedAt: string;
  expiresOn: string;
  state: 'Active' | 'Cancelled' | 'Expired' | 'Other';
}

/** Azure's ids of one reservation: its reservation order's GUID and its own. */
export interface AzureReservationIds {
  orderId: string;
  reservationId: string;
}

/** An amount in a currency, as Azure or Partner Center states it. */
export interface CloudMoney {
  amount: number;
  currency: string;
}

/** One reservation to buy (R8, R13): a Partner Center cart line, or what an exchange buys in Azure. */
export interface CloudPurchase {
  customerId: string;
  /** Stable for one purchase (the quote's or the request's id): asked again after a timeout or a crash, it is bought once (the same MS-RequestId). */
  purchaseKey: string;
  sku: string;
  /** The catalogue's product type (`VirtualMachines`, `SqlDatabase`, ...): Azure's reserved resource type. */
  productType: string;
  region: string;
  term: Term;
  quantity: number;
  billingPlan: BillingPlan;
  /** The customer's Azure subscription it is bought under (R8). */
  billingSubscriptionId: string;
  scope: Scope;
  displayName: string;
}

/** What a checkout bought: Partner Center's order id and, when Azure has made them already, the reservations' ids. */
export interface CloudOrder {
  orderId: string;
  reservations: AzureReservationIds[];
}

/** calculateRefund's answer: what Azure would pay back, and the customer's refund cap (R17) as Azure counts it, in USD. */
export interface CloudRefundQuote {
  sessionId: string;
  /** `billingRefundAmount`: in the billing currency, what the customer is told and the Refund order records. */
  refund: CloudMoney;
  /** `policyResult`: refunds in the rolling 12 months and the cap, in USD. */
  consumedUsd: number;
  limitUsd: number;
}

/** calculateExchange's answer: the session to exchange with, and what Azure counts for it. */
export interface CloudExchangeQuote {
  sessionId: string;
  /** The returned reservations' refund, the new one's price, and what is due (`netPayable`). */
  refundsTotal: CloudMoney;
  purchasesTotal: CloudMoney;
  netPayable: CloudMoney;
}

/** Who a call speaks for. `userToken`: the agent's own Entra token for this app (Teams single sign-on or the HTTP API's bearer token), exchanged on behalf of them; without it the app's own or the configured account's credentials are used. */
export interface CloudCall {
  /** Sent as MS-CorrelationId and kept in the log entry of the change it belongs to. */
  correlationId: string;
  userToken?: string;
}

/** Why a call to the Microsoft cloud did not succeed; `message` is plain words for the person who asked. */
export type CloudProblem =
  /** Down, timing out or failing (5xx) after retries, or throttled for longer than a turn can wait. */
  | 'unavailable'
  /** The service answered no (4xx other than throttling): `message` says what it said, `serviceCode` its code. */
  | 'refused'
  /** A write needs the agent's own sign-in (App+User) and none came with the request. */
  | 'signInRequired'
  /** A write was sent and no answer came: it may or may not have been done; the next sync tells. */
  | 'unknownOutcome';

export class CloudError extends Error {
  constructor(
    readonly problem: CloudProblem,
    message: string,
    readonly serviceCode?: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'CloudError';
  }
}

/**
 * The port to the partner's systems of record: Partner Center (customers, subscriptions, self-serve policies) and
 * Azure Resource Manager (Owner role assignments, reservation orders). Two adapters: the embedded world (the
 * store's own directory: the demo and test default) and Partner Center + Azure over HTTPS. Services never know which.
 * Every method may reject with a CloudError; none takes longer than its timeout.
 */
export interface MicrosoftCloud {
  /** Shown to people: "the demo world" or "Partner Center". */
  readonly name: string;
  /** True when the customer users are those the directory lists; false when any user of a known customer's tenant is one (rights then come from Azure). */
  readonly listsCustomerUsers: boolean;
  /** Every customer of the partner, with subscriptions and permissions (Partner Center pages through them). */
  customers(call: CloudCall): Promise<CloudCustomers>;
  /** Creates or deletes the customer's SelfServePolicy permission. `changed` is false when it already was so (409 / 404). */
  setPermission(call: CloudCall, customerId: string, resource: PolicyResource, enabled: boolean): Promise<{ changed: boolean }>;
  /** R5: whether the user holds Owner on the Azure subscription (directly or through a group). */
  isOwner(customerId: string, azureSubscriptionId: string, userId: string): Promise<boolean>;
  /** R5: whether anyone holds Owner on any of these Azure subscriptions. */
  hasOwners(customerId: string, azureSubscriptionIds: readonly string[]): Promise<boolean>;
  /** R11, R12: the reservations in the customer's reservation orders, wherever they were bought. */
  reservations(customerId: string): Promise<CloudReservation[]>;
  /**
   * Where purchases and approved changes are carried out, when that is outside the store: Partner Center carts and
   * Azure's reservation operations. None for the embedded world, whose store's own transaction carries them out.
   */
  readonly orders?: CloudOrders;
}

/**
 * Buying through Partner Center and changing reservations in Azure (R8, R17). Each method is one logical operation:
 * long-running ones are polled to their end (within `changeTimeoutMs` of the settings), and a refusal comes back as a
 * CloudError `refused` in Azure's or Partner Center's own words.
 */
export interface CloudOrders {
  /** A cart with one line item, checked out: bought once per `purchaseKey`, however often it is asked. */
  buy(call: CloudCall, purchase: CloudPurchase): Promise<CloudOrder>;
  /** One reservation as Azure holds it now, or undefined if Azure does not know it. */
  reservation(customerId: string, ids: AzureReservationIds): Promise<CloudReservation | undefined>;
  /** `calculateRefund` for `quantity` of the reservation; refused when Azure's refund policy refuses it (the cap). */
  quoteRefund(call: CloudCall, customerId: string, ids: AzureReservationIds, quantity: number): Promise<CloudRefundQuote>;
  /** `return` with calculateRefund's session: what Azure paid back. */
  refund(call: CloudCall, customerId: string, ids: AzureReservationIds, quantity: number, sessionId: string, reason: string): Promise<CloudMoney>;
  /** `calculateExchange`: these reservations (each with the quantity returned) for one new one. */
  quoteExchange(call: CloudCall, customerId: string, returned: readonly { ids: AzureReservationIds; quantity: number }[], purchase: CloudPurchase): Promise<CloudExchangeQuote>;
  /** `exchange` with calculateExchange's session: the new reservation's ids. */
  exchange(call: CloudCall, customerId: string, sessionId: string): Promise<AzureReservationIds>;
  /** `PATCH` of the reservation: its applied scope (R14) or its auto-renew. */
  update(call: CloudCall, customerId: string, ids: AzureReservationIds, change: { scope: Scope } | { autoRenew: boolean }): Promise<void>;
}
