import { TurnContext, type Activity } from 'botbuilder';

const entities: Record<string, string> = { '&nbsp;': ' ', '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };

/** The words the user typed: without the @mention of the bot (channels) and without Teams' HTML. */
export function commandWords(activity: Partial<Activity>): string[] {
  const text = TurnContext.removeRecipientMention(activity) ?? activity.text ?? '';
  return text
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(nbsp|amp|lt|gt|quot|#39);/g, (e) => entities[e] ?? e)
    .split(/\s+/)
    .filter(Boolean);
}
