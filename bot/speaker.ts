import type { Activity } from 'botbuilder';
import type { Person } from '../services/people.ts';
import type { Services } from '../services/services.ts';
import type { Identity } from '../services/strangers.ts';

/**
 * Who sent the activity, from the tenant id and aadObjectId Teams puts on it, checked against the
 * directory. Names on the activity are ignored; an activity whose two tenant ids disagree is nobody.
 */
export async function speaker(activity: Partial<Activity>, services: Services): Promise<Person | undefined> {
  const fromChannel: string | undefined = activity.channelData?.tenant?.id;
  const fromConversation = activity.conversation?.tenantId;
  if (fromChannel && fromConversation && fromChannel !== fromConversation) return undefined;
  return services.directory.identify(fromChannel ?? fromConversation, activity.from?.aadObjectId);
}

/** What Teams says of whoever sent the activity, for logging what someone the directory does not know tried (R18). */
export function identityOf(activity: Partial<Activity>): Identity {
  return { tenantId: activity.channelData?.tenant?.id ?? activity.conversation?.tenantId ?? '', userId: activity.from?.aadObjectId ?? activity.from?.id ?? '' };
}

export const notKnownText =
  'Sorry, I don\'t recognise your account, so I can\'t help you here. This bot serves the agents and customers of one Microsoft partner; if you should have access, ask your administrator.';
