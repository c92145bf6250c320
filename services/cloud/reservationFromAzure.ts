import type { Patch, ReservationOrderResponse, ReservationResponse } from '@azure/arm-reservations';
import { billingPlanSchema, scopeSchema, termSchema, type Scope } from '../../data/schemas.ts';
import { CloudError, type CloudReservation } from '../microsoftCloud.ts';

const lastSegment = (id: string | undefined) => id?.split('/').filter(Boolean).pop();
const subscriptionIn = (id: string | undefined) => (id ? /^\/subscriptions\/([^/]+)/i.exec(id)?.[1] : undefined);
const resourceGroupIn = (id: string | undefined) => (id ? /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)$/i.exec(id) : null);
const isoOf = (at: Date | undefined) => (at && !Number.isNaN(at.getTime()) ? at.toISOString() : undefined);

/**
 * One reservation of a reservation order, as reservations.json (Microsoft.Capacity 2022-11-01) lists it, in the port's
 * words (R11, R13, R14). `today` (a UTC day) tells a Succeeded reservation whose expiry date has passed from an active one.
 * A reservation the bot cannot read whole is a CloudError, never a half-filled record.
 */
export function reservationFromAzure(order: ReservationOrderResponse, reservation: ReservationResponse, today: string): CloudReservation {
  const properties = reservation.properties ?? {};
  const reservationId = lastSegment(reservation.id);
  const missing = (what: string) => new CloudError('unavailable', `Azure listed reservation ${reservationId ?? '(no id)'} of order ${order.name} without ${what}.`);
  const orderId = order.name ?? lastSegment(order.id);
  if (!orderId || !reservationId) throw missing('its ids');
  const term = termSchema.safeParse(properties.term ?? order.term);
  const billingPlan = billingPlanSchema.safeParse(properties.billingPlan ?? order.billingPlan);
  const billingSubscriptionId = subscriptionIn(properties.billingScopeId);
  const purchasedAt = isoOf(order.createdDateTime ?? properties.purchaseDateTime ?? properties.purchaseDate ?? order.requestDateTime);
  const expiresOn = isoOf(properties.expiryDate ?? properties.expiryDateTime ?? order.expiryDate ?? order.expiryDateTime)?.slice(0, 10);
  const quantity = properties.quantity;
  if (!reservation.sku?.name) throw missing('a SKU');
  if (!reservation.location) throw missing('a region');
  if (quantity === undefined || !Number.isInteger(quantity) || quantity < 1) throw missing('a quantity');
  if (!term.success) throw missing('a term of P1Y, P3Y or P5Y');
  if (!billingPlan.success) throw missing('a billing plan of Upfront or Monthly');
  if (!billingSubscriptionId) throw missing('a billing subscription');
  if (!purchasedAt) throw missing('a purchase date');
  if (!expiresOn) throw missing('an expiry date');
  const scope = scopeOf(properties);
  if (!scope) throw missing(`an applied scope the bot knows (${properties.appliedScopeType ?? 'none'})`);
  return {
    orderId,
    reservationId,
    ...((properties.displayName ?? order.displayName) ? { displayName: properties.displayName ?? order.displayName } : {}),
    sku: reservation.sku.name,
    region: reservation.location,
    quantity,
    term: term.data,
    billingPlan: billingPlan.data,
    billingSubscriptionId,
    scope,
    autoRenew: properties.renew ?? false,
    purchasedAt,
    expiresOn,
    state: stateOf(properties, expiresOn, today),
  };
}

/**
 * R14 the other way, as a reservation's PATCH and a purchase take it: Single names the subscription or the resource
 * group by its full id in appliedScopeProperties; a management group also needs the customer's tenant.
 */
export function appliedScopeFor(scope: Scope, tenantId: string): Pick<Patch, 'appliedScopeType' | 'appliedScopeProperties'> {
  switch (scope.type) {
    case 'Shared':
      return { appliedScopeType: 'Shared' };
    case 'Single':
      return { appliedScopeType: 'Single', appliedScopeProperties: { subscriptionId: `/subscriptions/${scope.subscriptionId}` } };
    case 'ResourceGroup':
      return { appliedScopeType: 'Single', appliedScopeProperties: { resourceGroupId: `/subscriptions/${scope.subscriptionId}/resourceGroups/${scope.resourceGroup}` } };
    case 'ManagementGroup':
      return { appliedScopeType: 'ManagementGroup', appliedScopeProperties: { tenantId, managementGroupId: `/providers/Microsoft.Management/managementGroups/${scope.managementGroupId}` } };
  }
}

/** R14: Single names a subscription or a resource group, in appliedScopeProperties or (the older way) appliedScopes. */
function scopeOf(properties: NonNullable<ReservationResponse['properties']>): Scope | undefined {
  const scoped = properties.appliedScopeProperties ?? {};
  const candidate = (() => {
    switch (properties.appliedScopeType) {
      case 'Shared':
        return { type: 'Shared' };
      case 'ManagementGroup':
        return { type: 'ManagementGroup', managementGroupId: lastSegment(scoped.managementGroupId) };
      case 'Single': {
        const target = scoped.resourceGroupId ?? scoped.subscriptionId ?? properties.appliedScopes?.[0];
        const group = resourceGroupIn(target);
        if (group) return { type: 'ResourceGroup', subscriptionId: group[1], resourceGroup: group[2] };
        return { type: 'Single', subscriptionId: subscriptionIn(target) };
      }
      default:
        return undefined;
    }
  })();
  const parsed = scopeSchema.safeParse(candidate);
  return parsed.success ? parsed.data : undefined;
}

/**
 * Succeeded is Active until its expiry date has passed. A reservation that was split or merged away shows as
 * Cancelled with an extended status saying so: it was not cancelled, it lives on in the new ones, so it is Other.
 */
function stateOf(properties: NonNullable<ReservationResponse['properties']>, expiresOn: string, today: string): CloudReservation['state'] {
  const movedOn = ['Split', 'Merged'].includes(properties.extendedStatusInfo?.statusCode ?? '');
  switch (properties.provisioningState) {
    case 'Succeeded':
      return expiresOn < today ? 'Expired' : 'Active';
    case 'Cancelled':
      return movedOn ? 'Other' : 'Cancelled';
    case 'Expired':
      return 'Expired';
    default:
      return 'Other';
  }
}
