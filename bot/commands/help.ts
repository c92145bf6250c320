import { z } from 'zod';
import type { Person } from '../../services/people.ts';
import { excerpt } from '../../services/excerpt.ts';
import { usageMarkdown } from '../../services/usageMarkdown.ts';
import { textReply } from '../replies.ts';
import { answersTo, commandText, defineCommand, everyone, type Command } from './command.ts';

/** Generated from the registry, listing only what this person may use, in the words of their role. */
export const helpCommand = defineCommand({
  name: 'help',
  summary: 'What you can ask me, or the details of one command',
  menu: ['personal', 'team', 'groupChat'],
  usage: 'help [<command>]',
  examples: ['help', 'help reservations'],
  roles: everyone,
  shows: 'general',
  args: z.array(z.string()).max(1, 'name at most one command').transform(([name]) => ({ name: name?.toLowerCase() })),
  async run({ person, commands }, { name }) {
    const mine = commands.filter((c) => c.roles.includes(person.role));
    const asked = name && mine.find((c) => answersTo(c, name));
    if (asked) return [textReply(details(asked, person))];
    const intro = name ? `I don't have a command called \`${excerpt(name, 60)}\` that you can use. ` : '';
    const lines = mine.map((c) => {
      const { usage, summary } = commandText(c, person);
      return `- ${usageMarkdown(usage)} — ${summary}`;
    });
    return [textReply(`${intro}Here is what you can ask me:\n\n${lines.join('\n')}\n\nCommands are not case-sensitive. Type ${usageMarkdown('help <command>')} for examples.`)];
  },
});

function details(c: Command, person: Person): string {
  const { summary, usage, examples } = commandText(c, person);
  const aliases = c.aliases ? Object.entries(c.aliases).map(([alias, words]) => `\`${alias}\` = \`${[c.name, ...words].join(' ')}\``) : [];
  return [`**${c.name}** — ${summary}`, `Usage: ${usageMarkdown(usage)}`, `Examples: ${examples.map((e) => `\`${e}\``).join(', ')}`, ...(aliases.length ? [`Also: ${aliases.join(', ')}`] : [])].join('\n\n');
}
