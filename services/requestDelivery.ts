import type { ChangeRequestRepository, ConversationRepository, DirectoryRepository, PurchaseRepository } from '../data/repository.ts';
import type { CardCopy, ChangeRequest } from '../data/schemas.ts';
import { requestOutcome } from './changeWords.ts';
import { adminConversations, chatUserId, conversationIdOf } from './conversations.ts';
import { deliver } from './deliver.ts';
import type { Audience, ConversationReference, Messenger, RequestNews, RequestView } from './messenger.ts';

/**
 * Where a change request's cards go (R15–R16): to every Admin Agent who has a personal chat with the bot
 * and to the partner's approvals channel; every copy sent is kept in the store, so that all of them show
 * the decision, even after a restart. A failed delivery fails only itself.
 */
export class RequestDelivery {
  constructor(
    private readonly directory: DirectoryRepository,
    private readonly conversations: ConversationRepository,
    private readonly purchases: PurchaseRepository,
    private readonly repo: ChangeRequestRepository,
    private readonly messenger: Messenger,
  ) {}

  view(request: ChangeRequest): RequestView {
    const customer = this.directory.customer(request.customerId)!;
    const reservation = this.purchases.reservations(customer.id).find((r) => r.id === request.reservationId)!;
    const approverIds = adminConversations(this.directory, this.conversations).flatMap((c) => chatUserId(c) ?? []);
    return { request, customer, reservation, partnerName: this.directory.partner().name, approverIds };
  }

  /** A new request: an approval card to each Admin Agent, and a read-only copy (refreshed to the buttons for Admin Agents) to the channel. */
  async publish(request: ChangeRequest): Promise<void> {
    const channel = this.directory.settings().approvalsChannel;
    await this.send(request, 'new', [...this.approvers(), ...(channel ? [{ reference: channel.reference, audience: 'observer' as const }] : [])]);
  }

  /** The one reminder at half time, to each Admin Agent. */
  async remind(request: ChangeRequest): Promise<void> {
    await this.send(request, 'reminder', this.approvers());
  }

  /**
   * R16: every copy sent now shows how the request ended; with `tellRequester`, the person who asked also gets a
   * short message with the outcome in their chat (their copy of the card is updated in place: no second card).
   */
  async closed(request: ChangeRequest, tellRequester: boolean): Promise<void> {
    const view = this.view(request);
    await Promise.all(request.copies.map((copy) => deliver(`update the card of ${request.id} in ${conversationIdOf(copy.reference) ?? 'an unknown conversation'}`, () => this.messenger.updateRequestCard(copy, view))));
    const asker = this.conversations.conversation(request.requestedBy.tenantId, request.requestedBy.userId);
    if (tellRequester && asker) await deliver(`tell ${asker.userId} how ${request.id} ended`, () => this.messenger.sendText(asker.reference, requestOutcome(request, view.customer)));
  }

  private approvers(): { reference: ConversationReference; audience: Audience }[] {
    return adminConversations(this.directory, this.conversations).map((c) => ({ reference: c.reference, audience: 'approver' }));
  }

  private async send(request: ChangeRequest, news: RequestNews, targets: { reference: ConversationReference; audience: Audience }[]): Promise<void> {
    const view = this.view(request);
    const sent = await Promise.all(
      targets.map(async ({ reference, audience }): Promise<CardCopy | undefined> => {
        const activityId = await deliver(`send ${request.id} to ${conversationIdOf(reference) ?? 'an unknown conversation'}`, () => this.messenger.sendRequestCard(reference, view, audience, news));
        return activityId ? { audience, reference, activityId } : undefined;
      }),
    );
    const copies = sent.filter((c) => c !== undefined);
    if (copies.length) await this.repo.change((records) => records.request(request.id)!.copies.push(...copies));
  }
}
