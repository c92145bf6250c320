import type { LogEntry } from '../data/schemas.ts';
import { adaptiveCard, heading, type AdaptiveCard } from './adaptiveCard.ts';
import { formatTime } from './format.ts';
import { actorRoleLabels } from '../services/people.ts';

export interface LogCardModel {
  /** What the entries were filtered by, in words ("Fabrikam Inc, Create Customer Purchase Permissions"). */
  filter: string;
  entries: LogEntry[];
  limit: number;
}

/** The newest activity-log entries, newest first (R19). */
export function logCard({ filter, entries, limit }: LogCardModel): AdaptiveCard {
  const subtitle = entries.length === 0 ? `No entries${filter ? ` for ${filter}` : ''}.` : `Newest ${entries.length}${entries.length === limit ? ` (at most ${limit})` : ''}${filter ? ` · ${filter}` : ''}`;
  return adaptiveCard([
    ...heading('Activity log', subtitle),
    ...entries.map((e) => ({
      type: 'Container',
      separator: true,
      spacing: 'Small',
      items: [
        { type: 'TextBlock', text: `**${e.operation}** · ${e.outcome}`, wrap: true, color: e.outcome === 'Refused' ? 'Attention' : 'Default' },
        {
          type: 'TextBlock',
          text: `${formatTime(e.at)} · ${e.actor.name} (${actorRoleLabels[e.actor.role]})${e.customerName ? ` · ${e.customerName}` : ''}${e.target ? ` · ${e.target}` : ''}`,
          wrap: true,
          isSubtle: true,
          size: 'Small',
          spacing: 'None',
        },
        ...(e.reason ? [{ type: 'TextBlock', text: e.reason.message, wrap: true, size: 'Small', spacing: 'None' }] : []),
        ...(e.before !== undefined || e.after !== undefined ? [{ type: 'TextBlock', text: changeText(e), wrap: true, size: 'Small', isSubtle: true, spacing: 'None', fontType: 'Monospace' }] : []),
      ],
    })),
  ]);
}

/** "Before: {…} → after: {…}", leaving out a side the entry does not have. */
function changeText({ before, after }: LogEntry): string {
  const sides = [before !== undefined && `Before: ${JSON.stringify(before)}`, after !== undefined && `After: ${JSON.stringify(after)}`];
  return sides.filter(Boolean).join(' → ');
}
