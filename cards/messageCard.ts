import { adaptiveCard, heading, noticeBlock, type AdaptiveCard, type Tone } from './adaptiveCard.ts';

/** A card that only says something: the answer to a click that cannot show anything better. */
export function messageCard(title: string, text: string, tone: Tone): AdaptiveCard {
  return adaptiveCard([...heading(title), noticeBlock({ tone, text })]);
}
