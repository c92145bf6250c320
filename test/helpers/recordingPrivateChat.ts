import type { TurnContext } from 'botbuilder';
import type { Reply } from '../../bot/commands/command.ts';
import type { PrivateChat } from '../../bot/privateChat.ts';
import type { Person } from '../../services/people.ts';

/** The Bot Connector's personal chats, for TestAdapter turns: what the bot sent each person privately (R20). */
export class RecordingPrivateChat implements PrivateChat {
  readonly sent: { person: Person; replies: Reply[] }[] = [];

  async send(_context: TurnContext, person: Person, replies: Reply[]): Promise<boolean> {
    this.sent.push({ person, replies });
    return true;
  }
}
