import type { ConversationRepository } from '../data/repository.ts';
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
}
