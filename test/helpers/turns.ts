import { TestAdapter, type Activity } from 'botbuilder';
import { ReservationsBot } from '../../bot/reservationsBot.ts';
import type { Services } from '../../services/services.ts';
import { invokeFrom, joinedBy, messageFrom, submitFrom } from './activities.ts';
import { RecordingPrivateChat } from './recordingPrivateChat.ts';
import type { TestUser } from './testWorld.ts';

/** Drives the bot turn by turn through botbuilder's TestAdapter (no HTTP), collecting what it sends back. */
export function turns(services: Services) {
  const privateChat = new RecordingPrivateChat();
  const bot = new ReservationsBot(services, privateChat);
  const adapter = new TestAdapter((context) => bot.run(context));
  const take = () => adapter.activeQueue.splice(0) as Partial<Activity>[];
  return {
    /** What the bot sent people in their personal chats instead of the chat they asked in (R20). */
    privateChat,
    /** The replies to one message from `user`. */
    async say(user: TestUser, text: string): Promise<Partial<Activity>[]> {
      await adapter.processActivity(messageFrom(user, text));
      return take();
    },
    /** What the bot sends when `user` joins a conversation with it. */
    async join(user: TestUser, conversationType: 'personal' | 'channel'): Promise<Partial<Activity>[]> {
      await adapter.processActivity(joinedBy(user, conversationType));
      return take();
    },
    /** The replies to an Action.Submit button carrying `data`. */
    async submit(user: TestUser, data: unknown): Promise<Partial<Activity>[]> {
      await adapter.processActivity(submitFrom(user, data));
      return take();
    },
    /** The card that replaces the clicked one (the invoke response's value). */
    async click(user: TestUser, verb: string, data: unknown, replyToId?: string): Promise<{ status: number; card: Record<string, unknown> }> {
      await adapter.processActivity(invokeFrom(user, verb, data, undefined, replyToId));
      const response = take().find((a) => a.type === 'invokeResponse');
      const body = response?.value as { status: number; body: { statusCode: number; type: string; value: Record<string, unknown> } };
      return { status: body.status, card: body.body.value };
    },
  };
}
