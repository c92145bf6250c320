import type { z } from 'zod';
import type { AdaptiveCard } from '../../cards/adaptiveCard.ts';
import type { Person, PersonRole } from '../../services/people.ts';
import type { Services } from '../../services/services.ts';
import type { ChatPlace } from '../chatPlace.ts';

/** A card button's server side, routed by its exact verb. The answer replaces the card that was clicked. */
export interface CardAction<Data = any> {
  verb: string;
  /** Who may click it; anyone else gets the refusal (attempts to change state are refused and logged by the service). */
  roles: readonly PersonRole[];
  /** Only shows something (paging, refresh): a click by someone the directory does not know is no attempt to change anything (R18). */
  readsOnly?: boolean;
  /** The button's data, never trusted: parsed here, then every id is reloaded from the store. */
  data: z.ZodType<Data>;
  run(ctx: CardActionContext, data: Data): Promise<AdaptiveCard>;
}

export interface CardActionContext {
  person: Person;
  services: Services;
  /** The conversation the card is in, and the message that holds it. */
  clicked: ChatPlace;
  /** The person's own token from Teams single sign-on, when they signed in: Partner Center writes act as them. */
  userToken?: string;
  /** Asks Teams for the person's sign-in after the answer (Partner Center needs it to act as them). */
  askSignIn?: () => void;
}

export const defineCardAction = <Data>(action: CardAction<Data>): CardAction<Data> => action;
