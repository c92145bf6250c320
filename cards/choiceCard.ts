import { adaptiveCard, heading, typedCommandAction, type AdaptiveCard } from './adaptiveCard.ts';

/** Teams shows at most five top-level actions on a card. */
export const maxChoices = 5;

export interface ChoiceCardModel {
  question: string;
  choices: { title: string; subtitle: string; command: string }[];
}

/** Asks which of several matches was meant; each button re-sends the command naming one of them exactly. */
export function choiceCard({ question, choices }: ChoiceCardModel): AdaptiveCard {
  const shown = choices.slice(0, maxChoices);
  const more = choices.length - shown.length;
  return adaptiveCard(
    [
      ...heading(question),
      ...shown.map((c) => ({ type: 'TextBlock', text: `**${c.title}** · ${c.subtitle}`, wrap: true, spacing: 'Small' })),
      ...(more > 0 ? [{ type: 'TextBlock', text: `…and ${more} more. Type more of the name to narrow it down.`, wrap: true, isSubtle: true }] : []),
    ],
    shown.map((c) => typedCommandAction(c.title, c.command)),
  );
}
