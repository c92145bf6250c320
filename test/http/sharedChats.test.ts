import { expect } from 'chai';
import type { Activity } from 'botbuilder';
import { inSharedChat, messageFrom, type SharedChat } from '../helpers/activities.ts';
import type { ConnectorCall } from '../helpers/fakeConnector.ts';
import { startHttpBot, type HttpBot } from '../helpers/httpBot.ts';
import { shownText } from '../helpers/shown.ts';
import { fabrikamId, people, type TestUser } from '../helpers/testWorld.ts';

/** Everything that would tell someone else about Fabrikam, or show agents' figures. */
const fabrikamMarks = ['Fabrikam Inc', fabrikamId, 'fabrikam.example', 'sub-fabrikam-plan'];

describe('R20: what a group chat or a channel may see, decided from where the answer goes and who asked', () => {
  let bot: HttpBot;
  beforeEach(async () => {
    bot = await startHttpBot();
  });
  afterEach(() => bot.close());

  const groupChat: SharedChat = { type: 'groupChat', id: '19:ada-and-connie@thread.v2' };
  const channel: SharedChat = { type: 'channel', id: '19:partner-general@thread.tacv2' };

  /**
   * `user` types `text` in `chat`: what the chat got in answer (replies to the message), and what went to `user`
   * privately (messages the bot sent in conversations other than the shared one, after the message was typed).
   */
  async function sayIn(chat: SharedChat, user: TestUser, text: string): Promise<{ here: string; privately: string; privateCalls: ConnectorCall[] }> {
    const before = new Set(bot.connector.received);
    const activity = inSharedChat(messageFrom(user, text, bot.connector.url), chat);
    const here = await bot.send(activity);
    const fresh = () => bot.connector.received.filter((call) => !before.has(call));
    const privateCalls = fresh().filter((call) => call.conversationId !== '' && !call.conversationId.startsWith(chat.id));
    return { here: here.map(shownText).join('\n---\n'), privately: privateCalls.map((call) => shownText(call.activity)).join('\n---\n'), privateCalls };
  }

  const pointer = (user: TestUser) => new RegExp(`^${user.name}, I sent my answer to you in our personal chat: it shows what only you may see, so not here\\.$`);

  describe('a group chat where an Admin Agent and a customer user talk', () => {
    for (const text of ['prices', 'customers', 'log', 'customer contoso ltd', 'reservations contoso ltd', 'requests', 'settings']) {
      it(`Ada's \`${text}\` goes to her personal chat; the group gets only a pointer`, async () => {
        const { here, privately, privateCalls } = await sayIn(groupChat, people.admin, text);
        expect(here).to.match(pointer(people.admin));
        expect(privately).to.have.length.above(0);
        // Teams opens her personal chat (she has none with the bot yet) and the answer goes there.
        expect(privateCalls.every((call) => call.conversationId === `a:created-29:${people.admin.userId}`)).to.equal(true);
      });
    }

    it("Ada's `prices` shows the Web Direct price beside the partner price only in her personal chat", async () => {
      const { here, privately } = await sayIn(groupChat, people.admin, 'prices');
      expect(privately).to.include('Web Direct').and.include('USD 600.00');
      expect(here).not.to.include('Web Direct').and.not.include('USD');
    });

    it('a second answer for Ada goes to the personal chat the bot opened the first time, kept in the store', async () => {
      await sayIn(groupChat, people.admin, 'customers');
      const second = await sayIn(groupChat, people.admin, 'log');
      expect(second.privateCalls.map((call) => call.conversationId)).to.deep.equal([`a:created-29:${people.admin.userId}`]);
      expect(bot.connector.received.filter((call) => call.path === '/v3/conversations'), 'one personal chat opened').to.have.length(1);
      expect(second.privately).to.match(/Activity log/);
    });

    it("Connie's `customer` shows her own account to the group, and nothing of any other customer", async () => {
      const { here, privately } = await sayIn(groupChat, people.contosoOwner, 'customer');
      expect(here).to.match(/^Contoso Ltd/).and.match(/Customer permissions/);
      expect(privately).to.equal('');
      for (const mark of fabrikamMarks) expect(here).not.to.include(mark);
    });

    it("Connie's `prices` shows the group the prices Contoso pays, never a Web Direct price", async () => {
      const { here } = await sayIn(groupChat, people.contosoOwner, 'prices');
      expect(here).to.include('USD 600.00').and.not.include('Web Direct').and.not.include('USD 700.00');
    });

    it("Connie's `log` is no activity log in a shared chat: it goes to her privately", async () => {
      const { here, privately } = await sayIn(groupChat, people.contosoOwner, 'log');
      expect(here).to.match(pointer(people.contosoOwner));
      expect(privately).to.match(/Activity log/);
    });

    it('`help` is for everyone: it is answered in the group', async () => {
      const { here, privately } = await sayIn(groupChat, people.admin, 'help');
      expect(here).to.match(/what you can ask me/i);
      expect(privately).to.equal('');
    });

    it('when Teams will not open a personal chat, the group is told how to get the answer, and sees none of it', async () => {
      bot.connector.refuseNewChats = true;
      const { here, privately } = await sayIn(groupChat, people.admin, 'customers');
      expect(here).to.match(/^Ada Admin, my answer shows what only you may see, so I can't post it here, and I could not open a personal chat with you\. Open a chat with me/);
      expect(here).not.to.include('Contoso');
      expect(privately).to.equal('');
    });

    it("a change by Ada in the group is made, and its card (about the customer) goes to her privately", async () => {
      const { here, privately } = await sayIn(groupChat, people.admin, 'permission on fabrikam');
      expect(here).to.match(pointer(people.admin));
      expect(privately).to.match(/Turned on/);
      expect((await bot.world.services.directory.customer(fabrikamId))?.purchasePermission.enabled).to.equal(true);
    });
  });

  describe("a channel of the partner's team", () => {
    it("is no place for agents' business until it is the approvals channel; there, agents' answers are posted", async () => {
      expect((await sayIn(channel, people.admin, 'customers')).here).to.match(pointer(people.admin));

      const set = await sayIn(channel, people.admin, 'settings approvals-channel');
      expect(set.here).to.match(/This channel now gets a copy of every change request's approval card/);

      const list = await sayIn(channel, people.sales, 'customers');
      expect(list.here).to.match(/Customers of Test Partner/);
      expect(list.privately).to.equal('');
    });
  });

  it('a message in a personal chat gets its answer there, as always', async () => {
    const replies: Partial<Activity>[] = await bot.say(people.admin, 'prices');
    expect(replies.map(shownText).join()).to.include('Web Direct');
  });
});
