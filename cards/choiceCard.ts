import { adaptiveCard, heading, typedCommandAction, type AdaptiveCard } from './adaptiveCard.ts';

export interface ChoiceCardModel {
  question: string;
  choices: { title: string; subtitle: string; command: string }[];
}

/** Asks which of several matches was meant; each button re-sends the command naming one of them exactly. */
export function choiceCard({ question, choices }: ChoiceCardModel): AdaptiveCard {
  return adaptiveCard(
    [
      ...heading(question),
      ...choices.map((c) => ({
        type: 'TextBlock',
        text: `**${c.title}** · ${c.subtitle}`,
        wrap: true,
        spacing: 'Small',
      })),
    ],
    choices.map((c) => typedCommandAction(c.title, c.command)),
  );
}
