import { TurnContext, type Activity } from 'botbuilder';

const entities: Record<string, string> = { '&nbsp;': ' ', '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'" };

/**
 * The words the user typed, without the @mention of the bot (channels) and Teams' HTML; for a
 * command button (an Action.Submit with `{command}`, which carries no text), the button's command.
 */
export function commandWords(activity: Partial<Activity>): string[] {
  const button: unknown = activity.value?.command;
  const text = TurnContext.removeRecipientMention(activity) || (typeof button === 'string' ? button : '');
  return text
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(nbsp|amp|lt|gt|quot|#39);/g, (e) => entities[e] ?? e)
    .split(/\s+/)
    .filter(Boolean);
}
