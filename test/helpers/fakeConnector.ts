import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Activity } from 'botbuilder';

/** One request the bot made to the Bot Connector. */
export interface ConnectorCall {
  method: string;
  path: string;
  /** Empty for a request outside /v3/conversations/{id}/activities. */
  conversationId: string;
  /** The id in `.../activities/{id}`: the activity replied to (POST) or updated (PUT). */
  activityId?: string;
  /** The JSON body; empty when there was none or it was not JSON. */
  activity: Partial<Activity>;
  /** The status it was answered with; undefined while the answer is held (see FakeConnector.hold). */
  status?: number;
  /** The id of the activity the connector said it made (fake-activity-1, 2, ... in the order it answered them), when it answered 200. */
  givenId?: string;
}

export interface FakeConnector {
  /** The serviceUrl to put on activities. It ends with a slash as Teams' do; the connector client accepts it with or without. */
  url: string;
  received: ConnectorCall[];
  /** The first `count` calls that `match`, as soon as they have arrived (already or later); rejects after `timeoutMs`. */
  waitFor(count: number, match?: (call: ConnectorCall) => boolean, timeoutMs?: number): Promise<ConnectorCall[]>;
  /** The next `count` calls made after this one was asked for. */
  next(count: number, timeoutMs?: number): Promise<ConnectorCall[]>;
  clear(): void;
  /** When set, creating a conversation (a personal chat the bot opens) is refused with 403, as Teams does when the app is not installed for the user. */
  refuseNewChats: boolean;
  /**
   * When set, a message sent or updated (a POST or PUT to .../activities) for which it returns a status is answered
   * with that status and an error body instead of 200: a Bot Connector that refuses or fails.
   */
  refuse?: (call: ConnectorCall) => number | undefined;
  /** From now on, answers to messages sent or updated wait until release(): a slow Bot Connector. They are recorded as they arrive. */
  hold(): void;
  /** Answers every held call, and stops holding. */
  release(): void;
  close(): Promise<void>;
}

/**
 * A proactive message: a POST that answers none of the messages a test sent (their ids start with "msg-", see
 * activities.ts). botbuilder's continueConversationAsync posts it "in reply to" the synthetic continuation activity,
 * so its path may carry an id, but never one of ours.
 */
export const proactive = (call: ConnectorCall) => call.method === 'POST' && !call.activityId?.startsWith('msg-');
/** A proactive message in a user's personal chat with the bot. */
export const proactiveTo = (user: { userId: string }) => (call: ConnectorCall) => proactive(call) && call.conversationId === `a:personal-${user.userId}`;

const activitiesPath = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/;
const conversationsPath = /^\/v3\/conversations\/?$/;

/** A Bot Connector on 127.0.0.1 that records what the bot sends and answers each with a new activity id. */
export async function startFakeConnector(): Promise<FakeConnector> {
  const received: ConnectorCall[] = [];
  const waiters = new Set<() => void>();
  let ids = 0;
  let held: (() => void)[] | undefined;

  // Every request is recorded, so that a test can see one it did not expect; only the activity routes are answered 200.
  const server = createServer(async (req, res) => {
    const path = req.url ?? '';
    const route = activitiesPath.exec(path.split('?')[0]!);
    const body = parseJson(await bodyOf(req));
    const known = route && body && (req.method === 'POST' || (req.method === 'PUT' && route[2]));
    const call: ConnectorCall = { method: req.method ?? '', path, conversationId: decodeURIComponent(route?.[1] ?? ''), activityId: route?.[2] && decodeURIComponent(route[2]), activity: body ?? {} };
    received.push(call);
    const member = (body as { members?: { id?: string }[] } | undefined)?.members?.[0]?.id;
    const respond = (status: number, json?: object) => {
      call.status = status;
      answer(res, status, json);
      for (const wake of waiters) wake();
    };
    if (known) {
      const reply = () => {
        const refused = connector.refuse?.(call);
        if (refused) respond(refused, { error: { code: 'ServiceError', message: `The fake Bot Connector answers ${refused}.` } });
        else {
          call.givenId = `fake-activity-${++ids}`;
          respond(200, { id: call.givenId });
        }
      };
      if (held) held.push(reply);
      else reply();
    } else if (req.method === 'POST' && conversationsPath.test(path.split('?')[0]!) && member) {
      if (connector.refuseNewChats) respond(403, { error: { code: 'BotNotInConversationRoster', message: 'The bot is not installed for this user.' } });
      else respond(200, { id: `a:created-${member}` });
    } else respond(404);
    for (const wake of waiters) wake();
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  function waitFor(count: number, match: (call: ConnectorCall) => boolean = () => true, timeoutMs = 3000): Promise<ConnectorCall[]> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = received.filter(match);
        if (found.length < count) return;
        done();
        resolve(found.slice(0, count));
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`the fake connector received ${received.filter(match).length} of the ${count} activities expected within ${timeoutMs} ms`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });
  }

  const connector: FakeConnector = {
    url: `http://127.0.0.1:${port}/`,
    received,
    waitFor,
    next(count, timeoutMs) {
      const already = new Set(received);
      return waitFor(count, (call) => !already.has(call), timeoutMs);
    },
    clear() {
      received.length = 0;
    },
    refuseNewChats: false,
    hold() {
      held ??= [];
    },
    release() {
      const waiting = held ?? [];
      held = undefined;
      for (const reply of waiting) reply();
    },
    async close() {
      connector.release();
      server.close();
      server.closeAllConnections();
      await once(server, 'close');
    },
  };
  return connector;
}

/** Sets status and headers one by one: restify, loaded in the same process by in-process tests, patches ServerResponse.writeHead. */
function answer(res: ServerResponse, status: number, json?: object): void {
  res.statusCode = status;
  if (json) res.setHeader('content-type', 'application/json');
  res.end(json ? JSON.stringify(json) : undefined);
}

async function bodyOf(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string): Partial<Activity> | undefined {
  try {
    return JSON.parse(text) as Partial<Activity>;
  } catch {
    return undefined;
  }
}
