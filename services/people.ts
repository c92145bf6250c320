import type { StoreReads } from '../data/store.ts';
import type { ActorRole, AgentRole, LogEntry } from '../data/schemas.ts';

export type PersonRole = AgentRole | 'CustomerUser';

/** Someone the partner knows, as identified by the tenant id and aadObjectId Teams puts on an activity. */
export type Person =
  | { kind: 'agent'; tenantId: string; userId: string; name: string; role: AgentRole }
  | { kind: 'customerUser'; tenantId: string; userId: string; name: string; role: 'CustomerUser'; customerId: string };

export type Actor = LogEntry['actor'];

export const roleLabels: Record<PersonRole, string> = {
  AdminAgent: 'Admin Agent',
  SalesAgent: 'Sales Agent',
  HelpDeskAgent: 'Help Desk Agent',
  CustomerUser: 'customer user',
};

/** Who acted, as the log and the lists say it: a person's role, the bot itself, or someone the directory does not know. */
export const actorRoleLabels: Record<ActorRole, string> = { ...roleLabels, CustomerUser: 'Customer user', System: 'System', Unknown: 'Not in the directory' };

/**
 * Identity and role come only from the ids on the activity checked against the directory, never from names. Where
 * the directory does not list customer users (Partner Center), anyone of a known customer's tenant is one of its
 * users: what they may do is then Azure's to say (R5).
 */
export async function identify(store: StoreReads, tenantId: string | undefined, userId: string | undefined, { listedUsersOnly = true } = {}): Promise<Person | undefined> {
  if (!tenantId || !userId) return undefined;
  const partner = await store.partner();
  if (tenantId === partner.tenantId) {
    const agent = partner.agents.find((a) => a.userId === userId);
    return agent && { kind: 'agent', tenantId, userId, name: agent.name, role: agent.role };
  }
  const customer = await store.customer(tenantId);
  const name = customer?.users.find((u) => u.userId === userId)?.name ?? (customer && !listedUsersOnly ? `A user of ${customer.name}` : undefined);
  return name === undefined ? undefined : { kind: 'customerUser', tenantId, userId, name, role: 'CustomerUser', customerId: tenantId };
}

/** Someone the directory does not know, as Teams or a verified token named them; a name they show is never taken (R18). */
export const unknownActor = (tenantId: string, userId: string): Actor => ({ tenantId, userId, name: 'Unknown user', role: 'Unknown' });

export function actorOf(person: Person): Actor {
  return { tenantId: person.tenantId, userId: person.userId, name: person.name, role: person.role };
}
