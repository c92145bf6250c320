import type { WorldInput } from '../../data/schemas.ts';
import type { ChangeInput } from '../../services/changeRules.ts';
import type { RequestView } from '../../services/messenger.ts';
import { buy, tailspinOwner } from './buying.ts';
import { people, personOf, tailspinId, testWorld, type TestStore, type TestUser } from './testWorld.ts';

/**
 * The test world with a catalogue to exchange within: Standard_D2s_v5 (eastus 1y 600, 3y unpriced; westeurope
 * 1y 650.50) and Standard_D4s_v5 (eastus 1y 1200, 3y 3000) are VirtualMachines, which savings plans cover (bought in
 * 2026, they may still be exchanged: R17); SQLDB_GP_2vCore (eastus 1y 2500) is SqlDatabase, so an exchange to it is refused.
 */
export function requestWorld(): WorldInput {
  const world = testWorld();
  return {
    ...world,
    products: [
      ...(world.products ?? []),
      { sku: 'Standard_D4s_v5', name: 'Virtual Machines D4s v5', type: 'VirtualMachines', savingsPlanCovered: true },
      { sku: 'SQLDB_GP_2vCore', name: 'SQL Database GP 2 vCore', type: 'SqlDatabase' },
    ],
    prices: [
      ...(world.prices ?? []),
      { sku: 'Standard_D4s_v5', region: 'eastus', term: 'P1Y', partnerPrice: 1200, webDirectPrice: 1400, currency: 'USD' },
      { sku: 'Standard_D4s_v5', region: 'eastus', term: 'P3Y', partnerPrice: 3000, webDirectPrice: 3600, currency: 'USD' },
      { sku: 'SQLDB_GP_2vCore', region: 'eastus', term: 'P1Y', partnerPrice: 2500, webDirectPrice: 2800, currency: 'USD' },
    ],
  };
}

/**
 * Tia (Tailspin's Owner) buys `quantity` × Standard_D2s_v5 eastus 1 year (USD 600.00 each) on `day` at 10:00 UTC;
 * the clock stays there. Returns the reservation id (R-1001 for the first).
 */
export async function tailspinReservation(t: TestStore, day = '2026-01-31', quantity = 2): Promise<string> {
  t.clock.set(`${day}T10:00:00.000Z`);
  const { reservation } = await buy(t, tailspinOwner, tailspinId, { quantity });
  return reservation.id;
}

/** `user` asks for `change` of `reservationId` through the service. */
export async function ask(t: TestStore, user: TestUser, reservationId: string, change: ChangeInput, comment?: string): Promise<RequestView> {
  return t.services.requests.create(await personOf(t.services, user), reservationId, change, comment);
}

/** An Admin Agent (Ada by default) approves or rejects a request through the service. */
export async function decide(t: TestStore, requestId: string, outcome: 'Approved' | 'Rejected', user: TestUser = people.admin, reason?: string) {
  return t.services.requests.decide(await personOf(t.services, user), requestId, outcome, reason);
}

/** The personal-chat reference talkedToTheBot stores for a person: told apart by its conversation id and Teams user id. */
export const chatOf = (user: TestUser) => ({ conversation: { id: `chat-${user.userId}` }, user: { id: `29:${user.userId}` } });

/** Stores a personal-chat reference for each of these people, as the bot does when they write to it. */
export async function talkedToTheBot(t: TestStore, ...users: TestUser[]): Promise<void> {
  for (const user of users) {
    await t.services.conversations.remember(await personOf(t.services, user), chatOf(user));
  }
}
