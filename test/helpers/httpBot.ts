import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { Activity } from 'botbuilder';
import { buildServer } from '../../bot/server.ts';
import { invokeFrom, messageFrom } from './activities.ts';
import { startFakeConnector, type FakeConnector } from './fakeConnector.ts';
import { openTestStore, testWorld, type TestStore, type TestUser } from './testWorld.ts';
import { ProactiveMessenger } from '../../bot/proactiveMessenger.ts';
import type { WorldInput } from '../../data/schemas.ts';
import { TokenVerifier, type TrustedIssuer } from '../../bot/auth/tokenVerifier.ts';
import type { DevSignIn } from '../../bot/auth/devSignIn.ts';
import type { HttpLimits } from '../../bot/http/httpLimits.ts';
import type { Server as NodeServer } from 'node:http';
import type { DeliveryPolicy } from '../../services/deliveryWorker.ts';

/** What the bot answers an `adaptiveCard/action` invoke with, in the HTTP response body. */
export interface InvokeAnswer {
  statusCode: number;
  type: string;
  value: Record<string, unknown>;
}

export interface BotClient {
  /** POSTs to /api/messages: an object as JSON, a string as it is (with a JSON content type). */
  post(body: object | string): Promise<{ status: number; body: unknown }>;
  /** The message activity Teams would send for `user` typing `text`, with the fake connector as its serviceUrl. */
  message(user: TestUser, text: string): Partial<Activity>;
  /** POSTs a message activity and returns the replies the connector received for it (at least `expected` of them). */
  send(activity: Partial<Activity>, expected?: number): Promise<Partial<Activity>[]>;
  say(user: TestUser, text: string): Promise<Partial<Activity>[]>;
  /** An Action.Execute click; `replyToId` is the id of the message that holds the card clicked. */
  click(user: TestUser, verb: string, data: unknown, replyToId?: string): Promise<InvokeAnswer>;
}

/** Talks to a bot listening at `baseUrl` as Teams would, with `connector` as the activities' serviceUrl. */
export function botClient(baseUrl: string, connector: FakeConnector): BotClient {

  async function post(body: object | string) {
    const res = await fetch(`${baseUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
      signal: AbortSignal.timeout(5000),
    });
    const text = await res.text();
    return { status: res.status, body: text ? parseOrText(text) : undefined };
  }

  async function send(activity: Partial<Activity>, expected = 1) {
    const { status, body } = await post(activity);
    if (status !== 200) throw new Error(`POST /api/messages answered ${status}: ${JSON.stringify(body)}`);
    const repliesToIt = (call: { activityId?: string }) => call.activityId === activity.id;
    await connector.waitFor(expected, repliesToIt);
    return connector.received.filter(repliesToIt).map((call) => call.activity);
  }

  const message = (user: TestUser, text: string) => messageFrom(user, text, connector.url);

  return {
    post,
    message,
    send,
    say: (user, text) => send(message(user, text)),
    async click(user, verb, data, replyToId) {
      const { status, body } = await post(invokeFrom(user, verb, data, connector.url, replyToId));
      if (status !== 200) throw new Error(`the invoke answered HTTP ${status}: ${JSON.stringify(body)}`);
      return body as InvokeAnswer;
    },
  };
}

export interface HttpBot extends BotClient {
  url: string;
  /** The Node server under restify, to see what it holds (its connections). */
  server: NodeServer;
  connector: FakeConnector;
  /** The store and services behind the server, to check the state after. */
  world: TestStore;
  close(): Promise<void>;
}

export interface HttpBotOptions {
  /** The token issuers the HTTP API and the dashboard trust (none by default: every bearer token is refused). */
  trusted?: TrustedIssuer[];
  devSignIn?: DevSignIn;
  limits?: HttpLimits;
  /** How hard the delivery worker tries to send what the outbox holds (the bot's own policy by default). */
  policy?: DeliveryPolicy;
}

/**
 * The real server from bot/server.ts, without Bot Framework authentication, over a fresh store holding `world`
 * (the test world by default), on a random port. Tokens are checked against the test's fixed clock.
 *
 * Messages to others (request cards and their updates, purchase notices, texts) go through the outbox: the
 * services kick the delivery worker after each change, and it sends them to the fake connector after the answer.
 * The worker does not poll (the clock stands still): a retry is due once the test moves the clock past its
 * backoff and calls `world.delivered()`.
 */
export async function startHttpBot(worldInput: WorldInput = testWorld(), { trusted = [], devSignIn, limits, policy }: HttpBotOptions = {}): Promise<HttpBot> {
  const bot = { MicrosoftAppId: '', MicrosoftAppPassword: '', MicrosoftAppTenantId: '', MicrosoftAppType: 'MultiTenant' };
  const world = await openTestStore(worldInput, new ProactiveMessenger(bot), { policy });
  const connector = await startFakeConnector();
  const verifier = new TokenVerifier(devSignIn ? [...trusted, devSignIn.trusted] : trusted, world.clock);
  const server = buildServer(world.services, { bot, verifier, devSignIn, limits });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    ...botClient(url, connector),
    url,
    server: server.server,
    connector,
    world,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.server.closeAllConnections();
      await closed;
      // The delivery worker stops (finishing any send under way) before the connector it sends to goes away.
      await world.close();
      await connector.close();
      await world.dispose();
    },
  };
}

function parseOrText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
