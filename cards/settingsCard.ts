import type { Settings } from '../data/schemas.ts';
import { usageMarkdown } from '../services/usageMarkdown.ts';
import { adaptiveCard, executeAction, heading, noticeBlock, type AdaptiveCard, type Notice } from './adaptiveCard.ts';
import { factSet, formatTime, note, onOff, plural } from './format.ts';

export const settingsSetVerb = 'settings.set';

export interface SettingsCardModel {
  partnerName: string;
  settings: Settings;
  /** Admin Agents get the switch; everyone else sees the settings read-only. */
  canChange: boolean;
  notice?: Notice;
}

/** The partner's settings of the bot. */
export function settingsCard({ partnerName, settings, canChange, notice }: SettingsCardModel): AdaptiveCard {
  const on = settings.purchaseNotifications;
  return adaptiveCard(
    [
      ...heading('Settings', partnerName),
      ...(notice ? [noticeBlock(notice)] : []),
      factSet([
        ['Purchase notifications', onOff(on)],
        ['Approvals channel', settings.approvalsChannel ? `Set by ${settings.approvalsChannel.setBy} on ${formatTime(settings.approvalsChannel.setAt)}` : 'None'],
        ['Request expiry', `${plural(settings.requestLifetimeDays, 'day')} without a decision (one reminder at half time)`],
      ]),
      note(
        'When on, every Admin Agent who has a personal chat with the bot gets a short card each time a customer buys a reservation itself. Partner Center does not tell you of those purchases; the activity log has them either way.',
      ),
      note(
        `Change requests go, as approval cards, to every Admin Agent who has a personal chat with the bot, and to the approvals channel if one is set: type \`settings approvals-channel\` in that channel, or \`settings approvals-channel off\`. ${usageMarkdown('settings request-expiry <days>')} sets how long a request waits.`,
      ),
      ...(canChange ? [] : [note('Only Admin Agents can change settings.')]),
    ],
    canChange ? [executeAction(on ? 'Turn notifications off' : 'Turn notifications on', settingsSetVerb, { purchaseNotifications: !on }, on ? 'destructive' : 'positive')] : [],
  );
}
