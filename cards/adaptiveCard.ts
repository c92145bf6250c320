/** The Adaptive Card JSON the bot sends. Version 1.5: Action.Execute (Universal Actions) needs 1.4, and Teams renders 1.5. */
export interface AdaptiveCard {
  type: 'AdaptiveCard';
  $schema: string;
  version: '1.5';
  body: object[];
  actions?: object[];
  /** Universal Actions: the invoke Teams sends when the listed users view the card, whose answer is the card they see. */
  refresh?: { action: object; userIds: string[] };
  msteams?: { width: 'Full' };
}

export function adaptiveCard(body: object[], actions: object[] = [], refresh?: AdaptiveCard['refresh']): AdaptiveCard {
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    body,
    ...(actions.length ? { actions } : {}),
    ...(refresh ? { refresh } : {}),
    msteams: { width: 'Full' },
  };
}

export type Tone = 'good' | 'warning' | 'attention';

/** A coloured banner that tells the outcome of the last action on the card. */
export interface Notice {
  tone: Tone;
  text: string;
  /** The form input it is about (a refusal's CodedError.field): the form shows it right under that input, not at the top. */
  field?: string;
}

/** A notice at the top of a form, unless it is about one of its inputs (`inputNotice` shows it there). */
export const topNotice = (notice: Notice | undefined): object[] => (notice && !notice.field ? [noticeBlock(notice)] : []);

/** A notice about this input, right under it. */
export const inputNotice = (notice: Notice | undefined, inputId: string): object[] =>
  notice?.field === inputId ? [{ type: 'TextBlock', text: notice.text, wrap: true, color: 'Attention', spacing: 'Small' }] : [];

export function noticeBlock(notice: Notice): object {
  return {
    type: 'Container',
    style: notice.tone,
    bleed: true,
    items: [{ type: 'TextBlock', text: notice.text, wrap: true, weight: 'Bolder' }],
  };
}

export function heading(text: string, subtitle?: string): object[] {
  const title = { type: 'TextBlock', text, size: 'Large', weight: 'Bolder', wrap: true };
  return subtitle ? [title, { type: 'TextBlock', text: subtitle, isSubtle: true, spacing: 'None', wrap: true }] : [title];
}

/**
 * A button that runs `command` as if the user had typed it: a plain Action.Submit whose data the bot
 * reads as the message text (the Agents Playground drops the text of imBack buttons).
 */
export function typedCommandAction(title: string, command: string): object {
  return { type: 'Action.Submit', title, data: { command } };
}

export function executeAction(title: string, verb: string, data: Record<string, unknown>, style?: 'positive' | 'destructive'): object {
  return { type: 'Action.Execute', title, verb, data, ...(style ? { style } : {}) };
}
