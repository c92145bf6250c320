import { expect } from 'chai';
import type { Activity } from 'botbuilder';
import { notKnownText } from '../../bot/speaker.ts';
import { Operation } from '../../services/operations.ts';
import { messageFrom, invokeFrom } from '../helpers/activities.ts';
import { startHttpBot, type HttpBot } from '../helpers/httpBot.ts';
import { shownLines, shownLogEntries } from '../helpers/shown.ts';
import { permissionsIn } from '../helpers/storeRecords.ts';
import { contosoId, fabrikamId, northwindId, people, personOf } from '../helpers/testWorld.ts';

const adaptiveCardType = 'application/vnd.microsoft.card.adaptive';
const permissionFact = 'Azure reservations: allow customer to purchase';
/** Everything that would tell a Contoso user that Fabrikam exists. */
const fabrikamMarks = ['Fabrikam Inc', fabrikamId, 'fabrikam.example', 'sub-fabrikam-plan', people.fabrikamUser.name];

describe('HTTP server with a fake Bot Connector', () => {
  let bot: HttpBot;
  beforeEach(async () => {
    bot = await startHttpBot();
  });
  afterEach(() => bot.close());

  const permissions = () => permissionsIn(bot.world.store);
  const newestEntry = async (customerId: string) => (await bot.world.services.activity.read(await personOf(bot.world.services, people.admin), { customerIds: [customerId] }, 1))[0];
  const cardOf = (reply: Partial<Activity> | undefined) => {
    const attachment = reply?.attachments?.[0];
    expect(attachment?.contentType, 'the reply should be an Adaptive Card').to.equal(adaptiveCardType);
    return attachment!.content as { actions?: { type: string; verb?: string; data?: unknown }[] };
  };

  it('GET /healthz answers 200 {status: "ok", store: "ok"}', async () => {
    const res = await fetch(`${bot.url}/healthz`);
    expect(res.status).to.equal(200);
    expect(await res.json()).to.deep.equal({ status: 'ok', store: 'ok' });
  });

  it('an Admin Agent opens Fabrikam, clicks Turn on, and the card, the store and the log all show it on', async () => {
    const [reply] = await bot.say(people.admin, 'customer fabrikam');
    const button = cardOf(reply).actions?.find((a) => a.type === 'Action.Execute');
    expect(button?.verb).to.equal('permission.set');

    const answer = await bot.click(people.admin, button!.verb!, button!.data);
    expect(answer).to.include({ statusCode: 200, type: adaptiveCardType });
    expect(shownLines(answer.value).find((line) => line.startsWith(permissionFact))).to.match(/: On\b/);
    expect((await permissions())[fabrikamId]).to.equal(true);

    const [log] = await bot.say(people.admin, 'log fabrikam');
    expect(shownLogEntries(cardOf(log))[0]).to.deep.include({ operation: Operation.CreateCustomerPurchasePermissions, outcome: 'Succeeded' });
    expect(shownLogEntries(cardOf(log))[0]!.byline).to.include(`${people.admin.name} (Admin Agent)`);
  });

  it('a Sales Agent asking to turn Contoso Ltd on is told only Admin Agents can; nothing changes and the refusal is logged', async () => {
    const before = await permissions();
    const replies = await bot.say(people.sales, 'permission on contoso ltd');
    expect(replies.flatMap(shownLines).join('\n')).to.match(/Only Admin Agents .* can turn the Azure reservations purchase permission on or off/);
    expect(await permissions()).to.deep.equal(before);
    expect(await newestEntry(contosoId)).to.deep.include({
      operation: Operation.CreateCustomerPurchasePermissions,
      outcome: 'Refused',
      actor: { tenantId: people.sales.tenantId, userId: people.sales.userId, name: people.sales.name, role: 'SalesAgent' },
    });
  });

  it('an Admin Agent turning Northwind on is told its Azure Plan is suspended and to reactivate it; it stays off', async () => {
    const replies = await bot.say(people.admin, 'permission on northwind');
    expect(replies.flatMap(shownLines).join('\n')).to.match(/Northwind Traders' Azure Plan subscription sub-northwind-suspended is suspended, so Northwind Traders cannot be allowed to buy reservations\. Reactivate it in Partner Center/);
    expect((await permissions())[northwindId]).to.equal(false);
  });

  for (const text of ['customer fabrikam', 'log fabrikam']) {
    it(`a Contoso user asking \`${text}\` learns nothing about Fabrikam`, async () => {
      const replies = await bot.say(people.contosoUser, text);
      const shown = replies.flatMap(shownLines).join('\n');
      expect(shown).to.match(/only Contoso Ltd's (account|entries)/);
      for (const mark of fabrikamMarks) expect(JSON.stringify(replies)).not.to.include(mark);
    });
  }

  it('a stranger gets the polite "don\'t recognise your account" reply and nothing else', async () => {
    const before = await permissions();
    const replies = await bot.say(people.stranger, 'permission on contoso');
    expect(replies.map((r) => r.text)).to.deep.equal([notKnownText]);
    expect(bot.connector.received).to.have.length(1);
    expect(await permissions()).to.deep.equal(before);
  });

  const forgedClicks = [
    { who: 'a Contoso user', user: people.contosoOwner, verb: 'permission.set', data: { customerId: contosoId, enabled: true }, shows: /Only Test Partner can/ },
    { who: 'a Contoso user', user: people.contosoOwner, verb: 'permission.set', data: { customerId: fabrikamId, enabled: true }, shows: /Only Test Partner can/ },
    { who: 'an Admin Agent', user: people.admin, verb: 'permission.set', data: { customerId: contosoId, enabled: 'yes' }, shows: /not what I expected, so nothing was changed/ },
    { who: 'an Admin Agent', user: people.admin, verb: 'customer.delete', data: { customerId: contosoId }, shows: /no longer supported/ },
  ];
  for (const { who, user, verb, data, shows } of forgedClicks) {
    it(`a forged click by ${who} (${verb} ${JSON.stringify(data)}) is answered with a refusal card and changes nothing`, async () => {
      const before = await permissions();
      const answer = await bot.click(user, verb, data);
      expect(answer).to.include({ statusCode: 200, type: adaptiveCardType });
      expect(shownLines(answer.value).join('\n')).to.match(shows);
      expect(await permissions()).to.deep.equal(before);
      if (user.tenantId === contosoId) for (const mark of fabrikamMarks) expect(JSON.stringify(answer)).not.to.include(mark);
      const [newest] = await bot.world.services.activity.read(await personOf(bot.world.services, people.admin), {}, 1);
      expect(newest, 'R18: the refused click is logged').to.deep.include({ outcome: 'Refused' });
      expect(newest!.actor.userId).to.equal(user.userId);
    });
  }

  describe('an activity whose two tenant ids disagree is from nobody', () => {
    const disguised = <A extends Partial<Activity>>(activity: A): A => ({ ...activity, conversation: { ...activity.conversation!, tenantId: contosoId } });

    it('a message gets the "don\'t recognise your account" reply and changes nothing', async () => {
      const before = await permissions();
      const replies = await bot.send(disguised(messageFrom(people.admin, 'permission on contoso', bot.connector.url)));
      expect(replies.map((r) => r.text)).to.deep.equal([notKnownText]);
      expect(await permissions()).to.deep.equal(before);
    });

    it('a click is answered "Not available" and changes nothing', async () => {
      const before = await permissions();
      const { status, body } = await bot.post(disguised(invokeFrom(people.admin, 'permission.set', { customerId: contosoId, enabled: true }, bot.connector.url)));
      expect(status).to.equal(200);
      expect(shownLines((body as { value: Record<string, unknown> }).value)).to.include.members(['Not available', notKnownText]);
      expect(await permissions()).to.deep.equal(before);
    });
  });

  it('a JSON body that is not an activity is answered 400 without internals, and the server goes on serving', async () => {
    for (const body of ['{}', '{"type": 5}']) {
      const { status, body: answer } = await bot.post(body);
      expect(status).to.equal(400);
      expect(answer).to.have.property('code', 'INVALID_REQUEST');
      expect((answer as { description: string }).description).to.match(/^The Bot Framework activity is not what I expected:\ntype: /).and.not.match(/validateAndFixActivity/);
    }
    expect((await fetch(`${bot.url}/healthz`)).status).to.equal(200);
  });

  it('a body that is not JSON is answered 400, and the server goes on serving', async () => {
    const { status } = await bot.post('{"type": "message", "text": ');
    expect(status).to.equal(400);
    expect((await fetch(`${bot.url}/healthz`)).status).to.equal(200);
    const replies = await bot.say(people.admin, 'customer contoso ltd');
    expect(shownLines(cardOf(replies[0]))).to.include('Contoso Ltd');
  });
});
