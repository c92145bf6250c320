import type { Activity } from 'botbuilder';

/** Everything a person would read in a reply: its text, and every text, fact and button title of its cards. */
export function visibleText(reply: Partial<Activity>): string {
  const parts: string[] = reply.text ? [reply.text] : [];
  for (const attachment of reply.attachments ?? []) collect(attachment.content, parts);
  return parts.join('\n');
}

/** The same for a card (e.g. the one an invoke response puts in place of the clicked card). */
export function cardText(card: unknown): string {
  const parts: string[] = [];
  collect(card, parts);
  return parts.join('\n');
}

function collect(node: unknown, parts: string[]): void {
  if (Array.isArray(node)) return node.forEach((n) => collect(n, parts));
  if (!node || typeof node !== 'object') return;
  const o = node as Record<string, unknown>;
  if (o.type === 'TextBlock' && typeof o.text === 'string') parts.push(o.text);
  if (typeof o.title === 'string' && (typeof o.value === 'string' || String(o.type ?? '').startsWith('Action.'))) parts.push(o.value ? `${o.title}: ${o.value}` : o.title);
  for (const [key, value] of Object.entries(o)) if (key !== 'data' && typeof value === 'object') collect(value, parts);
}

/** The Action.Execute buttons of a card, wherever they are. */
export function executeActions(card: unknown): { title: string; verb: string; data: Record<string, unknown> }[] {
  const found: { title: string; verb: string; data: Record<string, unknown> }[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    if (o.type === 'Action.Execute') found.push({ title: String(o.title), verb: String(o.verb), data: (o.data ?? {}) as Record<string, unknown> });
    Object.values(o).forEach(walk);
  };
  walk(card);
  return found;
}
