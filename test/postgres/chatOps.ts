import { expect } from 'chai';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Activity } from 'botbuilder';
import type { Store } from '../../data/store.ts';
import type { ConnectorCall, FakeConnector } from '../helpers/fakeConnector.ts';
import type { BotClient } from '../helpers/httpBot.ts';
import { executeActions, shownText } from '../helpers/shown.ts';
import type { TestUser } from '../helpers/testWorld.ts';

/** A bot instance the test talks to, with the connector it answers through. */
export interface Instance extends BotClient {
  name: string;
}

/** A chat step's reply or a click's answer, as one string: what the person sees of it. */
export const seen = (shown: Partial<Activity> | Record<string, unknown> | undefined): string => (shown ? shownText(shown) : '');

/** The Adaptive Card a reply carries. */
export function cardOf(reply: Partial<Activity> | undefined): Record<string, unknown> {
  const content = reply?.attachments?.[0]?.content as Record<string, unknown> | undefined;
  expect(content, `a card was expected, the reply was: ${reply && seen(reply)}`).to.be.an('object');
  return content!;
}

/** The button with this verb on a card. */
export function buttonOf(card: Record<string, unknown>, verb: string): { verb: string; data: Record<string, unknown> } {
  const button = executeActions(card).find((a) => a.verb === verb);
  expect(button, `a ${verb} button was expected on: ${seen(card)}`).to.exist;
  return button!;
}

/** Says `text` and returns the first reply with the id the connector gave it (what a click on its card names as replyToId). */
export async function sayAndKeep(bot: Instance, connector: FakeConnector, user: TestUser, text: string): Promise<{ reply: Partial<Activity>; messageId: string }> {
  const activity = bot.message(user, text);
  const [reply] = await bot.send(activity);
  const call = connector.received.find((c) => c.method === 'POST' && c.activityId === activity.id);
  expect(call?.givenId, `the reply to "${text}" was answered by the connector`).to.be.a('string');
  return { reply: reply!, messageId: call!.givenId! };
}

/** Types a purchase line and returns the quote id of the Buy button on the review card. */
export async function quote(bot: Instance, user: TestUser, line: string): Promise<string> {
  const [review] = await bot.say(user, line);
  return String(buttonOf(cardOf(review), 'purchase.confirm').data.quoteId);
}

/** Clicks Buy on a quote; resolves with the order the answer names and the answer's text. */
export async function confirm(bot: Instance, user: TestUser, quoteId: string): Promise<{ orderId: string; text: string }> {
  const answer = await bot.click(user, 'purchase.confirm', { quoteId });
  const text = seen(answer.value);
  const orderId = /order (O-\d+)/.exec(text)?.[1];
  expect(orderId, `${user.name}'s Buy on ${bot.name} answered: ${text}`).to.be.a('string');
  return { orderId: orderId!, text };
}

/** Types a purchase line and clicks Buy; resolves with the reservation bought. */
export async function buy(bot: Instance, store: Store, user: TestUser, line: string): Promise<string> {
  const quoteId = await quote(bot, user, line);
  const { text } = await confirm(bot, user, quoteId);
  expect(text, `${user.name}'s ${line}`).to.match(/^Bought: order/m);
  return (await store.orderOfQuote(quoteId))!.reservationId;
}

/**
 * A customer user types `cancel <reservation>` and clicks Send request on the form (R15): the form's message is
 * the requester's copy of the request card. Resolves with the request's id.
 */
export async function askToCancel(bot: Instance, connector: FakeConnector, user: TestUser, reservationId: string): Promise<string> {
  const { reply, messageId } = await sayAndKeep(bot, connector, user, `cancel ${reservationId}`);
  const send = buttonOf(cardOf(reply), 'request.create');
  const answer = await bot.click(user, send.verb, send.data, messageId);
  const text = seen(answer.value);
  const id = /Sent to .* as (REQ-\d+)/.exec(text)?.[1];
  expect(id, `${user.name}'s cancel of ${reservationId} on ${bot.name} answered: ${text}`).to.be.a('string');
  return id!;
}

/** Runs `work` on every item, at most `limit` at a time; resolves with the results in the items' order. */
export async function inParallel<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) results[i] = await work(items[i]!, i);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Polls `check` every 100 ms until it returns true; fails after `timeoutMs`, saying `what`. */
export async function waitUntil(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs / 1000} s: ${what}`);
    await sleep(100);
  }
}

/** The far future: every delivery still pending is due by then, whenever its next attempt is. */
const farFuture = '9999-12-31T00:00:00.000Z';

/** The deliveries the outbox still holds (state Pending), claimed or not. */
export const pendingDeliveries = (store: Store, limit = 1000) => store.due.deliveries(farFuture, limit);

/** Waits until the outbox holds nothing pending: every message to others was sent (or failed for good). */
export const outboxEmptied = (store: Store, timeoutMs: number) => waitUntil('the outbox holds nothing pending', timeoutMs, async () => (await pendingDeliveries(store, 1)).length === 0);

/** A POST the bot made on its own (not a reply to a message the test typed: those ids start with "msg-"). */
export const proactive = (call: ConnectorCall) => call.method === 'POST' && call.conversationId !== '' && !call.activityId?.startsWith('msg-');

/** A small seeded generator, so that a failure can be run again as it was. */
export function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}
