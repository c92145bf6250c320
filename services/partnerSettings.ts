import type { DirectoryRepository } from '../data/repository.ts';
import type { Settings } from '../data/schemas.ts';
import type { ActivityLog } from './activityLog.ts';
import { Operation } from './operations.ts';
import type { Person } from './people.ts';
import { refusals } from './refusals.ts';

/** The partner's settings; only Admin Agents change them, and each change is logged (R18). */
export class PartnerSettings {
  constructor(
    private readonly directory: DirectoryRepository,
    private readonly log: ActivityLog,
  ) {}

  current(): Settings {
    return this.directory.settings();
  }

  /** R12: whether Admin Agents are told of each purchase a customer makes. Resolves with whether anything changed. */
  async setPurchaseNotifications(person: Person, on: boolean): Promise<boolean> {
    const target = 'Purchase notifications';
    if (person.role !== 'AdminAgent') {
      const error = refusals.adminOnly(person, 'change the bot\'s settings', this.directory.partner().name);
      await this.log.refused(person, Operation.ChangePartnerSettings, { target }, error);
      throw error;
    }
    const before = this.directory.settings();
    if (before.purchaseNotifications === on) return false;
    await this.directory.setSettings({ ...before, purchaseNotifications: on });
    await this.log.succeeded(person, Operation.ChangePartnerSettings, { target, before: { purchaseNotifications: before.purchaseNotifications }, after: { purchaseNotifications: on } });
    return true;
  }
}
