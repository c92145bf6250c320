import type { Store } from '../data/store.ts';
import { ActivityLog } from './activityLog.ts';
import { ChangeRequests } from './changeRequests.ts';
import { ChangesInAzure, executionPolicy, type ExecutionPolicy } from './changesInAzure.ts';
import type { Clock } from './clock.ts';
import { CloudSync } from './cloudSync.ts';
import { Conversations } from './conversations.ts';
import { DeliveryWorker, deliveryPolicy, type DeliveryPolicy } from './deliveryWorker.ts';
import { EmbeddedCloud } from './embeddedCloud.ts';
import type { MicrosoftCloud } from './microsoftCloud.ts';
import type { Messenger } from './messenger.ts';
import { Outbox } from './outbox.ts';
import { PartnerDirectory } from './partnerDirectory.ts';
import { PartnerSettings } from './partnerSettings.ts';
import { PriceList } from './priceList.ts';
import { PurchaseNotifications } from './purchaseNotifications.ts';
import { PurchasePermissions } from './purchasePermission.ts';
import { Purchases } from './purchases.ts';
import { Renewals } from './renewals.ts';
import { RequestClosing } from './requestClosing.ts';
import { RequestDelivery } from './requestDelivery.ts';
import { Strangers } from './strangers.ts';

/** Everything the bot (or any other front end) calls; built once per process from a store, a clock and a messenger. */
export interface Services {
  directory: PartnerDirectory;
  activity: ActivityLog;
  permissions: PurchasePermissions;
  purchases: Purchases;
  requests: ChangeRequests;
  renewals: Renewals;
  prices: PriceList;
  settings: PartnerSettings;
  conversations: Conversations;
  strangers: Strangers;
  /** Brings customers, subscriptions, permissions and portal purchases in from the Microsoft cloud. */
  sync: CloudSync;
  /** The partner's Partner Center and Azure, or the embedded world. */
  cloud: MicrosoftCloud;
  /** Partner Center mode: carries out approved changes in Azure after the decision (started by the bot; tests call runDue()). */
  changes?: ChangesInAzure;
  /** Sends what the outbox holds, after the answers (started by the bot; tests call deliverDue()). */
  deliveries: DeliveryWorker;
  clock: Clock;
  /** Resolves if the store can be read and written now (/healthz); rejects saying why not. */
  checkStore(): Promise<void>;
}

/**
 * `messenger` delivers what the bot says first (purchase notices, request cards); the bot's proactive messages in
 * production. `cloud` is the partner's Partner Center and Azure, or by default the embedded world in the store.
 */
export function createServices(
  store: Store,
  clock: Clock,
  messenger: Messenger,
  policy: DeliveryPolicy = deliveryPolicy,
  cloud: MicrosoftCloud = new EmbeddedCloud(store),
  changesPolicy: ExecutionPolicy = executionPolicy,
): Services {
  const activity = new ActivityLog(store, clock);
  let deliveries: DeliveryWorker | undefined;
  // Kicked after a commit; it runs once the current turn has had its chance to answer.
  const outbox = new Outbox(clock, () => setImmediate(() => void deliveries?.deliverDue().catch((err: Error) => console.error('Could not deliver the outbox:', err.message))));
  deliveries = new DeliveryWorker(store, messenger, activity, outbox, clock, policy);
  const delivery = new RequestDelivery(outbox);
  const permissions = new PurchasePermissions(store, activity, clock, cloud);
  const notifications = new PurchaseNotifications(outbox);
  const changes = cloud.orders && new ChangesInAzure(store, activity, clock, delivery, outbox, cloud.orders, changesPolicy);
  return {
    directory: new PartnerDirectory(store, cloud),
    activity,
    permissions,
    purchases: new Purchases(store, activity, clock, notifications, outbox, cloud),
    requests: new ChangeRequests(store, activity, clock, delivery, new RequestClosing(store, activity, clock, delivery), outbox, changes),
    renewals: new Renewals(store, activity, clock),
    prices: new PriceList(store, activity),
    settings: new PartnerSettings(store, activity),
    conversations: new Conversations(store, clock),
    strangers: new Strangers(store, activity),
    sync: new CloudSync(store, cloud, activity, permissions, notifications, clock),
    cloud,
    changes,
    deliveries,
    clock,
    checkStore: () => store.check(),
  };
}
