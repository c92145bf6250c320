import { randomUUID } from 'node:crypto';
import type { BillingPlan, Customer, ManagementGroup, Order, Quote, Reservation, Scope, Subscription } from '../data/schemas.ts';
import type { Store, StoreReads, Transaction } from '../data/store.ts';
import type { ActivityLog } from './activityLog.ts';
import { catalogOf, findOffer, offers, type Offer } from './catalog.ts';
import { utcDay, type Clock } from './clock.ts';
import { CodedError } from './codedError.ts';
import { ownCustomer, visibleCustomer } from './customerLookup.ts';
import { eligibleSubscriptions, ineligibility } from './eligibility.ts';
import { times } from './money.ts';
import { Operation } from './operations.ts';
import { actorOf, type Person } from './people.ts';
import type { Outbox } from './outbox.ts';
import type { PurchaseNotifications } from './purchaseNotifications.ts';
import { purchaseEntry } from './purchaseEntry.ts';
import { parseQuantity } from './quantity.ts';
import { CloudError, type CloudOrder, type CloudOrders, type MicrosoftCloud } from './microsoftCloud.ts';
import { refusals } from './refusals.ts';
import { checkScope } from './scope.ts';
import { expiryDate, termLabel } from './terms.ts';

/** What a buyer asks for, as typed or picked on the card; every part is checked here. */
export interface PurchaseInput {
  sku: string;
  region: string;
  term: string;
  quantity: string | number;
  billingPlan: BillingPlan;
  billingSubscriptionId: string;
  scope: Scope;
}

/** What the purchase card offers this buyer for this customer. */
export interface PurchaseChoices {
  customer: Customer;
  /** The rows with a partner price (R10). */
  offers: Offer[];
  /** The subscriptions this buyer may bill to: eligible (R4) and, for a customer user, owned (R5). */
  billTo: Subscription[];
  /** Every eligible subscription, the targets of a single-subscription or resource-group scope. */
  scopeSubscriptions: Subscription[];
  managementGroups: ManagementGroup[];
}

/** A checked, priced purchase waiting for its buyer's confirmation, with what the card shows of it. */
export interface QuoteView {
  quote: Quote;
  customer: Customer;
  offer: Offer;
  subscription: Subscription;
}

export interface Purchase {
  customer: Customer;
  order: Order;
  reservation: Reservation;
  /** True when this quote had been bought before: nothing new was bought or logged. */
  alreadyBought: boolean;
}

/** R24: a quote may be confirmed for this long; prices and rights are checked again when it is. */
export const quoteLifetimeMs = 24 * 60 * 60 * 1000;

/** R24: the most purchases one person keeps prepared and unconfirmed; preparing another drops their oldest. */
export const maxQuotesPerPerson = 20;

/**
 * R7–R14: customer users buy reservations for their own customer while the permission is on; Admin
 * and Sales Agents buy for any customer, whatever the permission. Every purchase is billed to the
 * partner (R9) at the partner's price (R10), and is in Order history, Reservations and the log (R11).
 */
export class Purchases {
  constructor(
    private readonly store: Store,
    private readonly log: ActivityLog,
    private readonly clock: Clock,
    private readonly notifications: PurchaseNotifications,
    private readonly outbox: Outbox,
    private readonly cloud: MicrosoftCloud,
  ) {}

  /** What this person may pick on the purchase card for this customer; refused and logged if they may not buy at all. */
  async choices(person: Person, customerId: string): Promise<PurchaseChoices> {
    const customer = await visibleCustomer(this.store, person, customerId);
    try {
      if (person.role === 'HelpDeskAgent') throw refusals.buyNotAllowed(person);
      if (!customer) throw person.kind === 'customerUser' ? refusals.buyForOwnOnly((await ownCustomer(this.store, person))!.name) : await this.notVisible(person, customerId);
      return await this.choicesFor(person, customer);
    } catch (err) {
      return this.refused(person, customer, 'a new purchase', err);
    }
  }

  /** The same without logging, for showing the form again after a refusal that was logged already; nothing if this person can no longer buy. */
  async formChoices(person: Person, customerId: string): Promise<PurchaseChoices | undefined> {
    try {
      return await this.choicesFor(person, await this.customerFor(person, customerId));
    } catch (err) {
      if (err instanceof CodedError) return undefined;
      throw err;
    }
  }

  private async choicesFor(person: Person, customer: Customer): Promise<PurchaseChoices> {
    const partnerName = (await this.store.partner()).name;
    this.mayBuy(person, customer, partnerName);
    const billTo = this.billableSubscriptions(person, customer, partnerName, await this.owned(person, customer));
    const priced = offers(await catalogOf(this.store)).filter((o) => o.price.partnerPrice !== undefined);
    if (!priced.length) throw refusals.nothingPriced(person, partnerName);
    return {
      customer,
      offers: priced,
      billTo,
      scopeSubscriptions: eligibleSubscriptions(customer),
      managementGroups: customer.managementGroups,
    };
  }

  /**
   * Checks and prices a purchase and keeps it for confirmation (the card's "Review"). A person keeps at most
   * `maxQuotesPerPerson` unconfirmed: preparing another drops their oldest, and the sweeper drops any past their day.
   */
  async quote(person: Person, customerId: string, input: PurchaseInput): Promise<QuoteView> {
    const customer = await visibleCustomer(this.store, person, customerId);
    try {
      if (!customer) throw await this.notVisible(person, customerId);
      const { offer, subscription, quantity, scope } = await this.check(this.store, person, customer, input, await this.owned(person, customer));
      const now = this.clock();
      const unitPrice = offer.price.partnerPrice!;
      const quote: Quote = {
        id: randomUUID(),
        customerId: customer.id,
        preparedBy: { tenantId: person.tenantId, userId: person.userId },
        createdAt: now.toISOString(),
        request: { sku: offer.product.sku, region: offer.price.region, term: offer.price.term, quantity, billingPlan: input.billingPlan, billingSubscriptionId: subscription.id, scope },
        unitPrice,
        total: times(unitPrice, quantity),
        currency: offer.price.currency,
      };
      await this.store.transaction(async (tx) => {
        // R24: of the quotes not yet bought (bought ones stay for the card's Change until their day is over), the oldest go.
        const open: Quote[] = [];
        for (const kept of await tx.quotesBy(person.tenantId, person.userId)) if (!(await tx.orderOfQuote(kept.id))) open.push(kept);
        for (const old of open.slice(0, Math.max(0, open.length - maxQuotesPerPerson + 1))) await tx.deleteQuote(old.id);
        await tx.saveQuote(quote);
      });
      return { quote, customer, offer, subscription };
    } catch (err) {
      return this.refused(person, customer, describeInput(input), err);
    }
  }

  /** A quote this person prepared and may still confirm (the card's "Change" reopens the form with it). */
  async quoteOf(person: Person, quoteId: string): Promise<QuoteView> {
    const quote = await this.liveQuote(person, quoteId);
    const customer = await this.customerFor(person, quote.customerId);
    const offer = findOffer(await catalogOf(this.store), quote.request.sku, quote.request.region, quote.request.term);
    const subscription = customer.subscriptions.find((s) => s.id === quote.request.billingSubscriptionId)!;
    return { quote, customer, offer, subscription };
  }

  /**
   * Buys a quote: every rule is checked again, in the transaction that records the purchase, and the price must
   * be the one the buyer saw. Confirming the same quote again buys nothing and returns the first purchase.
   */
  async confirm(person: Person, quoteId: string): Promise<Purchase> {
    const earlier = await this.boughtBy(this.store, person, quoteId);
    if (earlier) return earlier;
    const quote = await this.quoteForConfirmation(person, quoteId);
    if ('alreadyBought' in quote) return quote;
    const customer = await this.customerFor(person, quote.customerId);
    try {
      const owned = await this.owned(person, customer);
      const purchase = this.cloud.orders
        ? await this.buyInPartnerCenter(person, customer, quote, owned, this.cloud.orders)
        : await this.store.transaction(async (tx) => (await this.boughtBy(tx, person, quote.id)) ?? this.record(tx, person, await this.checkQuote(tx, person, customer.id, quote, owned), quote));
      this.outbox.kick();
      return purchase;
    } catch (err) {
      return this.refused(person, customer, describeInput(quote.request), err);
    }
  }

  /**
   * Partner Center mode (R8, R9): checked as the store holds it, bought as a Partner Center cart and checkout, then
   * recorded with the ids Partner Center and Azure gave. The quote's id keys the purchase (its MS-RequestId), so a
   * confirmation that timed out, or one after a crash between checkout and record, buys nothing twice.
   */
  private async buyInPartnerCenter(person: Person, customer: Customer, quote: Quote, owned: ReadonlySet<string>, orders: CloudOrders): Promise<Purchase> {
    const checked = await this.checkQuote(this.store, person, customer.id, quote, owned);
    const call = { correlationId: randomUUID() };
    const { offer, current } = checked;
    const { request } = quote;
    let bought: CloudOrder;
    try {
      bought = await orders.buy(call, {
        customerId: current.id,
        purchaseKey: quote.id,
        sku: offer.product.sku,
        productType: offer.product.type,
        region: offer.price.region,
        term: request.term,
        quantity: request.quantity,
        billingPlan: request.billingPlan,
        billingSubscriptionId: request.billingSubscriptionId,
        scope: request.scope,
        displayName: `${offer.product.name} for ${current.name}`,
      });
    } catch (err) {
      throw err instanceof CloudError ? refusals.cloud(err, this.cloud.name, 'buy this reservation') : err;
    }
    // Bought: recorded whatever the store says now, as it exists in Partner Center (R11).
    return this.store.transaction(async (tx) => (await this.boughtBy(tx, person, quote.id)) ?? this.record(tx, person, checked, quote, { bought, correlationId: call.correlationId }));
  }

  /** Every rule again for the quote's purchase, as `reads` sees the customer now, and the price the buyer saw. */
  private async checkQuote(reads: StoreReads | Transaction, person: Person, customerId: string, quote: Quote, owned: ReadonlySet<string>) {
    const current = (await reads.customer(customerId))!;
    const { offer, subscription } = await this.check(reads, person, current, quote.request, owned);
    if (offer.price.partnerPrice !== quote.unitPrice) throw refusals.priceChanged(quote.unitPrice, offer.price.partnerPrice, quote.currency);
    return { current, offer, subscription };
  }

  /** The purchase in Order history, Reservations and the log (R11), and the notice to Admin Agents (R12). */
  private async record(
    tx: Transaction,
    person: Person,
    { current, offer, subscription }: { current: Customer; offer: Offer; subscription: Subscription },
    quote: Quote,
    inPartnerCenter?: { bought: CloudOrder; correlationId: string },
  ): Promise<Purchase> {
    const { request } = quote;
    const now = this.clock();
    const by = actorOf(person);
    const partner = await tx.partner();
    const azure = inPartnerCenter?.bought.reservations[0];
    const { order, reservation } = await tx.addPurchase(({ orderId, reservationId }) => ({
      order: {
        id: orderId,
        type: 'Purchase',
        customerId: current.id,
        at: now.toISOString(),
        by,
        billedTo: { tenantId: partner.tenantId, name: partner.name },
        reservationId,
        quoteId: quote.id,
        description: describeInput(request, offer),
        billingPlan: request.billingPlan,
        amount: quote.total,
        currency: quote.currency,
        ...(inPartnerCenter ? { partnerCenterOrderId: inPartnerCenter.bought.orderId } : {}),
      },
      reservation: {
        id: reservationId,
        orderId,
        customerId: current.id,
        sku: offer.product.sku,
        productName: offer.product.name,
        region: offer.price.region,
        quantity: request.quantity,
        term: request.term,
        billingPlan: request.billingPlan,
        billingSubscriptionId: subscription.id,
        scope: request.scope,
        autoRenew: false,
        purchasedAt: now.toISOString(),
        expiresOn: expiryDate(utcDay(now), request.term),
        status: 'Active',
        boughtBy: by,
        unitPrice: quote.unitPrice,
        total: quote.total,
        currency: quote.currency,
        ...(azure ? { azure } : {}),
      },
    }));
    await this.log.succeeded(tx, person, Operation.PurchaseReservation, { ...purchaseEntry(current, order, reservation), correlationId: inPartnerCenter?.correlationId });
    await this.notifications.purchaseMade(tx, order);
    return { customer: current, order, reservation, alreadyBought: false };
  }

  /** Drops the quotes past their day (the sweeper's work); resolves with how many. */
  async dropStaleQuotes(): Promise<number> {
    const before = new Date(this.clock().getTime() - quoteLifetimeMs).toISOString();
    let dropped = 0;
    for (let stale = await this.store.due.staleQuotes(before, 100); stale.length; stale = await this.store.due.staleQuotes(before, 100)) {
      await this.store.transaction(async (tx) => {
        for (const quote of stale) await tx.deleteQuote(quote.id);
      });
      dropped += stale.length;
      if (stale.length < 100) break;
    }
    return dropped;
  }

  /** R11, R19: the customer's reservations, newest first, if the viewer may see the customer. */
  async reservations(viewer: Person, customerId: string): Promise<Reservation[]> {
    return (await this.visible(viewer, customerId)) ? (await this.store.reservations(customerId)).reverse() : [];
  }

  /** R11, R19: the customer's Order history, newest first, if the viewer may see the customer. */
  async orders(viewer: Person, customerId: string): Promise<Order[]> {
    return (await this.visible(viewer, customerId)) ? (await this.store.orders(customerId)).reverse() : [];
  }

  /** The purchase of this quote, if this person bought it already. */
  private async boughtBy(reads: StoreReads, person: Person, quoteId: string): Promise<Purchase | undefined> {
    const order = await reads.orderOfQuote(quoteId);
    if (!order || order.by.tenantId !== person.tenantId || order.by.userId !== person.userId) return undefined;
    const [customer, reservation] = await Promise.all([reads.customer(order.customerId), reads.reservation(order.reservationId)]);
    return { customer: customer!, order, reservation: reservation!, alreadyBought: true };
  }

  private async visible(viewer: Person, customerId: string): Promise<boolean> {
    return (await visibleCustomer(this.store, viewer, customerId)) !== undefined;
  }

  /** The customer named, if this person may see it (a customer user only their own, R19). */
  private async customerFor(person: Person, customerId: string): Promise<Customer> {
    const customer = await visibleCustomer(this.store, person, customerId);
    if (!customer) throw await this.notVisible(person, customerId);
    return customer;
  }

  private async notVisible(person: Person, customerId: string): Promise<CodedError> {
    return refusals.customerNotFound(customerId, person, (await ownCustomer(this.store, person))?.name);
  }

  /** Who may buy at all: customer users while the permission is on (R7, R8); Admin and Sales Agents always. */
  private mayBuy(person: Person, customer: Customer, partnerName: string): void {
    if (person.role === 'HelpDeskAgent') throw refusals.buyNotAllowed(person);
    if (person.kind === 'customerUser' && !customer.purchasePermission.enabled) throw refusals.purchaseNotAllowed(customer, partnerName);
  }

  /** R4: refused, saying why (a suspended Azure Plan is not a missing one), when there is nothing to bill a reservation to. */
  private checkSomethingToBuyUnder(person: Person, customer: Customer, partnerName: string): void {
    const reason = ineligibility(customer);
    if (reason) throw refusals.noSubscriptionToBuyUnder(customer, reason, person, partnerName);
  }

  private billableSubscriptions(person: Person, customer: Customer, partnerName: string, owned: ReadonlySet<string>): Subscription[] {
    this.checkSomethingToBuyUnder(person, customer, partnerName);
    const eligible = eligibleSubscriptions(customer);
    if (person.kind === 'agent') return eligible;
    const billable = eligible.filter((s) => owned.has(s.id));
    if (!billable.length) throw refusals.ownerRequired(eligible[0]!, this.ownerNames(customer, eligible[0]!));
    return billable;
  }

  /**
   * R5: the eligible subscriptions on which a customer user holds Owner, as Azure says (asked before the transaction
   * that uses it: Azure, not the store, holds role assignments). An agent buys for the customer and needs none.
   */
  private async owned(person: Person, customer: Customer): Promise<ReadonlySet<string>> {
    if (person.kind === 'agent') return new Set();
    const eligible = eligibleSubscriptions(customer);
    try {
      const owner = await Promise.all(eligible.map((s) => this.cloud.isOwner(customer.id, s.id, person.userId)));
      return new Set(eligible.filter((_, i) => owner[i]).map((s) => s.id));
    } catch (err) {
      throw err instanceof CloudError ? refusals.cloud(err, 'Azure', 'check your Owner role on your Azure subscriptions') : err;
    }
  }

  /** Who holds Owner, where the directory lists the customer's users; Azure's own list is not shown to the buyer. */
  private ownerNames(customer: Customer, subscription: Subscription): string[] | undefined {
    if (!this.cloud.listsCustomerUsers) return undefined;
    return subscription.owners.map((id) => customer.users.find((u) => u.userId === id)?.name ?? id);
  }

  /** Every rule of a purchase, in the order a buyer would want to hear about them, against the store as `reads` sees it. */
  private async check(reads: StoreReads | Transaction, person: Person, customer: Customer, input: PurchaseInput, owned: ReadonlySet<string>) {
    const partnerName = (await reads.partner()).name;
    this.mayBuy(person, customer, partnerName);
    const offer = findOffer(await catalogOf(reads), input.sku, input.region, input.term);
    if (offer.price.partnerPrice === undefined) throw refusals.noPartnerPrice(offer.price, person, partnerName);
    const quantity = parseQuantity(input.quantity);
    const eligible = eligibleSubscriptions(customer);
    const subscription = eligible.find((s) => s.id === input.billingSubscriptionId);
    if (!subscription) {
      this.checkSomethingToBuyUnder(person, customer, partnerName);
      throw refusals.subscriptionNotEligible(customer, input.billingSubscriptionId, eligible);
    }
    if (person.kind === 'customerUser' && !owned.has(subscription.id)) throw refusals.ownerRequired(subscription, this.ownerNames(customer, subscription));
    checkScope(customer, input.scope);
    return { offer, subscription, quantity, scope: input.scope };
  }

  private async liveQuote(person: Person, quoteId: string): Promise<Quote> {
    const quote = await this.store.quote(quoteId);
    const fresh = quote && this.clock().getTime() - Date.parse(quote.createdAt) <= quoteLifetimeMs;
    if (!quote || !fresh || quote.preparedBy.tenantId !== person.tenantId || quote.preparedBy.userId !== person.userId) throw refusals.quoteNotFound();
    return quote;
  }

  /**
   * As liveQuote, but a refusal is logged: confirming is an attempt to buy (R18). A quote gone because this person's
   * other confirmation of it has just bought it is that purchase.
   */
  private async quoteForConfirmation(person: Person, quoteId: string): Promise<Quote | Purchase> {
    try {
      return await this.liveQuote(person, quoteId);
    } catch (err) {
      const bought = await this.boughtBy(this.store, person, quoteId);
      if (bought) return bought;
      await this.log.refused(person, Operation.PurchaseReservation, { customer: await ownCustomer(this.store, person), target: `quote ${quoteId}` }, err as CodedError);
      throw err;
    }
  }

  /**
   * Logs a refused purchase (R18) and throws it on; anything else is thrown on untouched. An attempt
   * naming a customer the person may not see is logged against their own, and tells them nothing of it.
   */
  private async refused(person: Person, customer: Customer | undefined, target: string, err: unknown): Promise<never> {
    if (err instanceof CodedError) await this.log.refused(person, Operation.PurchaseReservation, { customer: customer ?? (await ownCustomer(this.store, person)), target }, err);
    throw err;
  }
}

/** "2 × Virtual Machines D2s v5 (Standard_D2s_v5), eastus, 1 year, billed upfront". */
function describeInput(input: PurchaseInput | Quote['request'], offer?: Offer): string {
  const product = offer ? `${offer.product.name} (${offer.product.sku})` : input.sku;
  const term = offer ? termLabel(offer.price.term) : input.term;
  return `${input.quantity} × ${product}, ${offer?.price.region ?? input.region}, ${term}, billed ${input.billingPlan.toLowerCase()}`;
}
