import type { LogEntry } from '../data/schemas.ts';
import { changeInWords } from '../services/changeInWords.ts';
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
        ...changeBlocks(e),
      ],
    })),
  ]);
}

/** What the entry changed, in words ("Permission: Off → On · …"); nothing when it has no values (a refusal). */
function changeBlocks({ before, after }: LogEntry): object[] {
  const words = changeInWords(before, after);
  return words.length ? [{ type: 'TextBlock', text: words.join(' · '), wrap: true, size: 'Small', spacing: 'None' }] : [];
}
