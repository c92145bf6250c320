import type { Activity } from 'botbuilder';

/** What a person sees of a reply or a card: its text, every TextBlock, every fact as "title: value", every button as "[title]". */
export function shownLines(shown: Partial<Activity> | Record<string, unknown>): string[] {
  const lines: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const n = node as Record<string, any>;
    if (n.type === 'TextBlock') lines.push(String(n.text));
    if (n.type === 'FactSet') for (const f of n.facts ?? []) lines.push(`${f.title}: ${f.value}`);
    if (typeof n.type === 'string' && n.type.startsWith('Action.')) lines.push(`[${n.title}]`);
    for (const key of ['body', 'items', 'columns', 'actions', 'attachments', 'content']) walk(n[key]);
  };
  if (typeof shown.text === 'string') lines.push(shown.text);
  walk(shown);
  return lines;
}

/** The entries of an activity-log card, as shown: "**operation** · outcome", then "time · who (role) · customer · target". */
export function shownLogEntries(card: Partial<Activity> | Record<string, unknown>): { operation: string; outcome: string; byline: string }[] {
  const lines = shownLines(card);
  return lines.flatMap((line, i) => {
    const heading = /^\*\*(.+)\*\* · (\w+)$/.exec(line);
    return heading ? [{ operation: heading[1]!, outcome: heading[2]!, byline: lines[i + 1] ?? '' }] : [];
  });
}

/** The same as one string, a line each: what to match a reply or a card against. */
export const shownText = (shown: Partial<Activity> | Record<string, unknown>): string => shownLines(shown).join('\n');

/** The buttons of one type on a card, wherever they are. */
function actionsOfType(card: unknown, type: string): Record<string, unknown>[] {
  const found: Record<string, unknown>[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    if (o.type === type) found.push(o);
    Object.values(o).forEach(walk);
  };
  walk(card);
  return found;
}

/** The Action.Execute buttons of a card, wherever they are. */
export const executeActions = (card: unknown): { title: string; verb: string; data: Record<string, unknown> }[] =>
  actionsOfType(card, 'Action.Execute').map((o) => ({ title: String(o.title), verb: String(o.verb), data: (o.data ?? {}) as Record<string, unknown> }));

/** The Action.Submit buttons of a card (typed commands, choices), wherever they are, as [title, data]. */
export const submitActions = (card: unknown): { title: string; data: unknown }[] => actionsOfType(card, 'Action.Submit').map((o) => ({ title: String(o.title), data: o.data }));
