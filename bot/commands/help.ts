import { z } from 'zod';
import { textReply } from '../replies.ts';
import { answersTo, defineCommand, everyone, type Command } from './command.ts';

/** Generated from the registry, listing only what this person may use. */
export const helpCommand = defineCommand({
  name: 'help',
  summary: 'What you can ask me, or the details of one command',
  menu: ['personal', 'team', 'groupChat'],
  usage: 'help [command]',
  examples: ['help', 'help permission'],
  roles: everyone,
  shows: 'general',
  args: z.array(z.string()).max(1, 'name at most one command').transform(([name]) => ({ name: name?.toLowerCase() })),
  async run({ person, commands }, { name }) {
    const mine = commands.filter((c) => c.roles.includes(person.role));
    const asked = name && mine.find((c) => answersTo(c, name));
    if (asked) return [textReply(details(asked))];
    const intro = name ? `I don't have a command called \`${name}\` that you can use. ` : '';
    const lines = mine.map((c) => `- \`${c.usage}\` — ${c.summary}`);
    return [textReply(`${intro}Here is what you can ask me:\n\n${lines.join('\n')}\n\nCommands are not case-sensitive. Type \`help <command>\` for examples.`)];
  },
});

function details(c: Command): string {
  const aliases = c.aliases ? Object.entries(c.aliases).map(([alias, words]) => `\`${alias}\` = \`${[c.name, ...words].join(' ')}\``) : [];
  return [`**${c.name}** — ${c.summary}`, `Usage: \`${c.usage}\``, `Examples: ${c.examples.map((e) => `\`${e}\``).join(', ')}`, ...(aliases.length ? [`Also: ${aliases.join(', ')}`] : [])].join('\n\n');
}
