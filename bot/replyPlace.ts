import type { Person } from '../services/people.ts';
import type { Services } from '../services/services.ts';
import { threadless, type ChatPlace } from './chatPlace.ts';
import type { Shows } from './commands/command.ts';

/**
 * R20, decided here and nowhere else: whether an answer that shows `shows` may be posted where it was asked. A personal
 * chat shows whatever the asker may see. A group chat, a meeting chat or a channel shows only what every member may
 * see: what is general, and what a customer user asked of their own account. The partner's approvals channel, in the
 * partner's own tenant, is for agents. Anything else goes to the asker privately.
 */
export function mayShowHere(shows: Shows, person: Person, place: ChatPlace, services: Services): boolean {
  if (place.type === 'personal' || shows === 'general') return true;
  if (person.kind === 'agent' && isApprovalsChannel(place, services)) return true;
  return shows === 'account' && person.kind === 'customerUser';
}

function isApprovalsChannel(place: ChatPlace, services: Services): boolean {
  const channel = services.settings.current().approvalsChannel;
  const here = place.reference.conversation as { id?: string; tenantId?: string } | undefined;
  const there = channel?.reference.conversation as { id?: string } | undefined;
  if (place.type !== 'channel' || !here?.id || !there?.id) return false;
  return here.tenantId === services.directory.partner().tenantId && threadless(here.id) === threadless(there.id);
}
