import { expect } from 'chai';
import { Operation } from '../../services/operations.ts';
import { turns } from '../helpers/turns.ts';
import { contosoId, fabrikamId, northwindId, openTestStore, people, personOf, testWorld, type TestStore, type TestUser } from '../helpers/testWorld.ts';
import { executeActions, shownText, submitActions } from '../helpers/shown.ts';
import { permissionOf as storedPermission } from '../helpers/storeRecords.ts';
import { setPurchasePermission } from '../helpers/storeWrites.ts';

describe('chat turns (TestAdapter)', () => {
  let t: TestStore;
  let bot: ReturnType<typeof turns>;
  beforeEach(async () => {
    t = await openTestStore();
    bot = turns(t.services);
  });
  afterEach(() => t.dispose());

  const said = async (user: TestUser, text: string) => (await bot.say(user, text)).map(shownText).join('\n---\n');
  const permissionOf = (id: string) => storedPermission(t.store, id);
  const logOf = async (user: TestUser) => t.services.activity.read(await personOf(t.services, user), {}, 50);

  /** [who, says, the reply must match, the reply must not match] */
  const table: [string, TestUser, string, RegExp[], RegExp[]][] = [
    ['help is case-insensitive too', people.contosoOwner, 'HELP', [/Here is what you can ask me/, /\*\*log\*\*/], []],
    ['an unknown command gets the closest one and an example', people.admin, 'custmers', [/I don't know the command `custmers`/, /Did you mean `customers`\? For example: `customers`/], []],
    ['words that are names on every JavaScript object are unknown commands, not a crash', people.admin, 'constructor', [/I don't know the command `constructor`/], []],
    ['help for such a word says there is no such command', people.admin, 'help constructor', [/I don't have a command called `constructor`/], []],
    ['a command is case-insensitive', people.sales, 'CUSTOMERS', [/Contoso Ltd/, /Fabrikam Inc/, /Northwind Traders/, /Tailspin Toys/, /Off \(Azure Plan suspended\)/], [/no Azure Plan/]],
    ['customer without a name asks which', people.admin, 'customer', [/Which customer\? For example: `customer fabrikam`/], []],
    ['an ambiguous name gets a choice, not a guess', people.admin, 'customer contoso', [/Several customers match "contoso"/, /Contoso Ltd/, /Contoso Pharma/], [/Subscriptions/]],
    ['an unknown customer says how to find one', people.admin, 'customer globex', [/No customer matches "globex"/, /`customers`/], []],
    ['permission without a customer shows usage', people.admin, 'permission on', [/name the customer/], []],
    ['customers with a bad page shows usage', people.admin, 'customers page two', [/the page must be a whole number/], []],
    ['a customer user cannot list customers', people.contosoOwner, 'customers', [/not available to you as a customer user/], [/Fabrikam/]],
    ['a customer user gets their own account', people.contosoOwner, 'customer', [/Contoso Ltd/, /Contoso Plan/, /Only Test Partner can change this permission/], [/Turn on/]],
    ['a customer user asking for another customer gets nothing of it', people.contosoOwner, 'customer fabrikam', [/You can see only Contoso Ltd' account|You can see only Contoso Ltd's account/], [/Fabrikam/i, new RegExp(fabrikamId)]],
    ['a customer user asking for "contoso" is not offered Contoso Pharma', people.contosoOwner, 'customer contoso', [/Contoso Ltd/], [/Pharma/]],
    ['a stranger is told politely, and nothing else, even with an agent\'s name', people.stranger, 'customers', [/don't recognise your account/], [/Contoso|Fabrikam|Test Partner/]],
  ];
  for (const [title, user, text, must, mustNot] of table) {
    it(title, async () => {
      const reply = await said(user, text);
      for (const re of must) expect(reply).to.match(re);
      for (const re of mustNot) expect(reply).not.to.match(re);
    });
  }

  it('greets a known person by name when they open a personal chat, a stranger politely, and keeps quiet in channels', async () => {
    expect((await bot.join(people.sales, 'personal')).map(shownText)).to.deep.equal(["Hello Sam Sales! I'm Test Partner's Azure reservations assistant. Type `help` to see what I can do for you."]);
    expect((await bot.join(people.stranger, 'personal')).map(shownText).join()).to.match(/don't recognise your account/);
    expect(await bot.join(people.admin, 'channel')).to.deep.equal([]);
  });

  describe('the customer card and its switch', () => {
    it('an Admin Agent sees subscriptions, Owners and the switch; a Sales Agent sees the state read-only', async () => {
      const [adminCard] = await bot.say(people.admin, 'customer contoso ltd');
      expect(shownText(adminCard!)).to.match(/Contoso Plan[\s\S]*Azure Plan[\s\S]*Owners: Connie Owner/);
      expect(shownText(adminCard!)).to.match(/Azure reservations: allow customer to purchase: Off/);
      expect(shownText(adminCard!)).to.match(/Azure savings plan: allow customer to purchase: Off/);
      expect(executeActions(adminCard!.attachments![0]!.content)).to.deep.equal([
        { title: 'Turn on', verb: 'permission.set', data: { customerId: contosoId, resource: 'AzureReservedInstances', enabled: true } },
        { title: 'Turn on savings plan', verb: 'permission.set', data: { customerId: contosoId, resource: 'AzureSavingsPlan', enabled: true } },
      ]);
      const [salesCard] = await bot.say(people.sales, 'customer contoso.example');
      expect(executeActions(salesCard!.attachments![0]!.content)).to.deep.equal([]);
      expect(shownText(salesCard!)).to.match(/Only Admin Agents can change this permission/);
    });

    it('R4: an Admin Agent is not offered Turn on for Northwind, whose Azure Plan is suspended; the card says why instead', async () => {
      const [card] = await bot.say(people.admin, 'customer northwind');
      expect(executeActions(card!.attachments![0]!.content)).to.deep.equal([]);
      expect(shownText(card!)).to.match(/allow customer to purchase: Off/).and.match(/Azure Plan subscription sub-northwind-suspended is suspended, so Northwind Traders cannot be allowed to buy reservations\. Reactivate it in Partner Center/);
    });

    it('R4, R7: Turn off stays offered while the permission is on, even once the Azure Plan is suspended', async () => {
      await setPurchasePermission(t.store, northwindId, { enabled: true });
      const [card] = await bot.say(people.admin, 'customer northwind');
      expect(executeActions(card!.attachments![0]!.content)).to.deep.equal([{ title: 'Turn off', verb: 'permission.set', data: { customerId: northwindId, resource: 'AzureReservedInstances', enabled: false } }]);
      const { card: after } = await bot.click(people.admin, 'permission.set', { customerId: northwindId, enabled: false });
      expect(shownText(after)).to.match(/Turned off/);
      expect(executeActions(after), 'once off, it cannot be turned on again').to.deep.equal([]);
      expect(await permissionOf(northwindId)).to.equal(false);
    });

    it('clicking the switch turns the permission on and replaces the card with the new state (a card posted before there were two switches names no resource: reservations)', async () => {
      const { status, card } = await bot.click(people.admin, 'permission.set', { customerId: contosoId, enabled: true });
      expect(status).to.equal(200);
      expect(shownText(card)).to.match(/Turned on/).and.match(/allow customer to purchase: On since 2026-11-24 09:00 UTC \(Ada Admin\)/);
      expect(executeActions(card)).to.deep.equal([
        { title: 'Turn off', verb: 'permission.set', data: { customerId: contosoId, resource: 'AzureReservedInstances', enabled: false } },
        { title: 'Turn on savings plan', verb: 'permission.set', data: { customerId: contosoId, resource: 'AzureSavingsPlan', enabled: true } },
      ]);
      expect(await permissionOf(contosoId)).to.equal(true);
    });

    it('the savings plan switch turns that permission on and off, logged with its own target; the reservations permission stays as it was', async () => {
      const [opened] = await bot.say(people.admin, 'customer contoso ltd');
      const savingsSwitch = executeActions(opened!.attachments![0]!.content).find((a) => a.title === 'Turn on savings plan')!;
      const { status, card } = await bot.click(people.admin, savingsSwitch.verb, savingsSwitch.data);
      expect(status).to.equal(200);
      expect(shownText(card))
        .to.match(/Turned on: Contoso Ltd's users with Owner on an Azure Plan subscription can now buy savings plans/)
        .and.match(/Azure savings plan: allow customer to purchase: On since 2026-11-24 09:00 UTC \(Ada Admin\)/)
        .and.match(/Azure reservations: allow customer to purchase: Off/);
      expect(executeActions(card).map((a) => a.title)).to.deep.equal(['Turn on', 'Turn off savings plan']);
      expect((await t.services.directory.customer(contosoId))!.savingsPlanPermission.enabled).to.equal(true);
      expect(await permissionOf(contosoId)).to.equal(false);
      expect((await logOf(people.admin))[0]).to.deep.include({ operation: Operation.CreateCustomerPurchasePermissions, outcome: 'Succeeded', customerId: contosoId, target: 'Azure savings plan: allow customer to purchase' });

      const turnOff = executeActions(card).find((a) => a.title === 'Turn off savings plan')!;
      const { card: after } = await bot.click(people.admin, turnOff.verb, turnOff.data);
      expect(shownText(after)).to.match(/Turned off: Contoso Ltd can no longer buy savings plans\. Savings plans already bought stay as they are\./);
      expect((await t.services.directory.customer(contosoId))!.savingsPlanPermission.enabled).to.equal(false);
      expect((await logOf(people.admin))[0]).to.deep.include({ operation: Operation.DeleteCustomerPurchasePermissions, customerId: contosoId, target: 'Azure savings plan: allow customer to purchase' });
    });

    it('a resource the card never names is not understood, changes nothing, and is logged', async () => {
      const { card } = await bot.click(people.admin, 'permission.set', { customerId: contosoId, enabled: true, resource: 'AzureSpotInstances' });
      expect(shownText(card)).to.match(/not what I expected, so nothing was changed/);
      expect(await permissionOf(contosoId)).to.equal(false);
      expect((await logOf(people.admin))[0]).to.deep.include({ operation: Operation.CardAction, outcome: 'Refused', target: 'button permission.set' });
    });

    it('a stale card clicked again changes nothing and says so', async () => {
      await bot.click(people.admin, 'permission.set', { customerId: contosoId, enabled: true });
      const before = await t.services.activity.size();
      const { card } = await bot.click(people.admin2, 'permission.set', { customerId: contosoId, enabled: true });
      expect(shownText(card)).to.match(/already on; nothing changed/);
      expect(await t.services.activity.size()).to.equal(before);
    });

    it('a Sales Agent\'s click (a forged invoke) is refused on the card, changes nothing, and is logged', async () => {
      const { card } = await bot.click(people.sales, 'permission.set', { customerId: contosoId, enabled: true });
      expect(shownText(card)).to.match(/Only Admin Agents/).and.match(/allow customer to purchase: Off/);
      expect(await permissionOf(contosoId)).to.equal(false);
      expect((await logOf(people.admin))[0]).to.deep.include({ outcome: 'Refused', operation: Operation.CreateCustomerPurchasePermissions, customerId: contosoId });
    });

    it('forged card data of the wrong shape is not understood, changes nothing, and is logged', async () => {
      const { card } = await bot.click(people.admin, 'permission.set', { customerId: contosoId, enabled: 'yes' });
      expect(shownText(card)).to.match(/not what I expected, so nothing was changed/);
      expect(await permissionOf(contosoId)).to.equal(false);
      expect((await logOf(people.admin))[0]).to.deep.include({ operation: Operation.CardAction, outcome: 'Refused', target: 'button permission.set' });
    });

    it('an unknown verb is answered with a card, not an error', async () => {
      const { status, card } = await bot.click(people.admin, 'reservations.delete', {});
      expect(status).to.equal(200);
      expect(shownText(card)).to.match(/no longer supported/);
    });
  });

  describe('permission commands', () => {
    it('`enable` and `disable` are `permission on` and `permission off`', async () => {
      expect(await said(people.admin, 'Enable Contoso Ltd')).to.match(/Turned on/);
      expect(await permissionOf(contosoId)).to.equal(true);
      expect(await said(people.admin, 'disable contoso.example')).to.match(/Turned off: Contoso Ltd can no longer buy reservations/);
      expect(await permissionOf(contosoId)).to.equal(false);
    });

    for (const words of ['savings-plan', 'savings', 'SavingsPlan', 'savings plan']) {
      it(`\`permission on ${words} <customer>\` turns the savings plan permission on, and says so on the card`, async () => {
        const reply = await said(people.admin, `permission on ${words} contoso ltd`);
        expect(reply).to.match(/Turned on: Contoso Ltd's users .* can now buy savings plans/).and.match(/Azure savings plan: allow customer to purchase: On/);
        expect((await t.services.directory.customer(contosoId))!.savingsPlanPermission.enabled).to.equal(true);
        expect(await permissionOf(contosoId), 'the reservations permission').to.equal(false);
        expect((await logOf(people.admin))[0]).to.deep.include({ operation: Operation.CreateCustomerPurchasePermissions, customerId: contosoId, target: 'Azure savings plan: allow customer to purchase' });
      });
    }

    it('`permission on reservations <customer>` names the reservations permission; a lone word after on|off is the customer', async () => {
      expect(await said(people.admin, 'permission on reservations contoso ltd')).to.match(/can now buy reservations/);
      expect(await permissionOf(contosoId)).to.equal(true);
      expect(await said(people.admin, 'permission on savings')).to.match(/No customer matches "savings"/);
    });

    it('the savings plan permission already on: nothing changes, nothing is logged, and the card says which permission (R6)', async () => {
      await bot.say(people.admin, 'enable savings-plan tailspin');
      const before = await t.services.activity.size();
      expect(await said(people.admin, 'enable savings-plan tailspin')).to.match(/The savings plan permission was already on; nothing changed\./);
      expect(await t.services.activity.size()).to.equal(before);
    });

    it('R2: a Sales Agent\'s `permission on savings-plan` is refused, naming that permission, and logged', async () => {
      expect(await said(people.sales, 'permission on savings-plan contoso ltd')).to.match(/Only Admin Agents of Test Partner can turn the Azure savings plan purchase permission on or off/);
      expect((await t.services.directory.customer(contosoId))!.savingsPlanPermission.enabled).to.equal(false);
      expect((await logOf(people.admin))[0]).to.deep.include({ operation: Operation.CreateCustomerPurchasePermissions, outcome: 'Refused', customerId: contosoId, target: 'Azure savings plan: allow customer to purchase' });
    });

    it('an ambiguous customer for the savings plan: each choice sends the command again for that customer and that permission', async () => {
      const [reply] = await bot.say(people.admin, 'permission on savings-plan contoso');
      const buttons = submitActions(reply!.attachments![0]!.content);
      expect(buttons.map((b) => b.data)).to.deep.include({ command: 'permission on savings-plan contoso.example' });
      const [result] = await bot.submit(people.admin, buttons.find((b) => b.title === 'Contoso Ltd')!.data);
      expect(shownText(result!)).to.match(/can now buy savings plans/);
      expect((await t.services.directory.customer(contosoId))!.savingsPlanPermission.enabled).to.equal(true);
    });

    it('R5: turning it on without any Owner warns the agent', async () => {
      expect(await said(people.admin, 'permission on fabrikam')).to.match(/Turned on\. No user of Fabrikam Inc holds the Owner role/);
      expect(await permissionOf(fabrikamId)).to.equal(true);
    });

    it('R4: turning it on while the Azure Plan is suspended is refused, saying so and what to do', async () => {
      expect(await said(people.admin, 'permission on northwind')).to.match(/Northwind Traders' Azure Plan subscription sub-northwind-suspended is suspended, so Northwind Traders cannot be allowed to buy reservations\. Reactivate it in Partner Center/);
      expect(await permissionOf(northwindId)).to.equal(false);
    });

    it('R2: a Sales Agent\'s `permission on` is refused and logged', async () => {
      expect(await said(people.sales, 'permission on contoso ltd')).to.match(/Only Admin Agents of Test Partner can/);
      expect(await permissionOf(contosoId)).to.equal(false);
      const [entry] = await logOf(people.admin);
      expect(entry).to.deep.include({ outcome: 'Refused', customerId: contosoId, operation: Operation.CreateCustomerPurchasePermissions });
      expect(entry!.actor).to.deep.equal({ tenantId: people.sales.tenantId, userId: people.sales.userId, name: 'Sam Sales', role: 'SalesAgent' });
    });

    it('R2 before anything else: a Sales Agent naming an ambiguous customer is refused, not offered a choice, and logged', async () => {
      const reply = await said(people.sales, 'permission on contoso');
      expect(reply).to.match(/Only Admin Agents of Test Partner can/).and.not.match(/Several customers/);
      expect((await logOf(people.admin))[0]).to.deep.include({ outcome: 'Refused', target: 'customer contoso', operation: Operation.CreateCustomerPurchasePermissions });
    });

    it('a customer user trying to turn on another customer is refused, learns nothing of it, and the attempt is logged against their own', async () => {
      const reply = await said(people.contosoOwner, 'permission on fabrikam');
      expect(reply).to.match(/Only Test Partner can turn the Azure reservations purchase permission on or off\. If you need it, ask your contact at Test Partner/).and.not.match(/Fabrikam/i);
      expect(await permissionOf(fabrikamId)).to.equal(false);
      expect((await logOf(people.admin))[0]).to.deep.include({ outcome: 'Refused', customerId: contosoId, target: 'customer fabrikam' });
    });

    it('an ambiguous customer is asked about; clicking a choice runs the command for exactly that customer', async () => {
      const [reply] = await bot.say(people.admin, 'permission on contoso');
      const buttons = (reply!.attachments![0]!.content as { actions: { title: string; data: { command: string } }[] }).actions;
      expect(buttons.map((b) => [b.title, b.data.command])).to.deep.equal([
        ['Contoso Ltd', 'permission on contoso.example'],
        ['Contoso Pharma', 'permission on contosopharma.example'],
      ]);
      expect(await permissionOf(contosoId)).to.equal(false);
      const [result] = await bot.submit(people.admin, buttons[0]!.data);
      expect(shownText(result!)).to.match(/Turned on/).and.match(/Contoso Ltd/);
      expect(await permissionOf(contosoId)).to.equal(true);
    });

    it('a command button is only a typed command: a Sales Agent clicking one is refused and logged', async () => {
      const [result] = await bot.submit(people.sales, { command: 'permission on contoso.example' });
      expect(shownText(result!)).to.match(/Only Admin Agents/);
      expect(await permissionOf(contosoId)).to.equal(false);
      expect((await logOf(people.admin))[0]).to.deep.include({ outcome: 'Refused', customerId: contosoId });
    });
  });

  describe('log', () => {
    beforeEach(async () => {
      await bot.say(people.admin, 'permission on contoso ltd');
      await bot.say(people.admin, 'permission on fabrikam');
      await bot.say(people.admin, 'permission off fabrikam');
      await bot.say(people.sales, 'permission on northwind');
    });

    it('shows the newest entries first, with who, when, which customer and the outcome', async () => {
      const text = await said(people.helpdesk, 'log');
      expect(text.indexOf('Northwind Traders')).to.be.lessThan(text.indexOf('Fabrikam Inc'));
      expect(text).to.match(/Create Customer Purchase Permissions\*\* · Refused\n2026-11-24 09:00 UTC · Sam Sales \(Sales Agent\) · Northwind Traders/);
    });

    it('says what changed in words, not as JSON (issue 13, item 11)', async () => {
      const fabrikam = await said(people.admin, 'log fabrikam');
      expect(fabrikam).to.match(/Delete Customer Purchase Permissions\*\* · Succeeded\n.*\nPermission: On → Off$/m);
      expect(fabrikam).to.match(/Create Customer Purchase Permissions\*\* · Succeeded\n.*\nPermission: Off → On$/m);
      expect(fabrikam).not.to.match(/[{}]|enabled|true|false/);
    });

    it('filters by customer and by operation', async () => {
      const fabrikam = await said(people.admin, 'log fabrikam');
      expect(fabrikam).to.match(/Delete Customer Purchase Permissions/).and.match(/Create Customer Purchase Permissions/).and.not.match(/Contoso|Northwind/);
      const deletes = await said(people.admin, 'log delete');
      expect(deletes).to.match(/Fabrikam Inc/).and.not.match(/Create Customer/);
      const both = await said(people.admin, 'log fabrikam create customer purchase permissions');
      expect(both).to.match(/Fabrikam/).and.not.match(/Delete Customer|Contoso/);
    });

    it('an ambiguous customer in the filter gets a choice; words matching nothing get the list of operations', async () => {
      expect(await said(people.admin, 'log contoso create')).to.match(/Several customers match "contoso"/);
      expect(await said(people.admin, 'log globex')).to.match(/could not match "globex".*Operations: Create Customer Purchase Permissions/s);
    });

    it('R19: a customer user reads only entries about their own customer', async () => {
      const text = await said(people.contosoOwner, 'log');
      expect(text).to.match(/Contoso Ltd/).and.not.match(/Fabrikam|Northwind|Tailspin|Load Partner Directory/);
      expect(await said(people.contosoOwner, 'log fabrikam')).to.not.match(/Fabrikam Inc/);
    });
  });

  describe('paging', () => {
    it('a long customer list is paged, and Next page replaces the card with the next page', async () => {
      const world = testWorld();
      for (let i = 1; i <= 45; i++) world.customers.push({ id: `bulk-${i}`, name: `Bulk Customer ${String(i).padStart(2, '0')}`, domain: `bulk${i}.example`, users: [], subscriptions: [] });
      await t.dispose();
      t = await openTestStore(world);
      bot = turns(t.services);
      const [first] = await bot.say(people.admin, 'customers');
      expect(shownText(first!)).to.match(/50 customers · page 1 of 3/);
      expect(executeActions(first!.attachments![0]!.content).map((a) => a.title)).to.deep.equal(['Next page']);
      const { card } = await bot.click(people.admin, 'customers.page', { page: 2 });
      expect(shownText(card)).to.match(/page 2 of 3/).and.match(/Bulk Customer 16/).and.not.match(/Bulk Customer 36/);
      expect(executeActions(card).map((a) => a.title)).to.deep.equal(['Previous page', 'Next page']);
    });

    it('a name matching many customers offers five and says how many more', async () => {
      const world = testWorld();
      for (let i = 1; i <= 8; i++) world.customers.push({ id: `bulk-${i}`, name: `Bulk Customer ${i}`, domain: `bulk${i}.example`, users: [], subscriptions: [] });
      await t.dispose();
      t = await openTestStore(world);
      const [reply] = await turns(t.services).say(people.admin, 'customer bulk');
      expect((reply!.attachments![0]!.content as { actions: unknown[] }).actions).to.have.length(5);
      expect(shownText(reply!)).to.match(/…and 3 more\. Type more of the name/);
    });
  });
});
