import { z } from 'zod';

/**
 * The shape of a Bot Framework activity as this bot reads it, checked before botbuilder sees it, so that a malformed
 * one is a 400 with a plain reason rather than an exception deep in the SDK. Fields it does not read pass through.
 */
const account = z.looseObject({ id: z.string('the account id, a string').min(1), name: z.string().optional(), aadObjectId: z.string().optional() });

const mention = z.looseObject({ type: z.literal('mention'), mentioned: account, text: z.string().optional() });
const entity = z.union([mention, z.looseObject({ type: z.string().refine((t) => t !== 'mention', 'a mention names who is mentioned') })]);

const cardAction = z.looseObject({ action: z.looseObject({ type: z.string().optional(), verb: z.string().optional(), data: z.unknown().optional() }) }, 'an object with the card action');

export const activitySchema = z
  .looseObject({
    type: z.string('a string such as "message"').min(1).max(64),
    id: z.string().max(256).optional(),
    channelId: z.string('the channel, such as "msteams"').min(1).max(64),
    serviceUrl: z.url({ protocol: /^https?$/, error: 'the http(s) URL replies go to' }),
    from: account,
    recipient: account,
    conversation: z.looseObject({ id: z.string('the conversation id, a string').min(1), conversationType: z.string().optional(), tenantId: z.string().optional() }),
    channelData: z.looseObject({ tenant: z.looseObject({ id: z.string() }).optional() }).optional(),
    replyToId: z.string().optional(),
    text: z.string('text, if any').optional(),
    name: z.string().optional(),
    value: z.unknown().optional(),
    entities: z.array(entity).optional(),
    attachments: z.array(z.looseObject({ contentType: z.string().optional() })).optional(),
    membersAdded: z.array(account).optional(),
    membersRemoved: z.array(account).optional(),
  })
  .superRefine((activity, ctx) => {
    const problem = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (activity.type === 'invoke' && !activity.name) problem('name', 'an invoke names what it asks for');
    if (activity.type === 'invoke' && activity.name === 'adaptiveCard/action' && !cardAction.safeParse(activity.value).success) problem('value', 'an adaptiveCard/action invoke carries an object with the card action');
    if (activity.type === 'message' && activity.value !== undefined && (activity.value === null || typeof activity.value !== 'object')) problem('value', 'a message\'s value, if any, is an object (a card button\'s data)');
  });
