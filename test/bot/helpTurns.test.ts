import { expect } from 'chai';
import { commands } from '../../bot/commands/registry.ts';
import { tailspinOwner } from '../helpers/buying.ts';
import { turns } from '../helpers/turns.ts';
import { openTestStore, people, personOf, type TestStore, type TestUser } from '../helpers/testWorld.ts';
import { shownText } from '../helpers/shown.ts';

/** Issue 13, item 8: help speaks the reader's role, and shows placeholders in italics, as Teams renders them. */
describe('help, by the reader\'s role (TestAdapter)', () => {
  let t: TestStore;
  let bot: ReturnType<typeof turns>;
  before(async () => {
    t = await openTestStore();
    bot = turns(t.services);
  });
  after(() => t.dispose());

  const said = async (user: TestUser, text: string) => (await bot.say(user, text)).map(shownText).join('\n---\n');

  /** [title, who, says, the reply must match, the reply must not match] */
  const table: [string, TestUser, string, RegExp[], RegExp[]][] = [
    [
      'an Admin Agent sees the agents\' syntax and words: buy for a customer, permission, price, settings',
      people.admin,
      'help',
      [/^- \*\*buy\*\* for \*customer\* \[\*sku\* \*region\* \*term\* \*quantity\* /m, /^- \*\*permission\*\* on\|off \[savings-plan\] \*customer\* — /m, /^- \*\*price\*\* \*sku\* /m, /^- \*\*settings\*\* /m, /^- \*\*reservations\*\* \[\*customer\*\] \[page \*n\*\] — A customer's Azure reservations/m],
      [/Your organisation/],
    ],
    ['a Sales Agent is not offered what only Admin Agents may do', people.sales, 'help', [/^- \*\*buy\*\* for \*customer\*/m, /^- \*\*customers\*\* /m], [/^- \*\*permission\*\*/m, /^- \*\*price\*\*/m]],
    ['a Help Desk Agent is not offered buying', people.helpdesk, 'help', [/^- \*\*log\*\* /m], [/^- \*\*buy\*\*/m]],
    [
      'a customer user sees their own syntax and words, and none of the agents\' commands',
      people.contosoOwner,
      'help',
      [/^- \*\*buy\*\* \[\*sku\* \*region\* \*term\* \*quantity\* \[shared\|single\|rg:\*group\*\|mg:\*group id\*\] \[upfront\|monthly\]\] — Buy an Azure reservation for your organisation/m, /^- \*\*reservations\*\* \[page \*n\*\] — Your organisation's Azure reservations/m, /^- \*\*customer\*\* — Your organisation's account/m, /^- \*\*cancel\*\* \*reservation\* \[units\] — /m],
      [/for \*customer\*/, /permission/i, /^- \*\*price\*\*/m, /settings/i, /^- \*\*customers\*\*/m, /a customer's/i],
    ],
    ['`help buy` shows a customer user their own usage and examples', people.contosoOwner, 'help buy', [/^Usage: \*\*buy\*\* \[\*sku\* /m, /^Examples: `buy`, `buy Standard_D2s_v5 eastus 1y 2`$/m], [/buy for/]],
    ['`help buy` shows an agent buying for a customer', people.sales, 'help buy', [/^Usage: \*\*buy\*\* for \*customer\* \[\*sku\* /m, /`buy for fabrikam`/], []],
    ['`help permission` shows the usage, examples and aliases', people.admin, 'help permission', [/^Usage: \*\*permission\*\* on\|off \[savings-plan\] \*customer\*$/m, /`enable` = `permission on`/], []],
    ['a mistyped command gets its usage in the same notation', people.admin, 'permission maybe fabrikam', [/say on or off/, /^Usage: \*\*permission\*\* on\|off \[savings-plan\] \*customer\*$/m, /For example: `permission on fabrikam`/], []],
    ['a mistyped purchase line gets the customer user\'s usage, without `for`', tailspinOwner, 'buy Standard_D2s_v5 eastus', [/a purchase needs the product/, /^Usage: \*\*buy\*\* \[\*sku\* /m, /For example: `buy Standard_D2s_v5 eastus 1y 2`/], [/for \*customer\*/]],
    ['a mistyped purchase line gets an agent\'s usage with `for`', people.admin, 'buy for tailspin Standard_D2s_v5', [/^Usage: \*\*buy\*\* for \*customer\* /m, /For example: `buy for fabrikam Standard_D2s_v5 eastus 3y 1 single monthly`/], []],
  ];
  for (const [title, user, text, must, mustNot] of table) {
    it(title, async () => {
      const reply = await said(user, text);
      for (const re of must) expect(reply).to.match(re);
      for (const re of mustNot) expect(reply).not.to.match(re);
    });
  }

  for (const user of [people.admin, people.sales, people.helpdesk, people.contosoOwner]) {
    it(`${user.name}'s help, and help of each command they may use, quotes no rule number and no <…> (Teams escapes it)`, async () => {
      const role = (await personOf(t.services, user)).role;
      const theirs = commands.filter((c) => c.roles.includes(role)).map((c) => `help ${c.name}`);
      for (const text of ['help', ...theirs]) {
        const reply = await said(user, text);
        expect(reply, text).not.to.match(/\(R\d|\bR\d{1,2}\b/);
        expect(reply, text).not.to.match(/[<>]|&lt;|&gt;/);
      }
    });
  }
});
