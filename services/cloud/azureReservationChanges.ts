import { AzureReservationAPI, type Price, type RefundResponse, type RefundPolicyError } from '@azure/arm-reservations';
import { systemClock, utcDay, type Clock } from '../clock.ts';
import {
  CloudError,
  type AzureReservationIds,
  type CloudCall,
  type CloudExchangeQuote,
  type CloudMoney,
  type CloudOrders,
  type CloudPurchase,
  type CloudRefundQuote,
  type CloudReservation,
} from '../microsoftCloud.ts';
import { formatMoney } from '../money.ts';
import type { Scope } from '../../data/schemas.ts';
import { armCall, isRestError, type ArmCallPurpose } from './armCall.ts';
import { armClientOptions, type ArmSettings } from './armClientOptions.ts';
import type { TokenCredential } from './azureResources.ts';
import { cloudDefaults, type CloudSettings } from './cloudSettings.ts';
import { longRunning, operationOptions, type Answers, type ChangeContext, type WireAnswer } from './longRunning.ts';
import { perTenant } from './perTenant.ts';
import { purchaseRequestFor } from './purchaseRequestFor.ts';
import { appliedScopeFor, reservationFromAzure } from './reservationFromAzure.ts';
import { writeOncePolicy } from './writeOncePolicy.ts';

export interface AzureReservationChangesSettings extends ArmSettings, Pick<CloudSettings, 'changeTimeoutMs'> {
  /** Between polls of a long-running operation until Azure's Retry-After says otherwise (the SDK's default: 2 s). */
  pollIntervalMs?: number;
}

const orderPath = (orderId: string) => `/providers/microsoft.capacity/reservationOrders/${orderId}`;
const reservationPath = ({ orderId, reservationId }: AzureReservationIds) => `${orderPath(orderId)}/reservations/${reservationId}`;
const idsIn = (id: string | undefined): AzureReservationIds | undefined => {
  const found = id ? /\/reservationOrders\/([^/]+)\/reservations\/([^/]+)$/i.exec(id) : null;
  return found ? { orderId: found[1]!, reservationId: found[2]! } : undefined;
};
const moneyOf = (price: Price | undefined): CloudMoney | undefined =>
  price && typeof price.amount === 'number' && price.currencyCode ? { amount: price.amount, currency: price.currencyCode } : undefined;

/** The refund in the answer that accepted a return (a RefundResponse, which SDK 9.0.0 would read as a reservation order, so read from the wire). */
const refundOf = (accepted: WireAnswer | undefined) => (accepted && accepted.status < 300 ? moneyOf((accepted.body as RefundResponse | undefined)?.properties?.billingRefundAmount) : undefined);

const readerNeed = "the Reservations Reader role (or Reader on the reservation order) in the customer's tenant";
const writerNeed = "the Reservations Administrator role (or Owner on the reservation order) in the customer's tenant";

/**
 * Changes to a customer's reservations carried out in Azure (R17), with the official client, in the customer's tenant
 * (its id is the customer id: the partner acts through admin-on-behalf-of or GDAP): cancel is calculateRefund then
 * return, exchange is calculateExchange then exchange, scope and auto-renew are a PATCH of the reservation. The
 * figures are Azure's. Long-running operations are polled to their end within `changeTimeoutMs`, since the caller
 * runs them in the background. The agent's own token is not needed: ARM takes the partner app's in the customer tenant.
 */
export class AzureReservationChanges implements Omit<CloudOrders, 'buy'> {
  private readonly client: (tenantId: string) => AzureReservationAPI;
  private readonly changeTimeoutMs: number;

  constructor(
    private readonly settings: AzureReservationChangesSettings,
    credentialFor: (tenantId: string) => TokenCredential,
    private readonly clock: Clock = systemClock,
  ) {
    this.changeTimeoutMs = settings.changeTimeoutMs ?? cloudDefaults.changeTimeoutMs;
    const options = armClientOptions(settings);
    const policies = [...options.additionalPolicies, { policy: writeOncePolicy(), position: 'perRetry' as const }];
    this.client = perTenant((tenantId) => new AzureReservationAPI(credentialFor(tenantId), { ...options, additionalPolicies: policies }));
  }

  /** The reservation and its order as Azure holds them now (a read, within `callTimeoutMs`); undefined when Azure does not know either. */
  reservation(customerId: string, ids: AzureReservationIds): Promise<CloudReservation | undefined> {
    const client = this.client(customerId);
    const purpose = { what: `reservation ${ids.reservationId} of reservation order ${ids.orderId}`, partnerNeeds: readerNeed };
    return armCall(this.settings.callTimeoutMs, purpose, async (abortSignal) => {
      try {
        const order = await client.reservationOrder.get(ids.orderId, { abortSignal });
        const reservation = await client.reservation.get(ids.orderId, ids.reservationId, { abortSignal });
        return reservationFromAzure(order, reservation, utcDay(this.clock()));
      } catch (err) {
        if (isRestError(err) && err.statusCode === 404) return undefined;
        throw err;
      }
    });
  }

  /** calculateRefund: Azure's refund and its cap (R17); refused, with Azure's words and figures, when its refund policy says no. */
  quoteRefund(call: CloudCall, customerId: string, ids: AzureReservationIds, quantity: number): Promise<CloudRefundQuote> {
    const purpose = this.purpose(`the refund of ${quantity} of reservation ${ids.reservationId}`);
    return this.change(call, purpose, async (context) => {
      const body = { id: orderPath(ids.orderId), properties: { scope: 'Reservation', reservationToReturn: { reservationId: reservationPath(ids), quantity } } };
      const answer = await this.client(customerId).calculateRefund.post(ids.orderId, body, operationOptions(context));
      const properties = answer.properties ?? {};
      const limits = properties.policyResult?.properties;
      const consumed = moneyOf(limits?.consumedRefundsTotal);
      const limit = moneyOf(limits?.maxRefundLimit);
      refuseOnPolicyErrors(purpose, limits?.policyErrors, consumed && limit ? ` (refunds in the last 12 months: ${formatMoney(consumed.amount, consumed.currency)} of the ${formatMoney(limit.amount, limit.currency)} allowed)` : '');
      const refund = moneyOf(properties.billingRefundAmount);
      if (!properties.sessionId || !refund || !consumed || !limit) throw unreadable(purpose, 'a session, a refund and the refund limit');
      return { sessionId: properties.sessionId, refund, consumedUsd: consumed.amount, limitUsd: limit.amount };
    });
  }

  /** return with calculateRefund's session: the refund Azure states when it accepts the return (its Location polled to the end). */
  refund(call: CloudCall, customerId: string, ids: AzureReservationIds, quantity: number, sessionId: string, reason: string): Promise<CloudMoney> {
    const purpose = this.purpose(`the return of ${quantity} of reservation ${ids.reservationId}`);
    return this.write(() =>
      this.change(call, purpose, async (context) => {
        const body = { properties: { sessionId, scope: 'Reservation', reservationToReturn: { reservationId: reservationPath(ids), quantity }, returnReason: reason } };
        const answers: Answers = {};
        try {
          await longRunning(context, purpose, (options) => this.client(customerId).return.beginPost(ids.orderId, body, options), answers);
        } catch (err) {
          // The spec (2022-11-01) answers the return with 202 and the refund, and no operation to wait for; SDK 9.0.0
          // polls its Location too. Polling that fails does not undo a return Azure accepted; one that ended Failed does.
          if (err instanceof CloudError || context.abortSignal.aborted || !refundOf(answers.first)) throw err;
        }
        const accepted = (answers.first?.body ?? {}) as RefundResponse;
        refuseOnPolicyErrors(purpose, accepted.properties?.policyResult?.properties?.policyErrors, '');
        const refund = refundOf(answers.first);
        if (!refund) throw new CloudError('unknownOutcome', `Azure carried out ${purpose.what} without saying what it refunds; the next sync shows the reservation as Azure holds it.`);
        return refund;
      }),
    );
  }

  /** calculateExchange (long-running): what Azure counts for returning these reservations for one new purchase (R17). */
  quoteExchange(call: CloudCall, customerId: string, returned: readonly { ids: AzureReservationIds; quantity: number }[], purchase: CloudPurchase): Promise<CloudExchangeQuote> {
    const purpose = this.purpose(`the exchange of ${returned.map((r) => `${r.quantity} of reservation ${r.ids.reservationId}`).join(' and ')} for ${purchase.quantity} ${purchase.sku}`);
    return this.change(call, purpose, async (context) => {
      const body = {
        properties: {
          reservationsToPurchase: [purchaseRequestFor(purchase)],
          reservationsToExchange: returned.map((r) => ({ reservationId: reservationPath(r.ids), quantity: r.quantity })),
        },
      };
      const { result } = await longRunning(context, purpose, (options) => this.client(customerId).calculateExchange.beginPost(body, options));
      const properties = result.properties ?? {};
      refuseOnPolicyErrors(purpose, properties.policyResult?.policyErrors, '');
      const [refundsTotal, purchasesTotal, netPayable] = [properties.refundsTotal, properties.purchasesTotal, properties.netPayable].map(moneyOf);
      if (!properties.sessionId || !refundsTotal || !purchasesTotal || !netPayable) throw unreadable(purpose, 'a session and its totals');
      return { sessionId: properties.sessionId, refundsTotal, purchasesTotal, netPayable };
    });
  }

  /** exchange (long-running) with calculateExchange's session: the new reservation's ids. */
  exchange(call: CloudCall, customerId: string, sessionId: string): Promise<AzureReservationIds> {
    const purpose = this.purpose(`the exchange of session ${sessionId}`);
    return this.write(() =>
      this.change(call, purpose, async (context) => {
        const { result } = await longRunning(context, purpose, (options) => this.client(customerId).exchange.beginPost({ properties: { sessionId } }, options));
        const properties = result.properties ?? {};
        refuseOnPolicyErrors(purpose, properties.policyResult?.policyErrors, '');
        const bought = idsIn(properties.reservationsToPurchase?.[0]?.reservationId);
        if (!bought) throw new CloudError('unknownOutcome', `Azure ended ${purpose.what} without naming the new reservation; the next sync shows what it holds.`);
        return bought;
      }),
    );
  }

  /** PATCH of the reservation (long-running): its applied scope (R14) or its auto-renew. */
  update(call: CloudCall, customerId: string, ids: AzureReservationIds, change: { scope: Scope } | { autoRenew: boolean }): Promise<void> {
    const what = 'scope' in change ? `the applied scope of reservation ${ids.reservationId}` : `auto-renew of reservation ${ids.reservationId}`;
    const purpose = this.purpose(what);
    const patch = 'scope' in change ? appliedScopeFor(change.scope, customerId) : { renew: change.autoRenew };
    return this.write(() =>
      this.change(call, purpose, async (context) => {
        await longRunning(context, purpose, (options) => this.client(customerId).reservation.beginUpdate(ids.orderId, ids.reservationId, patch, options));
      }),
    );
  }

  private purpose(what: string): ArmCallPurpose {
    return { what, partnerNeeds: writerNeed };
  }

  /** One change under its own deadline, with the call's correlation id on every request. */
  private change<T>(call: CloudCall, purpose: ArmCallPurpose, work: (context: ChangeContext) => Promise<T>): Promise<T> {
    return armCall(this.changeTimeoutMs, purpose, (abortSignal) => work({ abortSignal, correlationId: call.correlationId, pollIntervalMs: this.settings.pollIntervalMs }));
  }

  /**
   * A write that got no answer may have been carried out: its outcome is unknown, unless Azure throttled it (429, 503)
   * or could not be reached at all. The caller does not repeat it blindly; the next sync tells.
   */
  private async write<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      const reachedNothing = err instanceof CloudError && (err.status === 429 || err.status === 503 || err.serviceCode === 'ECONNREFUSED');
      if (!(err instanceof CloudError) || err.problem !== 'unavailable' || reachedNothing) throw err;
      throw new CloudError('unknownOutcome', `${err.message} It may or may not have been carried out: the next sync shows the reservation as Azure holds it.`, err.serviceCode, err.status);
    }
  }
}

/** Azure lists why its refund or exchange policy says no in `policyErrors`, instead of a session. */
function refuseOnPolicyErrors(purpose: ArmCallPurpose, errors: RefundPolicyError[] | undefined | null, figures: string): void {
  const said = (errors ?? []).filter((e) => e.message || e.code);
  if (said.length === 0) return;
  throw new CloudError('refused', `Azure refused ${purpose.what}: ${said.map((e) => e.message ?? e.code).join(' ')}${figures}`, said[0]!.code);
}

const unreadable = (purpose: ArmCallPurpose, missing: string) => new CloudError('unavailable', `Azure answered about ${purpose.what} without ${missing}.`);
