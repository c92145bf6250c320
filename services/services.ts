import type { ActivityLogRepository, DirectoryRepository } from '../data/repository.ts';
import { ActivityLog } from './activityLog.ts';
import type { Clock } from './clock.ts';
import { PurchasePermissions } from './purchasePermission.ts';

/** Everything the bot (or any other front end) calls; built once per process from a store and a clock. */
export interface Services {
  directory: DirectoryRepository;
  activity: ActivityLog;
  permissions: PurchasePermissions;
  clock: Clock;
}

export function createServices(store: { directory: DirectoryRepository; log: ActivityLogRepository }, clock: Clock): Services {
  const activity = new ActivityLog(store.log, clock);
  return { directory: store.directory, activity, permissions: new PurchasePermissions(store.directory, activity, clock), clock };
}
