import type { Person } from '../services/people.ts';
import type { Services } from '../services/services.ts';
import { threadless, type ChatPlace } from './chatPlace.ts';
import type { Shows } from './commands/command.ts';

/**
 * R20, decided here and nowhere else: whether an answer that shows `shows` may be posted where it was asked. A personal
 * chat shows whatever the asker may see. A group chat, a meeting chat or a channel shows only what every member may
 * see: what is general, and what a customer user asked of their own account. The partner's approvals channel is for
 * agents (it is in the partner's own tenant: an agent is known only by an activity of that tenant, see speaker.ts).
 * Anything else goes to the asker privately.
 */
export async function mayShowHere(shows: Shows, person: Person, place: ChatPlace, services: Services): Promise<boolean> {
  if (place.type === 'personal' || shows === 'general') return true;
  if (person.kind === 'agent' && (await isApprovalsChannel(place, services))) return true;
  return shows === 'account' && person.kind === 'customerUser';
}

async function isApprovalsChannel(place: ChatPlace, services: Services): Promise<boolean> {
  const channel = (await services.settings.current()).approvalsChannel;
  const here = place.reference.conversation as { id?: string } | undefined;
  const there = channel?.reference.conversation as { id?: string } | undefined;
  return place.type === 'channel' && here?.id !== undefined && there?.id !== undefined && threadless(here.id) === threadless(there.id);
}
