import { z } from 'zod';
import { Operation } from '../../services/operations.ts';
import type { Notice } from '../../cards/adaptiveCard.ts';
import { settingsCard } from '../../cards/settingsCard.ts';
import type { Person } from '../../services/people.ts';
import type { Services } from '../../services/services.ts';
import { threadless, type ChatPlace } from '../chatPlace.ts';
import { cardReply } from '../replies.ts';
import { agentRoles, defineCommand } from './command.ts';

const usage = 'settings [notifications on|off | approvals-channel [off] | request-expiry <days>]';

type SettingsArgs =
  | { setting: 'show' }
  | { setting: 'notifications'; on: boolean }
  | { setting: 'approvals-channel'; off: boolean }
  | { setting: 'request-expiry'; days: string };

/** The partner's settings: shown to agents, changed by Admin Agents (R12 purchase notifications, where approvals go, how long requests wait). */
export const settingsCommand = defineCommand({
  name: 'settings',
  summary: 'The bot\'s settings for the partner: purchase notifications, the approvals channel, request expiry',
  menu: ['personal', 'team'],
  usage,
  examples: ['settings', 'settings notifications on', 'settings approvals-channel', 'settings request-expiry 7'],
  roles: agentRoles,
  shows: 'partner',
  writes: (words) => (words.length ? Operation.ChangePartnerSettings : undefined),
  args: z.array(z.string()).transform((words, ctx): SettingsArgs => {
    const [name, value, ...more] = words.map((w) => w.toLowerCase());
    if (!name) return { setting: 'show' };
    if (!more.length) {
      if (name === 'notifications' && (value === 'on' || value === 'off')) return { setting: name, on: value === 'on' };
      if (name === 'approvals-channel' && (value === undefined || value === 'off')) return { setting: name, off: value === 'off' };
      if (name === 'request-expiry' && value !== undefined) return { setting: name, days: value };
    }
    ctx.addIssue({ code: 'custom', message: 'say `settings`, `settings notifications on` or `off`, `settings approvals-channel` (in that channel) or `settings approvals-channel off`, or `settings request-expiry 7` (days)' });
    return z.NEVER;
  }),
  async run({ person, services, place }, args) {
    const show = async (notice?: Notice) => [cardReply(await settingsFor(services, person, notice))];
    switch (args.setting) {
      case 'show':
        return show();
      case 'notifications':
        return show(settingsNotice(args.on, await services.settings.setPurchaseNotifications(person, args.on)));
      case 'approvals-channel': {
        const changed = await services.settings.setApprovalsChannel(person, args.off ? 'off' : channelPlace(place), services.clock());
        const text = args.off
          ? changed
            ? 'Approval cards no longer go to a channel.'
            : 'Approval cards did not go to a channel; nothing changed.'
          : `This channel ${changed ? 'now gets' : 'already got'} a copy of every change request's approval card${changed ? '' : '; nothing changed'}.`;
        return show({ tone: 'good', text });
      }
      case 'request-expiry': {
        const changed = await services.settings.setRequestLifetime(person, args.days);
        const days = (await services.settings.current()).requestLifetimeDays;
        return show({ tone: 'good', text: `Change requests made from now on expire after ${days} days without a decision${changed ? '' : ' (as before; nothing changed)'}.` });
      }
    }
  },
});

/** Where approval cards go when the command is typed in a channel: the channel itself, not the thread it was typed in. */
function channelPlace(place: ChatPlace): ChatPlace {
  const conversation = place.reference.conversation as { id?: string } | undefined;
  if (!conversation?.id) return place;
  return { ...place, reference: { ...place.reference, conversation: { ...conversation, id: threadless(conversation.id) } } };
}

export async function settingsFor(services: Services, person: Person, notice?: Notice) {
  return settingsCard({ partnerName: (await services.directory.partnerName()), settings: await services.settings.current(), canChange: person.role === 'AdminAgent', notice });
}

export function settingsNotice(on: boolean, changed: boolean): Notice {
  if (!changed) return { tone: 'good', text: `Purchase notifications were already ${on ? 'on' : 'off'}; nothing changed.` };
  return { tone: 'good', text: on ? 'Purchase notifications are on: Admin Agents will get a card for each purchase a customer makes.' : 'Purchase notifications are off.' };
}
