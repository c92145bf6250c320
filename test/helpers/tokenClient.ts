import { expect } from 'chai';
import type { HttpBot } from './httpBot.ts';
import { permissionsIn } from './storeRecords.ts';
import type { TestEntra } from './testTokens.ts';
import { personOf, people, type TestUser } from './testWorld.ts';

export interface Answer<T = any> {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed as JSON (undefined when it is not JSON). */
  body: T;
}

/** Who calls: a test user (a token signed by the test's Entra ID at the bot's time), a raw bearer token, or nobody. */
export type Caller = TestUser | { bearer: string } | 'nobody';

/** Calls the bot's JSON endpoints (the /v1 API, the dashboard's) over HTTP with a bearer token, as a script or the page would. */
export function tokenClient(entra: () => TestEntra) {
  async function call<T = any>(bot: HttpBot, who: Caller, method: string, path: string, body?: unknown): Promise<Answer<T>> {
    const headers: Record<string, string> = {};
    if (who !== 'nobody') headers.authorization = `Bearer ${'bearer' in who ? who.bearer : await entra().token(who, bot.world.clock())}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${bot.url}${path}`, { method, headers, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body), signal: AbortSignal.timeout(60_000) });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: res.status, headers: res.headers, text, body: parsed as T };
  }
  return { call, get: <T = any>(bot: HttpBot, who: Caller, path: string) => call<T>(bot, who, 'GET', path) };
}

/** An error answer: the status, and the `{code, description}` body; returns the description. */
export function expectRefusal(answer: Answer, status: number, code: string, description?: RegExp | string): string {
  expect(answer.status, answer.text).to.equal(status);
  expect(answer.body, answer.text).to.include({ code });
  const text = String((answer.body as { description?: string } | undefined)?.description);
  if (typeof description === 'string') expect(text).to.include(description);
  else if (description) expect(text).to.match(description);
  return text;
}

/** Every customer's purchase permission, by customer id, as stored. */
export const permissionsOf = (bot: HttpBot) => permissionsIn(bot.world.store);

/** The newest entry of the log, as an Admin Agent reads it. */
export const newestEntry = async (bot: HttpBot) => (await bot.world.services.activity.read(await personOf(bot.world.services, people.admin), {}, 1))[0]!;
