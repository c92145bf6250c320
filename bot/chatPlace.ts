import { TurnContext, type Activity } from 'botbuilder';

/** Where an activity came from: the kind of conversation and its reference, for writing there again later. */
export interface ChatPlace {
  /** 'personal', 'channel' or 'groupChat'. */
  type: string;
  /** The conversation reference without the id of the activity that carried it, which is no part of where to write. */
  reference: Record<string, unknown>;
  /** For a card click: the id of the message that holds the card, to update that card later. */
  cardActivityId?: string;
}

/**
 * The conversation id without the thread: Teams gives a message typed in a channel thread an id ending in
 * ";messageid=<thread>", and cards sent to the id without it start threads of their own.
 */
export const threadless = (conversationId: string) => conversationId.replace(/;messageid=\d+$/, '');

export function chatPlace(activity: Partial<Activity>): ChatPlace {
  const { activityId: _, ...reference } = TurnContext.getConversationReference(activity);
  return { type: activity.conversation?.conversationType ?? 'personal', reference, ...(activity.replyToId ? { cardActivityId: activity.replyToId } : {}) };
}
