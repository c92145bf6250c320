import { expect } from 'chai';
import { readFile } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Activity } from 'botbuilder';
import { defaultHttpLimits } from '../../bot/http/httpLimits.ts';
import { invokeFrom, joinedBy, messageFrom } from '../helpers/activities.ts';
import { startBotProcess, type BotProcess } from '../helpers/botProcess.ts';
import { startFakeConnector, type FakeConnector } from '../helpers/fakeConnector.ts';
import { startHttpBot, type HttpBot } from '../helpers/httpBot.ts';
import { shownText } from '../helpers/shown.ts';
import { createStorePlace, type StorePlace } from '../helpers/storePlace.ts';
import { people } from '../helpers/testWorld.ts';

const MB = 1024 * 1024;

/**
 * A raw POST over a plain socket: the status line the server answered with, however much of `body` it took before
 * answering (the server may answer and close while the body is still being sent: that is the point).
 */
function rawPost(url: string, headers: Record<string, string | number>, body: Buffer | (() => Generator<Buffer>)): Promise<{ status: number; text: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    let answer = '';
    const socket = connect(Number(port), hostname);
    socket.on('error', () => undefined);
    socket.on('data', (chunk) => (answer += chunk));
    socket.on('close', () => {
      const [head = '', text = ''] = answer.split('\r\n\r\n');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), text });
    });
    socket.on('connect', async () => {
      const lines = Object.entries({ host: 'bot', connection: 'close', ...(headers['content-length'] === undefined ? { 'transfer-encoding': 'chunked' } : {}), ...headers }).map(([k, v]) => `${k}: ${v}`);
      socket.write(`POST /api/messages HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`);
      const chunked = headers['content-length'] === undefined;
      // A pause after the headers: a server that refuses on them alone answers before a byte of the body is sent.
      await sleep(100);
      for (const chunk of Buffer.isBuffer(body) ? [body] : body()) {
        if (socket.destroyed || answer) break;
        socket.write(chunked ? Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]) : chunk);
        await sleep(5);
      }
      if (chunked && !socket.destroyed && !answer) socket.write('0\r\n\r\n');
    });
  });
}

/** `count` megabytes in chunks of 64 KB. */
function* megabytes(count: number): Generator<Buffer> {
  const chunk = Buffer.alloc(64 * 1024, 'a');
  for (let i = 0; i < count * 16; i++) yield chunk;
}

const rssOf = async (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(await readFile(`/proc/${pid}/status`, 'utf8'))![1]) * 1024;

describe('hostile HTTP input: no request can stop or stall the bot', function () {
  this.timeout(60_000);

  describe('the real process with bot credentials set, as deployed', () => {
    let connector: FakeConnector;
    let place: StorePlace;
    let bot: BotProcess;
    before(async () => {
      connector = await startFakeConnector();
      place = await createStorePlace({ prefix: 'csp-bot-hostile-' });
      bot = await startBotProcess(connector, place, { MicrosoftAppId: '3f2504e0-4f89-11d3-9a0c-0305e82c3301', MicrosoftAppPassword: 'not-a-real-secret' });
    });
    after(async () => {
      bot.child.kill('SIGKILL');
      await bot.exited;
      await connector.close();
      await place.dispose();
    });
    afterEach(async () => {
      expect(bot.child.exitCode, `the bot exited:\n${bot.output()}`).to.equal(null);
      expect((await fetch(`${bot.url}/healthz`)).status).to.equal(200);
    });

    it('item 1: a body declared gzip that is not gzip: 401 without a token, 415 with one; the process lives on', async () => {
      const junk = Buffer.from('this is not gzip at all');
      const headers = { 'content-type': 'application/json', 'content-encoding': 'gzip', 'content-length': junk.length };
      expect((await rawPost(bot.url, headers, junk)).status).to.equal(401);
      const withToken = await rawPost(bot.url, { ...headers, authorization: 'Bearer not-a-real-token' }, junk);
      expect(withToken.status).to.equal(415);
      expect(JSON.parse(withToken.text)).to.deep.equal({ code: 'UNSUPPORTED_ENCODING', description: 'The body must be plain JSON, not encoded (Content-Encoding: gzip).' });
    });

    it('item 2: a 100 MB body is refused before it is read: 401 without a token, 413 with one, declared or chunked; memory stays flat', async () => {
      const before = await rssOf(bot.child.pid!);
      const declared = { 'content-type': 'application/json', 'content-length': 100 * MB };
      expect((await rawPost(bot.url, declared, () => megabytes(100))).status).to.equal(401);
      expect((await rawPost(bot.url, { ...declared, authorization: 'Bearer x' }, () => megabytes(100))).status).to.equal(413);
      const chunked = await rawPost(bot.url, { 'content-type': 'application/json', authorization: 'Bearer x' }, () => megabytes(100));
      expect(chunked.status).to.equal(413);
      expect(JSON.parse(chunked.text).description).to.equal(`The body is over ${defaultHttpLimits.maxActivityBytes / 1024} KB.`);
      const grown = (await rssOf(bot.child.pid!)) - before;
      expect(grown, `RSS grew by ${Math.round(grown / MB)} MB`).to.be.below(40 * MB);
    });

    it('item 3: while 200 connections send their headers slowly, the bot answers everyone else at once', async () => {
      const { port } = new URL(bot.url);
      const slow: Socket[] = [];
      for (let i = 0; i < 200; i++) {
        const socket = connect(Number(port), '127.0.0.1', () => socket.write('POST /api/messages HTTP/1.1\r\nHost: bot\r\n'));
        socket.on('error', () => undefined);
        slow.push(socket);
      }
      const trickle = setInterval(() => slow.forEach((s) => s.write('X-Slow: 1\r\n')), 500);
      try {
        await sleep(1000);
        const started = Date.now();
        expect((await fetch(`${bot.url}/healthz`, { signal: AbortSignal.timeout(2000) })).status).to.equal(200);
        expect((await rawPost(bot.url, { 'content-type': 'application/json', 'content-length': 2 }, Buffer.from('{}'))).status).to.equal(401);
        expect(Date.now() - started).to.be.below(1000);
      } finally {
        clearInterval(trickle);
        slow.forEach((s) => s.destroy());
      }
    });

    it('nothing it was sent printed a stack trace', () => {
      expect(bot.output()).not.to.match(/\n\s+at /);
    });
  });

  describe('the limits themselves (small ones, on the server tests use)', () => {
    let bot: HttpBot;
    beforeEach(async () => {
      bot = await startHttpBot(undefined, { limits: { ...defaultHttpLimits, headersTimeoutMs: 500, requestTimeoutMs: 1000, maxConnections: 50 } });
    });
    afterEach(() => bot.close());

    it('item 3: a connection that does not finish its headers in time is closed; more connections than the cap are refused', async function () {
      this.timeout(45_000);
      const { port } = new URL(bot.url);
      const open = (lines: string) => {
        const socket = connect(Number(port), '127.0.0.1', () => socket.write(lines));
        socket.on('error', () => undefined);
        return { socket, closed: new Promise<number>((resolve) => socket.on('close', () => resolve(Date.now()))) };
      };
      const slow = Array.from({ length: 40 }, () => open('POST /api/messages HTTP/1.1\r\nHost: bot\r\n'));
      await sleep(300);
      const extra = Array.from({ length: 30 }, () => open(''));
      await sleep(1000);
      expect(await new Promise<number>((resolve) => bot.server.getConnections((_err, count) => resolve(count))), 'connections held').to.be.at.most(50);
      const trickle = setInterval(() => slow.forEach(({ socket }) => socket.destroyed || socket.write('X-Slow: 1\r\n', () => undefined)), 200);
      try {
        // Node checks the timeouts every 30 s, so a slow client is cut within that much of its deadline.
        const closedAt = await Promise.all(slow.map((s) => s.closed));
        expect(closedAt.length).to.equal(40);
      } finally {
        clearInterval(trickle);
        [...slow, ...extra].forEach(({ socket }) => socket.destroy());
      }
    });
  });

  describe('item 4: malformed activities are a 400 with a plain reason, never a stack trace, a 500 or a change', () => {
    let bot: HttpBot;
    let printed: string[];
    const originals = { error: console.error, warn: console.warn, log: console.log };
    beforeEach(async () => {
      bot = await startHttpBot();
      printed = [];
      for (const name of ['error', 'warn', 'log'] as const) console[name] = (...args: unknown[]) => printed.push(args.map((a) => (a instanceof Error ? a.stack : String(a))).join(' '));
    });
    afterEach(async () => {
      Object.assign(console, originals);
      await bot.close();
    });

    const permissions = async () => (await bot.world.services.directory.customers()).map((c) => c.purchasePermission.enabled);

    const named: [string, (a: Record<string, unknown>) => void, RegExp][] = [
      ['no from', (a) => delete a.from, /^from: /m],
      ['no conversation', (a) => delete a.conversation, /^conversation: /m],
      ['no recipient', (a) => delete a.recipient, /^recipient: /m],
      ['a text that is not a string', (a) => (a.text = 42), /^text: /m],
      ['a value that is null', (a) => (a.value = null), /^value: /m],
      ['a value that is a string', (a) => (a.value = 'permission on contoso'), /^value: /m],
      ['an invoke without a name', (a) => ((a.type = 'invoke'), delete a.name), /^name: an invoke names what it asks for/m],
      ['a card action whose value is null', (a) => Object.assign(a, { type: 'invoke', name: 'adaptiveCard/action', value: null }), /^value: an adaptiveCard\/action invoke carries/m],
      ['a mention that names nobody', (a) => (a.entities = [{ type: 'mention', text: '<at>Bot</at>' }]), /^entities\[0\]/m],
      ['a serviceUrl that is no URL', (a) => (a.serviceUrl = 'javascript:alert(1)'), /^serviceUrl: /m],
    ];
    for (const [what, spoil, says] of named) {
      it(`${what}: 400, the description names the field`, async () => {
        const activity = structuredClone(messageFrom(people.admin, 'help', bot.connector.url)) as Record<string, unknown>;
        spoil(activity);
        const { status, body } = await bot.post(activity);
        expect(status).to.equal(400);
        expect((body as { code: string; description: string }).code).to.equal('INVALID_REQUEST');
        expect((body as { description: string }).description).to.match(says);
      });
    }

    it('2,000 activities spoiled at random (one to three fields each) get 200, 400 or 501, print no stack trace, change nothing, and the bot answers after', async function () {
      this.timeout(120_000);
      const before = await permissions();
      const oddities: unknown[] = [undefined, null, '', 'x', 0, -1, true, [], [null], {}, { id: 5 }, { id: null }, 'a'.repeat(1000)];
      const fields = ['type', 'id', 'channelId', 'serviceUrl', 'from', 'recipient', 'conversation', 'channelData', 'text', 'value', 'name', 'entities', 'attachments', 'membersAdded', 'replyToId'];
      let seed = 13;
      const random = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
      const bases = (): Partial<Activity>[] => [
        messageFrom(people.admin, 'permission on contoso ltd', bot.connector.url),
        invokeFrom(people.admin, 'permission.set', { customerId: 'contoso-tenant', enabled: true }, bot.connector.url),
        { ...joinedBy(people.contosoOwner, 'personal'), serviceUrl: bot.connector.url },
      ];
      const statuses = new Map<number, number>();
      for (let i = 0; i < 2000; i++) {
        const activity = structuredClone(bases()[random(3)]!) as Record<string, unknown>;
        for (let n = 1 + random(3); n > 0; n--) {
          const field = fields[random(fields.length)]!;
          const value = oddities[random(oddities.length)];
          if (value === undefined) delete activity[field];
          else activity[field] = structuredClone(value);
        }
        // Keep the spoiled ones that still look like activities from writing anything: the point is their shape.
        if (activity.type === 'message') activity.text = 'help';
        if (activity.type === 'invoke' && activity.name === 'adaptiveCard/action') activity.value = { action: { type: 'Action.Execute', verb: 'customers.page', data: { page: 1 } } };
        const { status } = await bot.post(activity);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }
      expect([...statuses.keys()].filter((s) => ![200, 400, 501].includes(s)), JSON.stringify([...statuses])).to.deep.equal([]);
      expect(statuses.get(400)).to.be.above(1000);
      expect(printed.filter((line) => /\n\s+at /.test(line)), 'stack traces printed').to.deep.equal([]);
      expect(await permissions()).to.deep.equal(before);
      const replies = await bot.say(people.admin, 'customer contoso ltd');
      expect(replies.map(shownText).join()).to.match(/^Contoso Ltd/);
    });
  });
});
