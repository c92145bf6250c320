import type { LogEntry } from '../data/schemas.ts';
import { changeInWords } from '../services/changeInWords.ts';
import { adaptiveCard, type AdaptiveCard } from './adaptiveCard.ts';
import { formatTime } from './format.ts';
import { actorRoleLabels } from '../services/people.ts';
import { pageButtons, pageHeading, type ListPage } from './listPage.ts';

/** A card holds this many entries, so that it stays within Teams' message size. */
export const logPageSize = 15;

export const logPageVerb = 'log.page';


/** What the entries are filtered by: ids for the buttons, and in words. */
export interface LogFilterShown {
  customerId?: string;
  operations?: string[];
  /** "Fabrikam Inc, Create Customer Purchase Permissions". */
  words: string;
}

export interface LogCardModel {
  filter: LogFilterShown;
  /** Newest first. How many entries there are in all is not known: the log is read only as far as this page (and one more entry). */
  page: ListPage<LogEntry>;
}

/** The activity log, newest first, a page at a time (R19). */
export function logCard({ filter, page }: LogCardModel): AdaptiveCard {
  const { customerId, operations, words } = filter;
  const subtitle = page.total === 0 ? `No entries${words ? ` for ${words}` : ''}.` : [page.count > 1 ? `Page ${page.number}, newest first` : 'Newest first', words].filter(Boolean).join(' · ');
  const body = [
    ...pageHeading('Activity log', subtitle, page),
    ...page.items.map((e) => ({
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
  ];
  return adaptiveCard(body, pageButtons(page, logPageVerb, { ...(customerId ? { customerId } : {}), ...(operations ? { operations } : {}) }));
}

/** What the entry changed, in words ("Permission: Off → On · …"); nothing when it has no values (a refusal). */
function changeBlocks({ before, after }: LogEntry): object[] {
  const words = changeInWords(before, after);
  return words.length ? [{ type: 'TextBlock', text: words.join(' · '), wrap: true, size: 'Small', spacing: 'None' }] : [];
}
