import type { ConversationRepository, DirectoryRepository } from '../data/repository.ts';
import type { Conversation } from '../data/schemas.ts';
import type { Clock } from './clock.ts';
import type { Person } from './people.ts';

/** The conversation reference of each person's personal chat with the bot, kept in the store so that it survives restarts. */
export class Conversations {
  constructor(
    private readonly repo: ConversationRepository,
    private readonly clock: Clock,
  ) {}

  /** Keeps `reference` for this person; writes only when it differs from the one kept. */
  async remember(person: Person, reference: Record<string, unknown>): Promise<void> {
    const kept = this.repo.conversation(person.tenantId, person.userId);
    if (kept && JSON.stringify(kept.reference) === JSON.stringify(reference)) return;
    await this.repo.saveConversation({ tenantId: person.tenantId, userId: person.userId, reference, updatedAt: this.clock().toISOString() });
  }

  /** The reference of this person's personal chat with the bot, if they have one. */
  personalChat(person: Person): Conversation['reference'] | undefined {
    return this.repo.conversation(person.tenantId, person.userId)?.reference;
  }
}

/** The personal chats of the partner's Admin Agents who have talked to the bot: where approvals and notices go. */
export function adminConversations(directory: DirectoryRepository, conversations: ConversationRepository): Conversation[] {
  const partner = directory.partner();
  return partner.agents.filter((a) => a.role === 'AdminAgent').flatMap((a) => conversations.conversation(partner.tenantId, a.userId) ?? []);
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
