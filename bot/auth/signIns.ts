import { randomUUID } from 'node:crypto';
import { CardFactory, MessageFactory } from 'botbuilder';
import { decodeJwt } from 'jose';
import type { Clock } from '../../services/clock.ts';
import type { Reply } from '../commands/command.ts';
import type { TokenVerifier } from './tokenVerifier.ts';

/** A token is not used in its last minutes: the on-behalf-of exchange and the call after it need some of its life. */
const marginMs = 5 * 60_000;

/**
 * Teams single sign-on in chat: the agents' own tokens for this app, which Teams sends in `signin/tokenExchange` after
 * the bot shows a sign-in card, kept until they expire so that Partner Center writes made from chat act as the agent
 * (the on-behalf-of flow, Partner Center's own role checks). A cache, not state: after a restart, or on another
 * instance, the bot shows the card again and Teams answers it without the agent doing anything.
 */
export class SignIns {
  private readonly tokens = new Map<string, { token: string; expiresAt: number }>();

  constructor(
    private readonly verifier: TokenVerifier,
    private readonly clock: Clock,
    /** The Azure Bot's OAuth connection name Teams echoes, and the app id URI single sign-on tokens are issued for. */
    private readonly settings: { connectionName: string; resource: string },
  ) {}

  /** Keeps the token if it verifies and speaks for this person; else says why not (for the 412 Teams then shows a sign-in button for). */
  async accept(token: string, tenantId: string | undefined, userId: string | undefined): Promise<{ ok: true } | { ok: false; reason: string }> {
    const verification = await this.verifier.verify(`Bearer ${token}`);
    if (!verification.ok) return verification;
    const { caller } = verification;
    if (caller.tenantId !== tenantId || caller.userId !== userId) return { ok: false, reason: 'The token is for someone else than the person in this chat.' };
    this.forget();
    this.tokens.set(key(tenantId, userId), { token, expiresAt: (decodeJwt(token).exp ?? 0) * 1000 });
    return { ok: true };
  }

  /** The person's live token, if Teams gave one. */
  tokenOf(tenantId: string, userId: string): string | undefined {
    const held = this.tokens.get(key(tenantId, userId));
    return held && held.expiresAt - marginMs > this.clock().getTime() ? held.token : undefined;
  }

  /** The card that asks Teams for the person's token (an OAuthCard naming this app's resource). */
  card(): Reply {
    const { connectionName, resource } = this.settings;
    return MessageFactory.attachment(
      CardFactory.oauthCard(connectionName, 'Sign in to Partner Center', 'Partner Center checks who changes a customer\'s permissions: sign in once, then send your request again.', undefined, { id: randomUUID(), uri: resource }),
    );
  }

  get connectionName(): string {
    return this.settings.connectionName;
  }

  /** Drops expired tokens, so that the cache holds only people signed in now. */
  private forget(): void {
    const now = this.clock().getTime();
    for (const [k, held] of this.tokens) if (held.expiresAt <= now) this.tokens.delete(k);
  }
}

const key = (tenantId: string, userId: string) => `${tenantId}|${userId}`;
