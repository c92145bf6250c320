import type { CardCopy } from '../../data/schemas.ts';
import type { Audience, ConversationReference, Messenger, PurchaseNotice, RequestNews, RequestView } from '../../services/messenger.ts';

/** A Messenger that only records what it was asked to send (the Bot Connector's edge, faked); sent cards get ids sent-1, sent-2, ... */
export class RecordingMessenger implements Messenger {
  /** Purchase notices, with the conversation reference each was sent to. */
  readonly sent: { to: ConversationReference; notice: PurchaseNotice }[] = [];
  readonly requestCards: { to: ConversationReference; requestId: string; state: string; audience: Audience; news: RequestNews; activityId: string }[] = [];
  readonly updates: { copy: CardCopy; requestId: string; state: string }[] = [];
  readonly texts: { to: ConversationReference; text: string }[] = [];

  async sendPurchaseNotice(to: ConversationReference, notice: PurchaseNotice): Promise<void> {
    this.sent.push({ to, notice });
  }

  async sendRequestCard(to: ConversationReference, view: RequestView, audience: Audience, news: RequestNews): Promise<string> {
    const activityId = `sent-${this.requestCards.length + 1}`;
    this.requestCards.push({ to, requestId: view.request.id, state: view.request.state, audience, news, activityId });
    return activityId;
  }

  async updateRequestCard(copy: CardCopy, view: RequestView): Promise<void> {
    this.updates.push({ copy, requestId: view.request.id, state: view.request.state });
  }

  async sendText(to: ConversationReference, text: string): Promise<void> {
    this.texts.push({ to, text });
  }
}

/** What a Messenger is asked to do. */
export type SendKind = 'purchaseNotice' | 'requestCard' | 'cardUpdate' | 'text';

/**
 * A RecordingMessenger whose sends of the kinds named (all by default) fail with `connector down`: the first
 * `failures` of them (every one by default), as a Bot Connector that is down for a while. What gets through is recorded.
 */
export class FailingMessenger extends RecordingMessenger {
  /** How many sends of those kinds were tried, failed or not. */
  tries = 0;

  constructor(
    private readonly failures = Infinity,
    private readonly kinds: readonly SendKind[] = ['purchaseNotice', 'requestCard', 'cardUpdate', 'text'],
  ) {
    super();
  }

  private fails(kind: SendKind): boolean {
    if (!this.kinds.includes(kind)) return false;
    this.tries += 1;
    return this.tries <= this.failures;
  }

  override async sendPurchaseNotice(to: ConversationReference, notice: PurchaseNotice): Promise<void> {
    if (this.fails('purchaseNotice')) throw new Error('connector down');
    return super.sendPurchaseNotice(to, notice);
  }

  override async sendRequestCard(to: ConversationReference, view: RequestView, audience: Audience, news: RequestNews): Promise<string> {
    if (this.fails('requestCard')) throw new Error('connector down');
    return super.sendRequestCard(to, view, audience, news);
  }

  override async updateRequestCard(copy: CardCopy, view: RequestView): Promise<void> {
    if (this.fails('cardUpdate')) throw new Error('connector down');
    return super.updateRequestCard(copy, view);
  }

  override async sendText(to: ConversationReference, text: string): Promise<void> {
    if (this.fails('text')) throw new Error('connector down');
    return super.sendText(to, text);
  }
}

/**
 * A RecordingMessenger whose sends wait until `release()`, as a slow Bot Connector: a test can act while a message
 * is on its way. `started` resolves once the first send has begun; what each send shows is taken when it is asked.
 */
export class HeldMessenger extends RecordingMessenger {
  readonly started: Promise<void>;
  private begin!: () => void;
  private open!: () => void;
  private readonly gate = new Promise<void>((resolve) => (this.open = resolve));

  constructor() {
    super();
    this.started = new Promise<void>((resolve) => (this.begin = resolve));
  }

  release(): void {
    this.open();
  }

  private async held(): Promise<void> {
    this.begin();
    await this.gate;
  }

  override async sendPurchaseNotice(to: ConversationReference, notice: PurchaseNotice): Promise<void> {
    await this.held();
    return super.sendPurchaseNotice(to, notice);
  }

  override async sendRequestCard(to: ConversationReference, view: RequestView, audience: Audience, news: RequestNews): Promise<string> {
    await this.held();
    return super.sendRequestCard(to, view, audience, news);
  }

  override async updateRequestCard(copy: CardCopy, view: RequestView): Promise<void> {
    await this.held();
    return super.updateRequestCard(copy, view);
  }

  override async sendText(to: ConversationReference, text: string): Promise<void> {
    await this.held();
    return super.sendText(to, text);
  }
}
