import { executeAction, heading, noticeBlock, type Notice } from './adaptiveCard.ts';
import { plural } from './format.ts';

/** One page of a list, as a card shows it. */
export interface ListPage<T> {
  items: T[];
  /** Which page, from 1. */
  number: number;
  /** How many pages there are (at least 1). */
  count: number;
  /** How many items in all the pages. */
  total: number;
  /** Says that the page asked for is past the end, and that this (the last) is shown instead. */
  notice?: Notice;
}

/** Page `asked` of `all`, `size` a page; a page past the end is the last one, and says so rather than showing it silently. */
export function listPage<T>(all: readonly T[], asked: number, size: number): ListPage<T> {
  const count = Math.max(1, Math.ceil(all.length / size));
  const number = Math.min(asked, count);
  const page = { items: all.slice((number - 1) * size, number * size), number, count, total: all.length };
  if (asked <= count) return page;
  return { ...page, notice: { tone: 'warning', text: count === 1 ? `There is only one page; page ${asked} does not exist.` : `There are only ${count} pages; this is the last.` } };
}

/** A list card's title and subtitle, and the notice when the page asked for did not exist. */
export const pageHeading = (title: string, subtitle: string, page: ListPage<unknown>): object[] => [...heading(title, subtitle), ...(page.notice ? [noticeBlock(page.notice)] : [])];

/** "No orders yet.", "3 orders", "40 orders · page 2 of 3". */
export function pageSubtitle({ total, number, count }: ListPage<unknown>, noun: string): string {
  if (total === 0) return `No ${noun}s yet.`;
  return count > 1 ? `${plural(total, noun)} · page ${number} of ${count}` : plural(total, noun);
}

/** Previous page and Next page, where there is one: each asks for its page by `verb`, with `data` beside the page. */
export function pageButtons({ number, count }: Pick<ListPage<unknown>, 'number' | 'count'>, verb: string, data: Record<string, unknown>): object[] {
  return [
    ...(number > 1 ? [executeAction('Previous page', verb, { ...data, page: number - 1 })] : []),
    ...(number < count ? [executeAction('Next page', verb, { ...data, page: number + 1 })] : []),
  ];
}
