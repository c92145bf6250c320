import type { CardCopy, ChangeRequest, Conversation, Customer, Order, Reservation } from '../data/schemas.ts';

export interface PurchaseNotice {
  customer: Customer;
  order: Order;
  reservation: Reservation;
}

/** A change request with what every card about it shows. */
export interface RequestView {
  request: ChangeRequest;
  customer: Customer;
  reservation: Reservation;
  partnerName: string;
  /** The Teams user ids of the Admin Agents the bot can reach: a card's refresh shows them the buttons. */
  approverIds: string[];
}

/** Whom a copy of a request card is for: Admin Agents decide, the customer's users may withdraw, anyone else reads. */
export type Audience = CardCopy['audience'];

/** Why a request card is sent: a new request, or the half-time reminder. */
export type RequestNews = 'new' | 'reminder';

export type ConversationReference = Conversation['reference'];

/**
 * Writes to people first, in a stored conversation, and updates cards sent before. The bot implements it with the
 * Bot Connector; only the delivery worker calls it, after the change it tells of has committed.
 */
export interface Messenger {
  sendPurchaseNotice(to: ConversationReference, notice: PurchaseNotice): Promise<void>;
  /** Sends a request card; resolves with the id of the activity sent, to update it later. */
  sendRequestCard(to: ConversationReference, view: RequestView, audience: Audience, news: RequestNews): Promise<string>;
  /** Replaces a card sent before with the request as it is now. */
  updateRequestCard(copy: CardCopy, view: RequestView): Promise<void>;
  /** Sends a short text message (Markdown), such as how a request ended. */
  sendText(to: ConversationReference, text: string): Promise<void>;
}
