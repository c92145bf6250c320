import { z } from 'zod';
import type { Notice } from '../../cards/adaptiveCard.ts';
import { settingsCard } from '../../cards/settingsCard.ts';
import type { Person } from '../../services/people.ts';
import type { Services } from '../../services/services.ts';
import { cardReply } from '../replies.ts';
import { agentRoles, defineCommand, onOffWord } from './command.ts';

/** The partner's settings: shown to agents, changed by Admin Agents (R12 purchase notifications). */
export const settingsCommand = defineCommand({
  name: 'settings',
  summary: 'The bot\'s settings for the partner, such as purchase notifications',
  usage: 'settings [notifications on|off]',
  examples: ['settings', 'settings notifications on'],
  roles: agentRoles,
  args: z.union([
    z.tuple([]).transform(() => ({ notifications: undefined })),
    z.tuple([z.string().toLowerCase().pipe(z.literal('notifications', { error: 'the setting is called notifications' })), onOffWord]).transform(([, state]) => ({ notifications: state === 'on' })),
  ], { error: 'say `settings`, or `settings notifications on` or `off`' }),
  async run({ person, services }, { notifications }) {
    if (notifications === undefined) return [cardReply(settingsFor(services, person))];
    const changed = await services.settings.setPurchaseNotifications(person, notifications);
    return [cardReply(settingsFor(services, person, settingsNotice(notifications, changed)))];
  },
});

export function settingsFor(services: Services, person: Person, notice?: Notice) {
  return settingsCard({ partnerName: services.directory.partner().name, settings: services.settings.current(), canChange: person.role === 'AdminAgent', notice });
}

export function settingsNotice(on: boolean, changed: boolean): Notice {
  if (!changed) return { tone: 'good', text: `Purchase notifications were already ${on ? 'on' : 'off'}; nothing changed.` };
  return { tone: 'good', text: on ? 'Purchase notifications are on: Admin Agents will get a card for each purchase a customer makes.' : 'Purchase notifications are off.' };
}
