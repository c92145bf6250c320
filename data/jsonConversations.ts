import type { ConversationRepository } from './repository.ts';
import type { Conversation } from './schemas.ts';
import type { StoreFile } from './storeFile.ts';

/** Conversation references in `store.json`, one per person. */
export class JsonConversations implements ConversationRepository {
  constructor(private readonly file: StoreFile) {}

  conversation(tenantId: string, userId: string) {
    return this.file.data.conversations.find((c) => c.tenantId === tenantId && c.userId === userId);
  }

  async saveConversation(conversation: Conversation): Promise<void> {
    await this.file.change((data) => {
      data.conversations = [...data.conversations.filter((c) => c.tenantId !== conversation.tenantId || c.userId !== conversation.userId), conversation];
    });
  }
}
