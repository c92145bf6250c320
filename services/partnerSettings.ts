import type { Settings } from '../data/schemas.ts';
import type { Store } from '../data/store.ts';
import type { ActivityLog } from './activityLog.ts';
import { conversationIdOf } from './conversations.ts';
import { Operation } from './operations.ts';
import type { Person } from './people.ts';
import { refusals } from './refusals.ts';
import { requestRefusals } from './requestRefusals.ts';

/** The partner's settings; only Admin Agents change them, and each change is logged (R18). */
export class PartnerSettings {
  constructor(
    private readonly store: Store,
    private readonly log: ActivityLog,
  ) {}

  current(): Promise<Settings> {
    return this.store.settings();
  }

  /** R12: whether Admin Agents are told of each purchase a customer makes. Resolves with whether anything changed. */
  setPurchaseNotifications(person: Person, on: boolean): Promise<boolean> {
    return this.change(person, 'Purchase notifications', { purchaseNotifications: on });
  }

  /**
   * The channel that gets a copy of every approval card, set by typing the command in it (`channel` is
   * where it was typed), or none (`off`).
   */
  async setApprovalsChannel(person: Person, channel: { type: string; reference: Record<string, unknown> } | 'off', now: Date): Promise<boolean> {
    const target = 'Approvals channel';
    if (channel !== 'off' && channel.type !== 'channel' && person.role === 'AdminAgent') {
      const error = requestRefusals.notInChannel();
      await this.log.refused(person, Operation.ChangePartnerSettings, { target }, error);
      throw error;
    }
    return this.change(person, target, { approvalsChannel: channel === 'off' ? undefined : { reference: channel.reference, setBy: person.name, setAt: now.toISOString() } });
  }

  /** How many days a change request waits for a decision; applies to requests made from now on. */
  async setRequestLifetime(person: Person, daysText: string): Promise<boolean> {
    const days = Number(daysText);
    if (!/^\d+$/.test(daysText) || days < 1 || days > 90) {
      const error = requestRefusals.invalidLifetime(daysText);
      await this.log.refused(person, Operation.ChangePartnerSettings, { target: 'Request expiry' }, error);
      throw error;
    }
    return this.change(person, 'Request expiry', { requestLifetimeDays: days });
  }

  private async change(person: Person, target: string, patch: Partial<Settings>): Promise<boolean> {
    if (person.role !== 'AdminAgent') {
      const error = refusals.adminOnly(person, 'change the bot\'s settings', (await this.store.partner()).name);
      await this.log.refused(person, Operation.ChangePartnerSettings, { target }, error);
      throw error;
    }
    return this.store.transaction(async (tx) => {
      const before = await tx.settings();
      const keys = Object.keys(patch) as (keyof Settings)[];
      const shown = (settings: Partial<Settings>) => Object.fromEntries(keys.map((k) => [k, k === 'approvalsChannel' ? channelOf(settings) : settings[k]]));
      const same = JSON.stringify(shown(before)) === JSON.stringify(shown(patch));
      if (same) return false;
      const after = { ...before, ...patch };
      if (after.approvalsChannel === undefined) delete after.approvalsChannel;
      await tx.saveSettings(after);
      await this.log.succeeded(tx, person, Operation.ChangePartnerSettings, { target, before: shown(before), after: shown(patch) });
      return true;
    });
  }
}

/** The approvals channel as the log shows it: its conversation id, or none. */
function channelOf(settings: Partial<Settings>): string {
  return settings.approvalsChannel ? String(conversationIdOf(settings.approvalsChannel.reference)) : 'none';
}
