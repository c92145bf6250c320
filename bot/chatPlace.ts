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

export function chatPlace(activity: Partial<Activity>): ChatPlace {
  const { activityId: _, ...reference } = TurnContext.getConversationReference(activity);
  return { type: activity.conversation?.conversationType ?? 'personal', reference, ...(activity.replyToId ? { cardActivityId: activity.replyToId } : {}) };
}
