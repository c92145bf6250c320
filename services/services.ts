import type { ActivityLogRepository, ChangeRequestRepository, ConversationRepository, DirectoryRepository, PurchaseRepository } from '../data/repository.ts';
import { ActivityLog } from './activityLog.ts';
import type { Clock } from './clock.ts';
import { Conversations } from './conversations.ts';
import { PartnerSettings } from './partnerSettings.ts';
import { PriceList } from './priceList.ts';
import type { Messenger } from './messenger.ts';
import { PurchaseNotifications } from './purchaseNotifications.ts';
import { ChangeRequests } from './changeRequests.ts';
import { RequestClosing } from './requestClosing.ts';
import { RequestDelivery } from './requestDelivery.ts';
import { Renewals } from './renewals.ts';
import { PurchasePermissions } from './purchasePermission.ts';
import { Purchases } from './purchases.ts';
import { Strangers } from './strangers.ts';

/** Everything the bot (or any other front end) calls; built once per process from a store and a clock. */
export interface Services {
  directory: DirectoryRepository;
  activity: ActivityLog;
  permissions: PurchasePermissions;
  purchases: Purchases;
  requests: ChangeRequests;
  renewals: Renewals;
  prices: PriceList;
  settings: PartnerSettings;
  conversations: Conversations;
  strangers: Strangers;
  clock: Clock;
}

export interface StoreRepositories {
  directory: DirectoryRepository;
  purchases: PurchaseRepository;
  conversations: ConversationRepository;
  requests: ChangeRequestRepository;
  log: ActivityLogRepository;
}

/** `messenger` delivers what the bot says first (purchase notices, request cards); the bot's proactive messages in production. */
export function createServices(store: StoreRepositories, clock: Clock, messenger: Messenger): Services {
  const activity = new ActivityLog(store.log, clock);
  const notifications = new PurchaseNotifications(store.directory, store.conversations, messenger);
  const delivery = new RequestDelivery(store.directory, store.conversations, store.purchases, store.requests, messenger);
  return {
    directory: store.directory,
    activity,
    permissions: new PurchasePermissions(store.directory, activity, clock),
    purchases: new Purchases(store.directory, store.purchases, activity, clock, notifications),
    requests: new ChangeRequests(store.directory, store.purchases, store.requests, activity, clock, delivery, new RequestClosing(store.directory, store.requests, activity, clock, delivery)),
    renewals: new Renewals(store.directory, store.purchases, store.requests, activity, clock),
    prices: new PriceList(store.directory, activity),
    settings: new PartnerSettings(store.directory, activity),
    conversations: new Conversations(store.conversations, clock),
    strangers: new Strangers(store.directory, activity),
    clock,
  };
}
