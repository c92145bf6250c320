import { CardFactory, MessageFactory } from 'botbuilder';
import type { AdaptiveCard } from '../cards/adaptiveCard.ts';
import type { Reply } from './commands/command.ts';

export const textReply = (markdown: string): Reply => MessageFactory.text(markdown);

export const cardReply = (card: AdaptiveCard): Reply => MessageFactory.attachment(CardFactory.adaptiveCard(card));
