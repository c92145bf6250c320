import { randomUUID } from 'node:crypto';
import { armError } from './armReply.ts';
import { badRequest, cents, isReply, orderPath, priceJson, reservationPath, type CapacityBook, type FakePrice, type FakeReservationOrder } from './fakeCapacityShapes.ts';
import type { Reply } from './loopbackServer.ts';

interface RefundSession {
  tenant: string;
  orderId: string;
  reservationId: string;
  quantity: number;
  refund: FakePrice;
  usd: number;
  used: boolean;
}

interface RefundBody {
  id?: unknown;
  properties?: { sessionId?: unknown; scope?: unknown; reservationToReturn?: { reservationId?: unknown; quantity?: unknown }; returnReason?: unknown };
}

const usd = (amount: number) => `USD ${amount.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/**
 * CalculateRefund_Post and Return_Post: the fake's own refund (R17), a session to return with, and the cap on refunds
 * per customer tenant in USD, answered among `policyErrors` by calculateRefund and as a 400 by return.
 */
export function fakeRefunds(book: CapacityBook) {
  const { controls } = book;
  const refundSessions = new Map<string, RefundSession>();

  function refundProperties(tenant: string, session: { sessionId?: string; quantity: number; refund: FakePrice; usd: number }, policyErrors: { code: string; message: string }[]) {
    return {
      ...(session.sessionId ? { sessionId: session.sessionId } : {}),
      quantity: session.quantity,
      billingRefundAmount: priceJson(session.refund),
      pricingRefundAmount: priceJson({ amount: session.usd, currency: 'USD' }),
      policyResult: {
        properties: {
          consumedRefundsTotal: priceJson({ amount: controls.consumedRefundsUsd.get(tenant) ?? 0, currency: 'USD' }),
          maxRefundLimit: priceJson({ amount: controls.refundLimitUsd, currency: 'USD' }),
          policyErrors,
        },
      },
    };
  }

  function capExceeded(tenant: string, refundUsd: number): { code: string; message: string } | undefined {
    const consumed = controls.consumedRefundsUsd.get(tenant) ?? 0;
    if (consumed + refundUsd <= controls.refundLimitUsd) return undefined;
    return {
      code: 'RefundLimitExceeded',
      message: `The refund of ${usd(refundUsd)} exceeds the refund limit: ${usd(consumed)} of ${usd(controls.refundLimitUsd)} has been refunded in the last 12 months, so ${usd(Math.max(controls.refundLimitUsd - consumed, 0))} is left.`,
    };
  }

  function calculateRefund(tenant: string, order: FakeReservationOrder, body: RefundBody): Reply {
    const refused = book.refusedAtOnce('calculateRefund');
    if (refused) return refused;
    if (String(body.id ?? '').toLowerCase() !== orderPath(order.id).toLowerCase()) return armError(400, 'InvalidReservationOrderId', `The request's id must be the reservation order's, ${orderPath(order.id)}.`);
    if (body.properties?.scope !== 'Reservation') return badRequest("The refund's scope must be 'Reservation'.");
    const target = book.returnable(tenant, body.properties.reservationToReturn, order);
    if (isReply(target)) return target;
    const refund = book.refundOf(order, target.reservation, target.quantity);
    const quote = { quantity: target.quantity, refund, usd: book.usdOf(refund) };
    const policy = book.refusalOf('calculateRefund', 'policy');
    const policyErrors = policy ? [{ code: policy.code, message: policy.message }] : [capExceeded(tenant, quote.usd)].filter((e) => e !== undefined);
    const sessionId = policyErrors.length ? undefined : randomUUID();
    if (sessionId) refundSessions.set(sessionId, { tenant, orderId: order.id, reservationId: target.reservation.id, ...quote, used: false });
    return { status: 200, body: { id: reservationPath(order.id, target.reservation.id), properties: refundProperties(tenant, { sessionId, ...quote }, policyErrors) } };
  }

  /** Return_Post: 202 with the refund (RefundResponse) and a Location to poll; the reservation changes when the operation ends. */
  function returnReservation(tenant: string, order: FakeReservationOrder, body: RefundBody): Reply {
    const refused = book.refusedAtOnce('return');
    if (refused) return refused;
    const properties = body.properties;
    const sessionId = String(properties?.sessionId ?? '');
    const session = refundSessions.get(sessionId);
    if (!session || session.tenant !== tenant || session.orderId !== order.id) return badRequest(`The refund session '${sessionId}' is not valid: calculate the refund first.`);
    if (session.used) return badRequest(`The refund session '${sessionId}' has already been used.`);
    if (properties?.scope !== 'Reservation') return badRequest("The refund's scope must be 'Reservation'.");
    const asked = properties.reservationToReturn;
    if (String(asked?.reservationId ?? '').toLowerCase() !== reservationPath(order.id, session.reservationId).toLowerCase() || asked?.quantity !== session.quantity) {
      return badRequest(`The reservation to return is not the one of refund session '${sessionId}'.`);
    }
    if (typeof properties.returnReason !== 'string' || !properties.returnReason) return badRequest('A return reason is required.');
    const target = book.returnable(tenant, asked, order);
    if (isReply(target)) return target;
    const cap = capExceeded(tenant, session.usd);
    if (cap) return armError(400, cap.code, cap.message);
    session.used = true;
    const reason = properties.returnReason;
    const headers = book.operation(tenant, 'Pending', book.unlessRefused('return', () => {
      book.giveBack(target.reservation, session.quantity);
      controls.consumedRefundsUsd.set(tenant, cents((controls.consumedRefundsUsd.get(tenant) ?? 0) + session.usd));
      controls.refunds.push({ tenantId: tenant, orderId: order.id, reservationId: session.reservationId, quantity: session.quantity, sessionId, reason, refund: session.refund, usd: session.usd });
      return {};
    }));
    return {
      status: 202,
      headers: { Location: headers['Azure-AsyncOperation']!, 'Retry-After': headers['Retry-After']! },
      body: { id: reservationPath(order.id, session.reservationId), properties: refundProperties(tenant, { sessionId, ...session }, []) },
    };
  }

  return { calculateRefund, returnReservation };
}
