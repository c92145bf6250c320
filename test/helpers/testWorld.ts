import type { StoreInput, World, WorldInput } from '../../data/schemas.ts';
import { worldSchema } from '../../data/schemas.ts';
import type { Store, StoreReads } from '../../data/store.ts';
import type { Clock } from '../../services/clock.ts';
import type { DeliveryPolicy } from '../../services/deliveryWorker.ts';
import type { ExecutionPolicy } from '../../services/changesInAzure.ts';
import type { Person } from '../../services/people.ts';
import { createServices, type Services } from '../../services/services.ts';
import { importWorld } from '../../services/worldImport.ts';
import { fixedClock } from './fixedClock.ts';
import { RecordingMessenger } from './recordingMessenger.ts';
import type { Messenger } from '../../services/messenger.ts';
import type { MicrosoftCloud } from '../../services/microsoftCloud.ts';
import { createStorePlace, type Backend, type OpenOptions, type StorePlace } from './storePlace.ts';

export const partnerTenant = 'partner-tenant';
export const contosoId = 'contoso-tenant';
export const fabrikamId = 'fabrikam-tenant';
export const northwindId = 'northwind-tenant';
export const tailspinId = 'tailspin-tenant';

/** People of the test world, as the ids Teams would put on their activities. */
export const people = {
  admin: { tenantId: partnerTenant, userId: 'admin-1', name: 'Ada Admin' },
  admin2: { tenantId: partnerTenant, userId: 'admin-2', name: 'Abe Admin' },
  sales: { tenantId: partnerTenant, userId: 'sales-1', name: 'Sam Sales' },
  helpdesk: { tenantId: partnerTenant, userId: 'help-1', name: 'Hal Helpdesk' },
  contosoOwner: { tenantId: contosoId, userId: 'contoso-owner', name: 'Connie Owner' },
  contosoUser: { tenantId: contosoId, userId: 'contoso-user', name: 'Carl User' },
  fabrikamUser: { tenantId: fabrikamId, userId: 'fabrikam-user', name: 'Fay User' },
  stranger: { tenantId: 'unknown-tenant', userId: 'stranger', name: 'Ada Admin' },
} as const;

/** A chat user as Teams identifies them: tenant id and aadObjectId (the name is only shown, never trusted). */
export interface TestUser {
  tenantId: string;
  userId: string;
  name: string;
}

/**
 * Contoso: Azure Plan with an Owner (permission off). Contoso Pharma: a second "contoso".
 * Fabrikam: Azure Plan without Owners. Northwind: no Azure subscription. Tailspin: permission on.
 */
export function testWorld(): WorldInput {
  return {
    partner: {
      tenantId: partnerTenant,
      name: 'Test Partner',
      agents: [
        { userId: 'admin-1', name: 'Ada Admin', role: 'AdminAgent' },
        { userId: 'admin-2', name: 'Abe Admin', role: 'AdminAgent' },
        { userId: 'sales-1', name: 'Sam Sales', role: 'SalesAgent' },
        { userId: 'help-1', name: 'Hal Helpdesk', role: 'HelpDeskAgent' },
      ],
    },
    customers: [
      {
        id: contosoId,
        name: 'Contoso Ltd',
        domain: 'contoso.example',
        users: [
          { userId: 'contoso-owner', name: 'Connie Owner' },
          { userId: 'contoso-user', name: 'Carl User' },
        ],
        subscriptions: [
          { id: 'sub-contoso-plan', name: 'Contoso Plan', offer: 'AzurePlan', usageBased: true, status: 'active', owners: ['contoso-owner'] },
          { id: 'sub-contoso-m365', offer: 'Microsoft365E3', usageBased: false, status: 'active', owners: [] },
        ],
        managementGroups: [{ id: 'contoso-mg', name: 'Contoso Root' }],
      },
      {
        id: 'contoso-pharma-tenant',
        name: 'Contoso Pharma',
        domain: 'contosopharma.example',
        users: [],
        subscriptions: [{ id: 'sub-pharma', offer: 'AzureGlobal', usageBased: true, status: 'active', owners: [] }],
      },
      {
        id: fabrikamId,
        name: 'Fabrikam Inc',
        domain: 'fabrikam.example',
        users: [{ userId: 'fabrikam-user', name: 'Fay User' }],
        subscriptions: [{ id: 'sub-fabrikam-plan', offer: 'AzurePlan', usageBased: true, status: 'active', owners: [] }],
      },
      {
        id: northwindId,
        name: 'Northwind Traders',
        domain: 'northwind.example',
        users: [],
        subscriptions: [
          { id: 'sub-northwind-m365', offer: 'Microsoft365E3', usageBased: false, status: 'active', owners: [] },
          { id: 'sub-northwind-suspended', offer: 'AzurePlan', usageBased: true, status: 'suspended', owners: [] },
        ],
      },
      {
        id: tailspinId,
        name: 'Tailspin Toys',
        domain: 'tailspin.example',
        users: [{ userId: 'tailspin-owner', name: 'Tia Owner' }],
        subscriptions: [{ id: 'sub-tailspin-plan', offer: 'AzurePlan', usageBased: true, status: 'active', owners: ['tailspin-owner'] }],
        purchasePermission: true,
      },
    ],
    // Virtual Machines are compute that Azure savings plans cover (R17: not exchanged if bought from 2027-02-01).
    products: [{ sku: 'Standard_D2s_v5', name: 'Virtual Machines D2s v5', type: 'VirtualMachines', savingsPlanCovered: true }],
    prices: [
      { sku: 'Standard_D2s_v5', region: 'eastus', term: 'P1Y', partnerPrice: 600, webDirectPrice: 700, currency: 'USD' },
      { sku: 'Standard_D2s_v5', region: 'eastus', term: 'P3Y', webDirectPrice: 1500, currency: 'USD' },
      { sku: 'Standard_D2s_v5', region: 'westeurope', term: 'P1Y', partnerPrice: 650.5, webDirectPrice: 750, currency: 'USD' },
    ],
  };
}

/** The test world as store.json holds it (schema version 2): every permission off except Tailspin's. */
export function testStoreData(): StoreInput {
  const world = worldSchema.parse(testWorld());
  return {
    schemaVersion: 2,
    partner: world.partner,
    products: world.products,
    prices: world.prices,
    // A store of that version has no savings plan permission: it reads as off.
    customers: world.customers.map(({ purchasePermission, savingsPlanPermission: _savingsPlan, ...c }) => ({ ...c, purchasePermission: { enabled: purchasePermission } })),
  };
}

export type FixedClock = ReturnType<typeof fixedClock>;

export interface TestStore {
  /** The store's backend: the suite's (TEST_STORE=postgres: PostgreSQL). */
  backend: Backend;
  /** A temporary folder of the test's own: the embedded store's files, and whatever a test puts there. */
  dataDir: string;
  store: Store;
  services: Services;
  /** What the services sent first (purchase notices, request cards, texts), when the test did not give its own messenger. */
  messenger: RecordingMessenger;
  clock: FixedClock;
  /**
   * Sends what the outbox holds that is due now, as the bot's delivery worker does after each answer; resolves with
   * how many were sent. A test awaits it before it checks what the messenger got.
   */
  delivered(): Promise<number>;
  /** Stops the delivery worker and closes the store, as a stopping bot does (a restart); dispose() then only deletes the folder. */
  close(): Promise<void>;
  /**
   * Opens the same store again, as a restarted bot does (the embedded store only after close(): the folder's lock);
   * the test closes what it opens.
   */
  reopen(options?: OpenOptions): Promise<Store>;
  /** Closes the store (if still open) and deletes its folder (and its database). */
  dispose(): Promise<void>;
}

export interface TestStoreOptions {
  /** How hard the delivery worker tries (the bot's own policy by default). */
  policy?: DeliveryPolicy;
  /** The suite's backend by default; `embedded` for a test whose store must be the embedded one (a copy's source). */
  backend?: Backend;
  /** The Microsoft cloud the services talk to: the embedded world in the store by default. */
  cloud?: (store: Store) => MicrosoftCloud | Promise<MicrosoftCloud>;
  /** How hard approved changes are retried in Azure (Partner Center mode). */
  changesPolicy?: ExecutionPolicy;
}

/**
 * A fresh store holding `world` (the test world by default), with a fixed clock: the embedded store in a temporary
 * folder, or with TEST_STORE=postgres a PostgreSQL database of its own (and the folder beside it).
 */
export async function openTestStore(world: WorldInput = testWorld(), messenger?: Messenger, options: TestStoreOptions = {}): Promise<TestStore> {
  const recording = new RecordingMessenger();
  const clock = fixedClock();
  const place = await createStorePlace({ backend: options.backend });
  const store = await storeHolding(place, worldSchema.parse(world), clock);
  const services = createServices(store, clock as Clock, messenger ?? recording, options.policy, await options.cloud?.(store), options.changesPolicy);
  let closed: Promise<void> | undefined;
  const close = () =>
    (closed ??= (async () => {
      // A service kicks the worker on the next turn of the event loop: let that kick happen, then wait for it.
      await new Promise((resolve) => setImmediate(resolve));
      await services.changes?.stop();
      await services.deliveries.stop();
      await store.close();
    })());
  return {
    backend: place.backend,
    dataDir: place.dataDir,
    store,
    services,
    messenger: recording,
    clock,
    delivered: () => services.deliveries.deliverDue(),
    close,
    reopen: place.open,
    async dispose() {
      await close();
      await place.dispose();
    },
  };
}

/** The store on `place` with `world` imported; if that fails, the place is given back and the error thrown on. */
async function storeHolding(place: StorePlace, world: World, clock: Clock): Promise<Store> {
  let store: Store | undefined;
  try {
    store = await place.open();
    await importWorld(store, world, 'test world', clock);
    return store;
  } catch (err) {
    await store?.close();
    await place.dispose();
    throw err;
  }
}

/** The Person the services see for a test user, identified against the store (throws if the directory does not know them). */
export async function personOf(services: Services, user: TestUser): Promise<Person> {
  const person = await services.directory.identify(user.tenantId, user.userId);
  if (!person) throw new Error(`${user.name} is not in the test world`);
  return person;
}

const farFuture = '9999-12-31T23:59:59.999Z';

/** Every delivery still pending (due now or later), as the store finds them by their next attempt. */
export const pendingDeliveries = (store: StoreReads) => store.due.deliveries(farFuture, 10_000);

/**
 * What the store holds, read through its async reads: the directory, settings, every customer's reservations and
 * orders, every request and the deliveries about it, the deliveries still pending, and each person's quotes and chat.
 * Two readings compared show whether a step changed anything.
 */
export async function storeContents(store: StoreReads) {
  const partner = await store.partner();
  const customers = await store.customers((await store.customerNames()).map((c) => c.id));
  const everyone = [...partner.agents.map((a) => ({ tenantId: partner.tenantId, userId: a.userId })), ...customers.flatMap((c) => c.users.map((u) => ({ tenantId: c.id, userId: u.userId })))];
  const requests = await store.requests();
  return {
    partner,
    settings: await store.settings(),
    products: await store.products(),
    prices: await store.prices(),
    customers,
    reservations: (await Promise.all(customers.map((c) => store.reservations(c.id)))).flat(),
    orders: (await Promise.all(customers.map((c) => store.orders(c.id)))).flat(),
    requests,
    requestDeliveries: (await Promise.all(requests.map((r) => store.deliveriesAbout(r.id)))).flat(),
    pendingDeliveries: await pendingDeliveries(store),
    quotes: (await Promise.all(everyone.map((p) => store.quotesBy(p.tenantId, p.userId)))).flat(),
    conversations: (await Promise.all(everyone.map((p) => store.conversation(p.tenantId, p.userId)))).filter((c) => c !== undefined),
  };
}
