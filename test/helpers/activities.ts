import type { Activity } from 'botbuilder';
import type { TestUser } from './testWorld.ts';

export const botAccount = { id: '28:test-bot', name: 'Reservations' };

/** The fields Teams puts on every activity from this user in a 1:1 chat with the bot. */
function fromTeams(user: TestUser, serviceUrl: string): Partial<Activity> {
  return {
    channelId: 'msteams',
    serviceUrl,
    from: { id: `29:${user.userId}`, name: user.name, aadObjectId: user.userId },
    recipient: botAccount,
    conversation: { id: `a:personal-${user.userId}`, conversationType: 'personal', tenantId: user.tenantId, isGroup: false, name: '' },
    channelData: { tenant: { id: user.tenantId } },
  };
}

export function messageFrom(user: TestUser, text: string, serviceUrl = 'https://smba.test.invalid/'): Partial<Activity> {
  return { ...fromTeams(user, serviceUrl), type: 'message', id: `msg-${Math.random().toString(36).slice(2)}`, text };
}

/** An Action.Submit click: a message with the button's data as its value and no text. */
export function submitFrom(user: TestUser, data: unknown, serviceUrl = 'https://smba.test.invalid/'): Partial<Activity> {
  return { ...fromTeams(user, serviceUrl), type: 'message', id: `sub-${Math.random().toString(36).slice(2)}`, value: data };
}

/** An Action.Execute click as Teams sends it (an `adaptiveCard/action` invoke); `replyToId` is the id of the message holding the card. */
export function invokeFrom(user: TestUser, verb: string, data: unknown, serviceUrl = 'https://smba.test.invalid/', replyToId?: string): Partial<Activity> {
  return {
    ...fromTeams(user, serviceUrl),
    ...(replyToId ? { replyToId } : {}),
    type: 'invoke',
    name: 'adaptiveCard/action',
    id: `inv-${Math.random().toString(36).slice(2)}`,
    value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
  };
}

/** What Teams sends after the bot's sign-in card, when single sign-on got the person's token for the app: a `signin/tokenExchange` invoke. */
export function tokenExchangeFrom(user: TestUser, token: string, serviceUrl = 'https://smba.test.invalid/'): Partial<Activity> {
  return { ...fromTeams(user, serviceUrl), type: 'invoke', name: 'signin/tokenExchange', id: `sso-${Math.random().toString(36).slice(2)}`, value: { id: 'exchange-1', connectionName: 'PartnerCenter', token } };
}

/** Teams' conversationUpdate when `user` joins a conversation with the bot (opening a personal chat, or a team's channel). */
export function joinedBy(user: TestUser, conversationType: 'personal' | 'channel'): Partial<Activity> {
  const activity = fromTeams(user, 'https://smba.test.invalid/');
  return { ...activity, type: 'conversationUpdate', conversation: { ...activity.conversation!, conversationType }, membersAdded: [{ id: activity.from!.id, name: '' }] };
}

/** A shared conversation: a group chat (or a meeting's chat), or a channel thread of a team. */
export interface SharedChat {
  type: 'groupChat' | 'channel';
  id: string;
}

/**
 * The same activity as Teams sends it from a shared conversation: in a channel thread the conversation id carries the
 * thread's ";messageid=", and a message there @mentions the bot (the text then starts with the mention).
 */
export function inSharedChat<A extends Partial<Activity>>(activity: A, chat: SharedChat): A {
  const mention = `<at>${botAccount.name}</at>`;
  const channel = chat.type === 'channel';
  return {
    ...activity,
    conversation: { ...activity.conversation!, id: channel ? `${chat.id};messageid=1700000000000` : chat.id, conversationType: chat.type, isGroup: true },
    channelData: { ...activity.channelData, ...(channel ? { channel: { id: chat.id }, team: { id: `${chat.id}-team` } } : {}) },
    ...(typeof activity.text === 'string' ? { text: `${mention} ${activity.text}`, entities: [{ type: 'mention', mentioned: botAccount, text: mention }] } : {}),
  };
}
