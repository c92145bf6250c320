import type { ActivityLogRepository, ConversationRepository, DirectoryRepository, PurchaseRepository } from '../data/repository.ts';
import { ActivityLog } from './activityLog.ts';
import type { Clock } from './clock.ts';
import { Conversations } from './conversations.ts';
import { PartnerSettings } from './partnerSettings.ts';
import { PriceList } from './priceList.ts';
import { PurchaseNotifications, type Messenger } from './purchaseNotifications.ts';
import { PurchasePermissions } from './purchasePermission.ts';
import { Purchases } from './purchases.ts';

/** Everything the bot (or any other front end) calls; built once per process from a store and a clock. */
export interface Services {
  directory: DirectoryRepository;
  activity: ActivityLog;
  permissions: PurchasePermissions;
  purchases: Purchases;
  prices: PriceList;
  settings: PartnerSettings;
  conversations: Conversations;
  clock: Clock;
}

export interface StoreRepositories {
  directory: DirectoryRepository;
  purchases: PurchaseRepository;
  conversations: ConversationRepository;
  log: ActivityLogRepository;
}

/** `messenger` delivers what the bot says first (purchase notices); the bot's proactive messages in production. */
export function createServices(store: StoreRepositories, clock: Clock, messenger: Messenger): Services {
  const activity = new ActivityLog(store.log, clock);
  const notifications = new PurchaseNotifications(store.directory, store.conversations, messenger);
  return {
    directory: store.directory,
    activity,
    permissions: new PurchasePermissions(store.directory, activity, clock),
    purchases: new Purchases(store.directory, store.purchases, activity, clock, notifications),
    prices: new PriceList(store.directory, activity),
    settings: new PartnerSettings(store.directory, activity),
    conversations: new Conversations(store.conversations, clock),
    clock,
  };
}
