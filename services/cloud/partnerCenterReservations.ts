import { CloudError, type AzureReservationIds } from '../microsoftCloud.ts';
import type { PartnerCenterRead } from './partnerCenterCatalog.ts';
import { apiPath } from './partnerCenterClient.ts';
import { collectionOf, orderEntitlementShape, reservedInstanceArtifactShape } from './partnerCenterShapes.ts';

/** An id given as a GUID or as an ARM resource id (`/providers/Microsoft.Capacity/reservationOrders/{id}`): its GUID. */
const lastSegment = (id: string) => id.split('/').filter(Boolean).at(-1) ?? id;

/**
 * The Azure reservations a Partner Center order has yielded so far, from the customer's entitlements: each names the
 * order it came from, its artifact the Azure reservation order, and the artifact's link its reservations
 * [get-a-collection-of-entitlements, entitlement-resources]. Azure provisions a reservation after checkout, so none
 * may be there yet; nor when Partner Center cannot say now. The order is bought either way, and the sync finds them.
 */
export async function reservationsOfOrder(read: PartnerCenterRead, customerId: string, orderId: string): Promise<AzureReservationIds[]> {
  try {
    const entitlements = (await read(`/v1/customers/${encodeURIComponent(customerId)}/entitlements`, collectionOf(orderEntitlementShape))).items;
    const artifacts = entitlements.filter((e) => e.referenceOrder.id === orderId).flatMap((e) => e.entitledArtifacts);
    const found: AzureReservationIds[] = [];
    for (const { link, resourceId } of artifacts) {
      if (!link || !resourceId) continue;
      const details = await read(apiPath(link.uri), reservedInstanceArtifactShape);
      found.push(...details.reservations.map((r) => ({ orderId: lastSegment(resourceId), reservationId: lastSegment(r.reservationId) })));
    }
    return found;
  } catch (err) {
    if (err instanceof CloudError) return [];
    throw err;
  }
}
