import type { Activity } from 'botbuilder';
import { CodedError, ErrorCode } from '../services/codedError.ts';
import { refusals } from '../services/refusals.ts';
import type { Services } from '../services/services.ts';
import type { Identity } from '../services/strangers.ts';
import { closestWord } from './closestWord.ts';
import { aliasWords, answersTo, commandText, type Command, type CommandContext, type Reply, type Shows } from './commands/command.ts';
import { excerpt } from '../services/excerpt.ts';
import { usageMarkdown } from '../services/usageMarkdown.ts';
import { textReply } from './replies.ts';

/** The replies to a message, and what they show, which decides where they may be posted (R20). */
export interface Answer {
  replies: Reply[];
  shows: Shows;
  /** Partner Center needs the person's own sign-in: the bot asks Teams for it after the answer. */
  signIn?: boolean;
}

/** Finds the command for the words typed, checks who may use it, parses its arguments, runs it. */
export async function routeCommand(words: string[], ctx: CommandContext): Promise<Answer> {
  const { person, commands, services } = ctx;
  const general = (reply: Reply): Answer => ({ replies: [reply], shows: 'general' });
  if (!words.length) return general(textReply('Type `help` to see what I can do for you.'));
  const typed = commandFor(words, commands);
  if (!typed) return general(unknownCommand(words[0]!.toLowerCase(), commands.filter((c) => c.roles.includes(person.role))));
  const { command, argWords } = typed;
  if (!command.roles.includes(person.role) && !command.attemptsLoggedFor?.includes(person.role)) {
    const error = refusals.commandNotForRole(command.name, person);
    const operation = command.writes?.(argWords);
    // An attempt to change something is logged even when the command is not for this role at all (R18).
    if (operation) await services.activity.refused(person, operation, { customer: (await services.directory.own(person)), target: words.join(' ') }, error);
    return general(textReply(error.message));
  }
  const args = command.args.safeParse(argWords);
  if (!args.success) {
    const { usage, examples } = commandText(command, person);
    return general(textReply(`I didn't understand that: ${args.error.issues[0]?.message}.\n\nUsage: ${usageMarkdown(usage)}\n\nFor example: \`${examples[0]}\``));
  }
  try {
    return { replies: await command.run(ctx, args.data), shows: command.shows };
  } catch (err) {
    if (err instanceof CodedError) return { replies: [textReply(err.message)], shows: command.shows, signIn: err.code === ErrorCode.SignInRequired };
    throw err;
  }
}

/** R18: someone the directory does not know typed a command that changes something; their attempt is logged. */
export async function logStrangerCommand(words: string[], who: Identity, services: Services, commands: readonly Command[]): Promise<void> {
  const typed = commandFor(words, commands);
  const operation = typed?.command.writes?.(typed.argWords);
  if (operation) await services.strangers.refuse(who, operation, words.join(' '));
}

/** The command the first word starts, and the words its arguments are parsed from (an alias's words first). */
function commandFor(words: string[], commands: readonly Command[]): { command: Command; argWords: string[] } | undefined {
  const [first = '', ...rest] = words;
  const word = first.toLowerCase();
  const command = commands.find((c) => answersTo(c, word));
  return command && { command, argWords: [...aliasWords(command, word), ...rest] };
}

function unknownCommand(word: string, mine: readonly Command[]): Partial<Activity> {
  const words = mine.flatMap((c) => [c.name, ...Object.keys(c.aliases ?? {})]);
  const guess = closestWord(word, words);
  const command = guess && mine.find((c) => answersTo(c, guess));
  const suggestion = command ? ` Did you mean \`${command.name}\`? For example: \`${command.examples[0]}\`.` : '';
  return textReply(`I don't know the command \`${excerpt(word, 60)}\`.${suggestion} Type \`help\` to see everything you can do.`);
}
