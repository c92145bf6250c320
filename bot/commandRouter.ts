import type { Activity } from 'botbuilder';
import { CodedError } from '../services/codedError.ts';
import { roleLabels } from '../services/people.ts';
import { closestWord } from './closestWord.ts';
import { aliasWords, answersTo, type Command, type CommandContext, type Reply } from './commands/command.ts';
import { textReply } from './replies.ts';

/** Finds the command for the words typed, checks who may use it, parses its arguments, runs it. */
export async function routeCommand(words: string[], ctx: CommandContext): Promise<Reply[]> {
  const { person, commands } = ctx;
  const [first, ...rest] = words;
  if (!first) return [textReply('Type `help` to see what I can do for you.')];
  const word = first.toLowerCase();
  const mine = commands.filter((c) => c.roles.includes(person.role));
  const command = commands.find((c) => answersTo(c, word));
  if (!command) return [unknownCommand(word, mine)];
  if (!command.roles.includes(person.role) && !command.attemptsLoggedFor?.includes(person.role)) {
    return [textReply(`\`${command.name}\` is not available to you as a ${roleLabels[person.role]}. Type \`help\` to see what you can do.`)];
  }
  const args = command.args.safeParse([...aliasWords(command, word), ...rest]);
  if (!args.success) {
    return [textReply(`I didn't understand that: ${args.error.issues[0]?.message}.\n\nUsage: \`${command.usage}\`\n\nFor example: \`${command.examples[0]}\``)];
  }
  try {
    return await command.run(ctx, args.data);
  } catch (err) {
    if (err instanceof CodedError) return [textReply(err.message)];
    throw err;
  }
}

function unknownCommand(word: string, mine: readonly Command[]): Partial<Activity> {
  const words = mine.flatMap((c) => [c.name, ...Object.keys(c.aliases ?? {})]);
  const guess = closestWord(word, words);
  const command = guess && mine.find((c) => answersTo(c, guess));
  const suggestion = command ? ` Did you mean \`${command.name}\`? For example: \`${command.examples[0]}\`.` : '';
  return textReply(`I don't know the command \`${word}\`.${suggestion} Type \`help\` to see everything you can do.`);
}
