import type { Activity } from 'botbuilder';
import { z } from 'zod';
import type { OperationName } from '../../services/operations.ts';
import type { Person, PersonRole } from '../../services/people.ts';
import type { Services } from '../../services/services.ts';
import type { ChatPlace } from '../chatPlace.ts';

export type Reply = Partial<Activity>;

/** Where a Teams app's bot can be talked to: a personal chat, a team's channels, a group chat. */
export type AppScope = 'personal' | 'team' | 'groupChat';

export interface CommandContext {
  person: Person;
  services: Services;
  /** The registry, for commands that talk about commands (help). */
  commands: readonly Command[];
  /** Where the command was typed (settings approvals-channel is typed in the channel it names). */
  place: ChatPlace;
  /** The person's own token from Teams single sign-on, when they signed in: Partner Center writes act as them. */
  userToken?: string;
}

/** What a reader is told about a command. No rule numbers: they mean nothing to users. */
export interface CommandText {
  summary: string;
  /** How it is typed, e.g. "permission on|off <customer>": `<…>` is a placeholder (shown by usageMarkdown), `[…]` optional. */
  usage: string;
  /** Exactly as they can be typed. */
  examples: string[];
}

/** One chat command: its words, who may use it, its arguments and what it does. The registry is the only list. */
export interface Command<Args = any> extends CommandText {
  name: string;
  /** Other first words for this command, each standing for the words it replaces (`enable` = `permission on`). */
  aliases?: Record<string, string[]>;
  /**
   * What agents, or customer users, read instead where it differs: "a customer's reservations" and `for <customer>`
   * for agents, "your reservations" for customer users. The text above is the neutral one (the app manifest's).
   */
  byReader?: Partial<Record<Person['kind'], Partial<CommandText>>>;
  /** The Teams scopes whose command menu offers it (manifest/); Teams shows at most 10 per scope. */
  menu?: readonly AppScope[];
  /** Who may use it; `help` lists it only for them. */
  roles: readonly PersonRole[];
  /** Roles that may not use it but whose attempts still reach the service, which refuses and logs them (R18). */
  attemptsLoggedFor?: readonly PersonRole[];
  /**
   * What its answer shows, which decides whether it may be posted in a shared chat (R20, bot/replyPlace.ts):
   * `general` nothing private (help); `account` what a customer user may see of their own account, and for an
   * agent any customer's; `partner` what only the partner's agents may see, whoever asks (the activity log).
   */
  shows: Shows;
  /**
   * For a command that changes something: the operation an attempt with these words (after the command name) is
   * logged as when it is refused before it reaches a service (a role it is not for, someone the directory does not
   * know: R18). Nothing for words that only show something.
   */
  writes?: (words: string[]) => OperationName | undefined;
  /** Parses the words after the command name. Its issue messages are shown to the user. */
  args: z.ZodType<Args, string[]>;
  run(ctx: CommandContext, args: Args): Promise<Reply[]>;
}

export type Shows = 'general' | 'account' | 'partner';

/** An argument that is "on" or "off", in any case. */
export const onOffWord = z
  .string({ error: 'say on or off' })
  .transform((w) => w.toLowerCase())
  .pipe(z.enum(['on', 'off'], { error: 'say on or off' }));

export const agentRoles: readonly PersonRole[] = ['AdminAgent', 'SalesAgent', 'HelpDeskAgent'];
export const everyone: readonly PersonRole[] = [...agentRoles, 'CustomerUser'];

/** The command's summary, usage and examples as this person reads them. */
export function commandText(command: Pick<Command, keyof CommandText | 'byReader'>, person: Person): CommandText {
  const { summary, usage, examples } = command;
  return { summary, usage, examples, ...command.byReader?.[person.kind] };
}

/** Keeps the argument type of each command while collecting them in one list. */
export const defineCommand = <Args>(command: Command<Args>): Command<Args> => command;

/** Whether `word` (lower-case) starts this command: its name or one of its aliases. */
export const answersTo = (command: Command, word: string): boolean => command.name === word || (command.aliases !== undefined && Object.hasOwn(command.aliases, word));

/** The words that stand in front of the arguments when the command is started by `word` (an alias's words). */
export const aliasWords = (command: Command, word: string): string[] => (command.aliases && Object.hasOwn(command.aliases, word) ? command.aliases[word]! : []);
