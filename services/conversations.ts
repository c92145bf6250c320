import type { Conversation } from '../data/schemas.ts';
import type { Store, StoreReads } from '../data/store.ts';
import type { Clock } from './clock.ts';
import type { Person } from './people.ts';

/** The conversation reference of each person's personal chat with the bot, kept in the store so that it survives restarts. */
export class Conversations {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** Keeps `reference` for this person; writes only when it differs from the one kept. */
  async remember(person: Person, reference: Record<string, unknown>): Promise<void> {
    const same = (kept: Conversation | undefined) => kept !== undefined && JSON.stringify(kept.reference) === JSON.stringify(reference);
    if (same(await this.store.conversation(person.tenantId, person.userId))) return;
    await this.store.transaction(async (tx) => {
      if (same(await tx.conversation(person.tenantId, person.userId))) return;
      await tx.saveConversation({ tenantId: person.tenantId, userId: person.userId, reference, updatedAt: this.clock().toISOString() });
    });
  }

  /** The reference of this person's personal chat with the bot, if they have one. */
  async personalChat(person: Person): Promise<Conversation['reference'] | undefined> {
    return (await this.store.conversation(person.tenantId, person.userId))?.reference;
  }
}

/** The personal chats of the partner's Admin Agents who have talked to the bot: where approvals and notices go. */
export async function adminConversations(store: StoreReads): Promise<Conversation[]> {
  const partner = await store.partner();
  const admins = partner.agents.filter((a) => a.role === 'AdminAgent');
  const found = await Promise.all(admins.map((a) => store.conversation(partner.tenantId, a.userId)));
  return found.filter((c) => c !== undefined);
}

/** The id of the conversation a stored reference points at, for messages about it. */
export function conversationIdOf(reference: Conversation['reference']): string | undefined {
  const conversation = reference.conversation as { id?: unknown } | undefined;
  return typeof conversation?.id === 'string' ? conversation.id : undefined;
}

/** The Teams user id (MRI) the bot chats with in a stored conversation reference. */
export function chatUserId(conversation: Pick<Conversation, 'reference'>): string | undefined {
  const user = conversation.reference.user as { id?: unknown } | undefined;
  return typeof user?.id === 'string' ? user.id : undefined;
}
