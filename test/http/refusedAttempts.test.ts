import { expect } from 'chai';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { LogEntry } from '../../data/schemas.ts';
import { maxReasonLength, maxTargetLength } from '../../services/activityLog.ts';
import { Operation } from '../../services/operations.ts';
import { notKnownText } from '../../bot/speaker.ts';
import { startHttpBot, type HttpBot } from '../helpers/httpBot.ts';
import { shownText } from '../helpers/shown.ts';
import { testEntra, type TestEntra } from '../helpers/testTokens.ts';
import { expectRefusal, permissionsOf, tokenClient } from '../helpers/tokenClient.ts';
import { contosoId, partnerTenant, people, personOf, type TestUser } from '../helpers/testWorld.ts';

const { admin: ada, sales: sam, contosoUser: carl, stranger } = people;
/** Someone of Contoso's tenant the directory does not know: their attempts are about Contoso. */
const contosoStranger: TestUser = { tenantId: contosoId, userId: 'contoso-newcomer', name: 'Connie Owner' };
const unknownActor = (user: TestUser) => ({ tenantId: user.tenantId, userId: user.userId, name: 'Unknown user', role: 'Unknown' });

/** How many bytes the files in a folder (and its subfolders) hold: what a store keeps on disk, whatever its layout. */
async function bytesIn(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    total += entry.isDirectory() ? await bytesIn(path) : entry.isFile() ? (await stat(path)).size : 0;
  }
  return total;
}

describe('R18: every refused attempt to change something is in the log, whoever tries it, and only as an excerpt', () => {
  let bot: HttpBot;
  let entra: TestEntra;
  before(async () => {
    entra = await testEntra();
  });
  beforeEach(async () => {
    bot = await startHttpBot(undefined, { trusted: [entra.trusted] });
  });
  afterEach(() => bot.close());

  const { call } = tokenClient(() => entra);
  const logSize = () => bot.world.services.activity.size();
  const newest = async (): Promise<LogEntry> => (await bot.world.services.activity.read(await personOf(bot.world.services, ada), {}, 1))[0]!;
  const said = async (user: TestUser, text: string) => (await bot.say(user, text)).map(shownText).join('\n');

  describe('someone the directory does not know, in chat', () => {
    const attempts: [TestUser, string, string, string | undefined][] = [
      [stranger, 'permission on contoso ltd', Operation.CreateCustomerPurchasePermissions, undefined],
      [stranger, 'disable tailspin', Operation.DeleteCustomerPurchasePermissions, undefined],
      [stranger, 'price Standard_D2s_v5 eastus 1y 1', Operation.SetPartnerPrice, undefined],
      [contosoStranger, 'buy', Operation.PurchaseReservation, contosoId],
      [contosoStranger, 'cancel R-1001', Operation.RequestChange, contosoId],
    ];
    for (const [who, text, operation, customerId] of attempts) {
      it(`\`${text}\` by ${who.userId} (tenant ${who.tenantId}): refused politely, logged with the ids Teams gave and none of the name it showed`, async () => {
        const permissions = await permissionsOf(bot);
        expect(await said(who, text)).to.equal(notKnownText);
        expect(await permissionsOf(bot)).to.deep.equal(permissions);
        const entry = await newest();
        expect(entry).to.deep.include({ operation, outcome: 'Refused', actor: unknownActor(who), target: text });
        expect(entry.customerId).to.equal(customerId);
        expect(entry.reason?.code).to.equal('UNKNOWN_PERSON');
      });
    }

    it('what only shows something is not an attempt to change anything: nothing is logged', async () => {
      const size = await logSize();
      for (const text of ['help', 'customers', 'log', 'prices', 'hello there']) expect(await said(stranger, text)).to.equal(notKnownText);
      expect(await logSize()).to.equal(size);
    });

    it('a click on a button that changes something is logged as a card action; a refresh or a page turn is not', async () => {
      const size = await logSize();
      await bot.click(stranger, 'request.refresh', { requestId: 'REQ-1001' });
      await bot.click(stranger, 'customers.page', { page: 2 });
      expect(await logSize()).to.equal(size);
      await bot.click(stranger, 'permission.set', { customerId: contosoId, enabled: true });
      expect(await newest()).to.deep.include({ operation: Operation.CardAction, outcome: 'Refused', actor: unknownActor(stranger), target: 'button permission.set' });
      expect((await permissionsOf(bot))[contosoId]).to.equal(false);
    });
  });

  describe('a customer user trying what is not theirs to do', () => {
    it('`settings notifications on` is refused and logged against their own customer; `settings` alone only shows, so it is not logged', async () => {
      expect(await said(carl, 'settings notifications on')).to.match(/^`settings` is not available to you as a customer user/);
      expect((await bot.world.services.settings.current()).purchaseNotifications).to.equal(false);
      expect(await newest()).to.deep.include({ operation: Operation.ChangePartnerSettings, outcome: 'Refused', customerId: contosoId, target: 'settings notifications on' });
      const size = await logSize();
      expect(await said(carl, 'settings')).to.match(/not available to you/);
      expect(await logSize()).to.equal(size);
    });

    it('`buy for fabrikam` is refused without a word about Fabrikam, and logged against their own customer', async () => {
      const reply = await said(carl, 'buy for fabrikam');
      expect(reply).to.equal('You can buy reservations only for your own organisation, Contoso Ltd. Type `buy` to start.');
      const entry = await newest();
      expect(entry).to.deep.include({ operation: Operation.PurchaseReservation, outcome: 'Refused', customerId: contosoId });
      expect(entry.actor).to.include({ userId: carl.userId, role: 'CustomerUser' });
    });
  });

  it('the dashboard: a switch clicked by someone the directory does not know is a 403, logged with their token\'s ids', async () => {
    const ghost: TestUser = { tenantId: partnerTenant, userId: 'ghost-7', name: 'Ada Admin' };
    const answer = await call(bot, ghost, 'PUT', `/dashboard/api/customers/${contosoId}/permission`, { enabled: true });
    expectRefusal(answer, 403, 'UNKNOWN_PERSON', /does not know you \(tenant partner-tenant, user ghost-7\)/);
    expect(await newest()).to.deep.include({ operation: Operation.CreateCustomerPurchasePermissions, outcome: 'Refused', actor: unknownActor(ghost), target: `customer ${contosoId}` });
    expect((await permissionsOf(bot))[contosoId]).to.equal(false);
  });

  describe('item 6: what a person typed is kept, and echoed, only as a short excerpt', () => {
    const huge = 'x'.repeat(200_000);

    it('a refused 200 KB command adds an entry of a few hundred bytes to the append-only log', async () => {
      const before = await bytesIn(bot.world.dataDir);
      await bot.say(sam, `permission on ${huge}`);
      const entry = await newest();
      expect(entry).to.deep.include({ operation: Operation.CreateCustomerPurchasePermissions, outcome: 'Refused' });
      expect(entry.target).to.have.length.at.most(maxTargetLength).and.match(/^customer x+…$/);
      expect(entry.reason!.message).to.have.length.at.most(maxReasonLength);
      expect(JSON.stringify(entry).length, 'the entry as kept').to.be.below(2048);
      // The embedded store's files; on PostgreSQL the folder stays empty, and the entry's JSON above is what its row keeps.
      if (bot.world.backend === 'embedded') expect((await bytesIn(bot.world.dataDir)) - before, 'what the store keeps on disk grew by about the entry').to.be.below(2048);
    });

    it('a 200 KB customer name is quoted back in a few words', async () => {
      const reply = await said(ada, `customer ${huge}`);
      expect(reply).to.match(/^No customer matches "x+…"\. Type `customers`/);
      expect(reply.length).to.be.below(300);
    });
  });
});
