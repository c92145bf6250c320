import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Activity } from 'botbuilder';
import { demoWorldFile } from '../../bot/openOrSeed.ts';
import { readWorld } from '../../services/worldImport.ts';
import { startHttpBot, type HttpBot } from '../helpers/httpBot.ts';
import { executeActions, shownText } from '../helpers/shown.ts';
import type { TestUser } from '../helpers/testWorld.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** The README's Playground command lines: each persona file and the port its Playground runs on. */
async function readmePersonas(): Promise<{ file: string; port: string }[]> {
  const readme = await readFile(`${repoRoot}README.md`, 'utf8');
  return [...readme.matchAll(/M365_AGENTS_PLAYGROUND_CONFIG_PATH=(\S+) npx agentsplayground .* -p (\d+)/g)].map(([, file, port]) => ({ file: file!, port: port! }));
}

/** Who a persona file makes the Playground's user: its tenant id and the current user's aadObjectId and name. */
async function personaUser(file: string): Promise<TestUser> {
  const yaml = await readFile(`${repoRoot}${file}`, 'utf8');
  const current = yaml.slice(yaml.indexOf('currentUser:'));
  return { tenantId: /^tenantId: (\S+)/m.exec(yaml)![1]!, userId: /aadObjectId: (\S+)/.exec(current)![1]!, name: /name: (.+)/.exec(current)![1]! };
}

describe("the README's persona walkthrough, followed top to bottom against the demo world (issue 13, item 15)", () => {
  it('names a persona file for each step, each Playground on its own port, and links nothing outside the repository', async () => {
    const personas = await readmePersonas();
    expect(personas.map((p) => p.file)).to.have.members(['test/playground/personas/customer-user.yml', 'test/playground/personas/sales-agent.yml', 'test/playground/personas/admin-agent.yml', 'test/playground/personas/tailspin-buyer.yml']);
    for (const { file } of personas) expect(existsSync(`${repoRoot}${file}`), file).to.equal(true);
    expect(new Set(personas.map((p) => p.port)).size).to.equal(personas.length);
    const readme = await readFile(`${repoRoot}README.md`, 'utf8');
    expect(readme).not.to.match(/\]\(\.\.\//);
    for (const [, link] of readme.matchAll(/\]\(([^)#:]+)\)/g)) expect(existsSync(`${repoRoot}${link}`), link).to.equal(true);
  });

  it('every step answers as the README says, in the order it says', async function () {
    this.timeout(30_000);
    const [lynne, megan, alex, joni] = await Promise.all(['customer-user', 'sales-agent', 'admin-agent', 'tailspin-buyer'].map((p) => personaUser(`test/playground/personas/${p}.yml`)));
    const bot: HttpBot = await startHttpBot(await readWorld(demoWorldFile));
    try {
      const said = async (user: TestUser, text: string) => (await bot.say(user, text)).map(shownText).join('\n---\n');
      const cardOf = async (user: TestUser, text: string): Promise<Partial<Activity>> => (await bot.say(user, text))[0]!;

      // 1. Lynne: her own account; nothing of Fabrikam; `buy` refused while Contoso's permission is off.
      expect(await said(lynne!, 'customer')).to.match(/^Contoso Ltd/);
      expect(await said(lynne!, 'customer fabrikam')).not.to.match(/Fabrikam/);
      expect(await said(lynne!, 'buy')).to.match(/has not allowed Contoso Ltd to buy Azure reservations/);

      // 2. Megan: the permission read-only; turning it on refused.
      expect(await said(megan!, 'customer contoso ltd')).to.match(/Only Admin Agents can change this permission/);
      expect(await said(megan!, 'permission on contoso ltd')).to.match(/Only Admin Agents of Lucerne Cloud Partners can/);

      // 3. Alex: Woodgrove offers no Turn on and says why; Contoso is turned on with the card's button; the log has both.
      const woodgrove = await cardOf(alex!, 'customer woodgrove');
      expect(shownText(woodgrove)).to.match(/suspended/);
      expect(executeActions(woodgrove).map((a) => a.title)).not.to.include('Turn on');
      const [turnOn] = executeActions(await cardOf(alex!, 'customer contoso ltd'));
      expect(turnOn!.title).to.equal('Turn on');
      expect(shownText((await bot.click(alex!, turnOn!.verb, turnOn!.data)).value)).to.match(/Turned on/);
      const log = await said(alex!, 'log');
      expect(log).to.match(/Create Customer Purchase Permissions\*\* · Succeeded[\s\S]*Alex Wilber/).and.match(/Megan Bowen \(Sales Agent\)/);

      // 4. Lynne again: `buy` now opens the purchase card.
      expect(await said(lynne!, 'buy')).to.match(/Buy an Azure reservation/);

      // 5. Joni buys, asks to cancel; Alex gets the approval card and approves; Joni is told in one short message.
      const review = await cardOf(joni!, 'buy Standard_D2s_v5 eastus 1y 1');
      const buy = executeActions(review).find((a) => a.verb === 'purchase.confirm')!;
      expect(shownText((await bot.click(joni!, buy.verb, buy.data)).value)).to.match(/Bought: order O-1001, reservation R-1001/);
      expect(await said(joni!, 'reservations')).to.match(/\[Cancel\]/);
      const form = bot.message(joni!, 'cancel R-1001');
      const [formCard] = await bot.send(form);
      const formMessage = bot.connector.received.find((call) => call.activityId === form.id)!;
      const send = executeActions(formCard).find((a) => a.title === 'Send request')!;
      expect(shownText((await bot.click(joni!, send.verb, send.data, formMessage.activity.id)).value)).to.match(/Sent to Lucerne Cloud Partners' Admin Agents as REQ-1001/);
      const [toAlex] = await bot.connector.waitFor(1, (call) => call.conversationId === `a:personal-${alex!.userId}` && (call.activity.attachments?.length ?? 0) > 0 && shownText(call.activity).includes('REQ-1001'));
      const approve = executeActions(toAlex!.activity).find((a) => a.title === 'Approve');
      expect(approve, 'the approval card Alex got has Approve').to.not.equal(undefined);
      await bot.click(alex!, approve!.verb, approve!.data);
      const [toJoni] = await bot.connector.waitFor(1, (call) => call.conversationId === `a:personal-${joni!.userId}` && /^REQ-1001/.test(String(call.activity.text)));
      expect(toJoni!.activity.text).to.match(/^REQ-1001 \(cancel R-1001\): Approved by Alex Wilber/);
      expect(toJoni!.activity.attachments ?? [], 'a short message, not a second card').to.deep.equal([]);
      expect(await said(joni!, 'requests')).to.match(/REQ-1001/);
    } finally {
      await bot.close();
    }
  });
});
