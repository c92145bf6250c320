import { expect } from 'chai';
import type { CardCopy, ChangeRequest, LogEntry, Reservation } from '../../data/schemas.ts';
import type { Store } from '../../data/store.ts';
import type { ChangeInput } from '../../services/changeRules.ts';
import { CodedError, ErrorCode } from '../../services/codedError.ts';
import { Operation } from '../../services/operations.ts';
import { deliveryPolicy } from '../../services/deliveryWorker.ts';
import { createServices } from '../../services/services.ts';
import { buy, logEntries, tailspinOwner } from '../helpers/buying.ts';
import { fixedClock } from '../helpers/fixedClock.ts';
import { FailingMessenger, RecordingMessenger } from '../helpers/recordingMessenger.ts';
import { rejectionOf } from '../helpers/rejectionOf.ts';
import { ask, chatOf, decide, requestWorld, tailspinReservation, talkedToTheBot } from '../helpers/requesting.ts';
import { contosoId, fabrikamId, openTestStore, partnerTenant, people, personOf, storeContents, tailspinId, type TestStore, type TestUser } from '../helpers/testWorld.ts';

const dayMs = 86_400_000;
const hourMs = 3_600_000;

const tia = { tenantId: tailspinId, userId: 'tailspin-owner', name: 'Tia Owner', role: 'CustomerUser' } as const;
const ada = { tenantId: partnerTenant, userId: 'admin-1', name: 'Ada Admin', role: 'AdminAgent' } as const;
const bot = { tenantId: partnerTenant, userId: 'system', name: 'Reservations bot', role: 'System' } as const;

const channel = { conversation: { id: '19:chan@thread.tacv2' } };

/** 1 × Standard_D4s_v5 in eastus for 1 year: USD 1,200.00, typed as a customer would ("1y", "1"). */
const toD4s: ChangeInput = { kind: 'Exchange', sku: 'standard_d4s_v5', region: 'EastUS', term: '1y', quantity: '1' };

describe('change requests (services/changeRequests.ts, R15–R18)', () => {
  let t: TestStore;
  beforeEach(async () => {
    t = await openTestStore(requestWorld());
  });
  afterEach(() => t.dispose());

  const as = (user: TestUser) => personOf(t.services, user);
  const stored = (id = 'REQ-1001'): Promise<ChangeRequest | undefined> => t.store.request(id);
  const reservationNamed = (id: string): Promise<Reservation | undefined> => t.store.reservation(id);
  const ordersOfTailspin = () => t.store.orders(tailspinId);
  const entriesOf = async (operation: string): Promise<LogEntry[]> => (await logEntries(t)).filter((e) => e.operation === operation);
  const setChannel = async () => t.services.settings.setApprovalsChannel(await as(people.admin), { type: 'channel', reference: channel }, t.clock());
  const cardsOf = (news: string) => t.messenger.requestCards.filter((c) => c.news === news);
  /** Who a card went to: the chat's user id, or the channel. */
  const recipient = (to: Record<string, unknown>) => ((to.user as { id?: string } | undefined)?.id ?? (to.conversation as { id: string }).id);

  describe('(R15) a customer user asks for a change', () => {
    it('(R15, R17) a cancel: Pending as REQ-1001, expiring 7 days later, with the refund estimate of that day', async () => {
      await tailspinReservation(t); // 2 × USD 600.00 on 2026-01-31, expiring 2027-01-31
      t.clock.set('2026-03-01T12:00:00.000Z');
      const view = await ask(t, tailspinOwner, 'r-1001', { kind: 'Cancel' }, '  The project ended  ');
      expect(view.request).to.deep.include({
        id: 'REQ-1001',
        customerId: tailspinId,
        reservationId: 'R-1001',
        change: { kind: 'Cancel' },
        comment: 'The project ended',
        requestedBy: tia,
        requestedAt: '2026-03-01T12:00:00.000Z',
        expiresAt: '2026-03-08T12:00:00.000Z',
        state: 'Pending',
      });
      // 2026-01-31 → 2027-01-31 is 365 days; from 2026-03-01, 336 remain: 1200 × 336 / 365 = 1104.657… → 1104.66.
      expect(view.request.estimate).to.deep.equal({ asOf: '2026-03-01', totalDays: 365, remainingDays: 336, unusedValue: 1104.66, currency: 'USD', quantity: 2, unitPrice: 600, priceBasis: 'Paid', allowance: 50000 });
      expect(view.request.closedBy).to.equal(undefined);
      expect(await stored(), 'kept in the store as shown').to.deep.equal(view.request);
      expect((await reservationNamed('R-1001'))!.status, 'nothing changes until an Admin Agent decides').to.equal('Active');
      expect((await ordersOfTailspin()).map((o) => o.type)).to.deep.equal(['Purchase']);
    });

    it('(R17) the cancel form shows the same estimate and the allowance left', async () => {
      await tailspinReservation(t);
      t.clock.set('2026-03-01T12:00:00.000Z');
      const form = await t.services.requests.form(await as(tailspinOwner), 'R-1001', 'Cancel');
      expect(form.figures).to.deep.equal({ asOf: '2026-03-01', totalDays: 365, remainingDays: 336, unusedValue: 1104.66, currency: 'USD', quantity: 2, unitPrice: 600, priceBasis: 'Paid', allowance: 50000 });
      expect(form.reservation.id).to.equal('R-1001');
      expect(form.lifetimeDays).to.equal(7);
    });

    it('(R17) the exchange form offers only priced rows of the same product type, with the credit', async () => {
      await tailspinReservation(t);
      t.clock.set('2026-03-01T12:00:00.000Z');
      const form = await t.services.requests.form(await as(tailspinOwner), 'R-1001', 'Exchange');
      expect(form.figures).to.deep.include({ unusedValue: 1104.66, remainingDays: 336 });
      expect(form.offers.map((o) => `${o.product.sku} ${o.price.region} ${o.price.term}`).sort()).to.deep.equal([
        'Standard_D2s_v5 eastus P1Y',
        'Standard_D2s_v5 westeurope P1Y',
        'Standard_D4s_v5 eastus P1Y',
        'Standard_D4s_v5 eastus P3Y',
      ]);
    });

    it('(R15, R17) an exchange: the credit, the new total and what is due beyond it', async () => {
      await tailspinReservation(t);
      t.clock.set('2026-03-01T12:00:00.000Z');
      const { request } = await ask(t, tailspinOwner, 'R-1001', toD4s);
      expect(request.change).to.deep.equal({ kind: 'Exchange', sku: 'Standard_D4s_v5', region: 'eastus', term: 'P1Y', quantity: 1 });
      // Credit 1104.66 (as for the cancel); new total 1 × 1200.00; due 1200.00 − 1104.66 = 95.34.
      expect(request.estimate).to.deep.equal({ asOf: '2026-03-01', totalDays: 365, remainingDays: 336, unusedValue: 1104.66, currency: 'USD', quantity: 2, unitPrice: 600, priceBasis: 'Paid', newTotal: 1200, due: 95.34 });
      expect(request.state).to.equal('Pending');
    });

    it('(R15) a renewal and a scope change: pending, without figures', async () => {
      await tailspinReservation(t);
      await tailspinReservation(t, '2026-02-02');
      t.clock.set('2026-03-01T12:00:00.000Z');
      const renew = await ask(t, tailspinOwner, 'R-1001', { kind: 'Renew', autoRenew: true });
      const scope = await ask(t, tailspinOwner, 'R-1002', { kind: 'Scope', scope: { type: 'Single', subscriptionId: 'sub-tailspin-plan' } });
      expect(renew.request).to.deep.include({ id: 'REQ-1001', reservationId: 'R-1001', change: { kind: 'Renew', autoRenew: true }, state: 'Pending' });
      expect(scope.request).to.deep.include({ id: 'REQ-1002', reservationId: 'R-1002', change: { kind: 'Scope', scope: { type: 'Single', subscriptionId: 'sub-tailspin-plan' } }, state: 'Pending' });
      expect(renew.request.estimate).to.equal(undefined);
      expect(scope.request.estimate).to.equal(undefined);
      expect((await t.store.requests()).map((r) => r.id)).to.deep.equal(['REQ-1001', 'REQ-1002']);
    });

    it('(R16, R18) the log has one Request Reservation Change, Succeeded, with the request after', async () => {
      await tailspinReservation(t);
      t.clock.set('2026-03-01T12:00:00.000Z');
      await ask(t, tailspinOwner, 'R-1001', { kind: 'Cancel' }, 'no longer needed');
      const entries = await entriesOf(Operation.RequestChange);
      expect(entries).to.have.length(1);
      expect(entries[0]).to.deep.include({ at: '2026-03-01T12:00:00.000Z', outcome: 'Succeeded', actor: tia, customerId: tailspinId, customerName: 'Tailspin Toys', target: 'REQ-1001: cancel R-1001' });
      expect(entries[0]!.after).to.deep.equal({
        request: 'REQ-1001',
        state: 'Pending',
        change: { kind: 'Cancel' },
        estimate: { asOf: '2026-03-01', totalDays: 365, remainingDays: 336, unusedValue: 1104.66, currency: 'USD', quantity: 2, unitPrice: 600, priceBasis: 'Paid', allowance: 50000 },
        comment: 'no longer needed',
        expiresAt: '2026-03-08T12:00:00.000Z',
      });
    });

    it('(R15) the approval card goes to each Admin Agent who talked to the bot, never to the Sales or Help Desk Agent; the copies are kept', async () => {
      await talkedToTheBot(t, people.admin, people.admin2, people.sales, people.helpdesk, tailspinOwner);
      await tailspinReservation(t);
      const view = await ask(t, tailspinOwner, 'R-1001', { kind: 'Cancel' });
      await t.delivered();
      const cards = t.messenger.requestCards;
      expect(cards.map((c) => ({ to: recipient(c.to), requestId: c.requestId, state: c.state, audience: c.audience, news: c.news })).sort((a, b) => a.to.localeCompare(b.to))).to.deep.equal([
        { to: '29:admin-1', requestId: 'REQ-1001', state: 'Pending', audience: 'approver', news: 'new' },
        { to: '29:admin-2', requestId: 'REQ-1001', state: 'Pending', audience: 'approver', news: 'new' },
      ]);
      const copies = (await stored())!.copies;
      expect(copies.map((c) => c.activityId).sort()).to.deep.equal(['sent-1', 'sent-2']);
      for (const card of cards) expect(copies).to.deep.include({ audience: 'approver', reference: card.to, activityId: card.activityId });
      expect(view.approverIds.sort(), 'the card shows the buttons to these Teams users').to.deep.equal(['29:admin-1', '29:admin-2']);
    });

    it('(R15) an Admin Agent who never talked to the bot gets no card (there is nowhere to write); the request is made all the same', async () => {
      await talkedToTheBot(t, people.admin2);
      await tailspinReservation(t);
      await ask(t, tailspinOwner, 'R-1001', { kind: 'Cancel' });
      await t.delivered();
      expect(t.messenger.requestCards.map((c) => recipient(c.to))).to.deep.equal(['29:admin-2']);
      expect((await stored())!.state).to.equal('Pending');
    });

    it('(R15) with an approvals channel set, the channel gets an observer copy, kept with the others', async () => {
      await talkedToTheBot(t, people.admin);
      await setChannel();
      await tailspinReservation(t);
      await ask(t, tailspinOwner, 'R-1001', { kind: 'Cancel' });
      await t.delivered();
      const channelCards = t.messenger.requestCards.filter((c) => recipient(c.to) === '19:chan@thread.tacv2');
      expect(channelCards).to.have.length(1);
      expect(channelCards[0]).to.deep.include({ audience: 'observer', news: 'new', requestId: 'REQ-1001' });
      const copies = (await stored())!.copies;
      expect(copies).to.have.length(2);
      expect(copies).to.deep.include({ audience: 'observer', reference: channel, activityId: channelCards[0]!.activityId });
      expect(copies).to.deep.include({ audience: 'approver', reference: chatOf(people.admin), activityId: t.messenger.requestCards.find((c) => c.audience === 'approver')!.activityId });
    });

    it('(R15) the card the customer asked from is kept as a requester copy', async () => {
      await talkedToTheBot(t, people.admin);
      await tailspinReservation(t);
      const from: Omit<CardCopy, 'audience'> = { reference: { conversation: { id: 'chat-tailspin-owner' } }, activityId: 'form-card-7' };
      await t.services.requests.create(await as(tailspinOwner), 'R-1001', { kind: 'Cancel' }, undefined, from);
      // (The outbox may already be sending the approval card: the requester copy comes first either way.)
      expect((await stored())!.copies[0], 'the requester copy is kept with the request').to.deep.equal({ audience: 'requester', reference: { conversation: { id: 'chat-tailspin-owner' } }, activityId: 'form-card-7' });
      await t.delivered();
      expect((await stored())!.copies, 'and the approval card once it is sent').to.deep.equal([
        { audience: 'requester', reference: { conversation: { id: 'chat-tailspin-owner' } }, activityId: 'form-card-7' },
        { audience: 'approver', reference: chatOf(people.admin), activityId: 'sent-1' },
      ]);
    });

    it('(R16) two requests for the same reservation at once make one request', async () => {
      await tailspinReservation(t);
      const results = await Promise.allSettled([ask(t, tailspinOwner, 'R-1001', { kind: 'Cancel' }), ask(t, tailspinOwner, 'R-1001', { kind: 'Renew', autoRenew: true })]);
      expect(results.map((r) => r.status).sort()).to.deep.equal(['fulfilled', 'rejected']);
      const refused = results.find((r) => r.status === 'rejected')!.reason as CodedError;
      expect(refused.code).to.equal(ErrorCode.RequestAlreadyPending);
      expect(await t.store.requests()).to.have.length(1);
      expect((await entriesOf(Operation.RequestChange)).map((e) => e.outcome).sort()).to.deep.equal(['Refused', 'Succeeded']);
    });
    it('(R15) a reservation the partner bought for the customer is asked about the same way', async () => {
      t.clock.set('2026-01-31T10:00:00.000Z');
      const { reservation } = await buy(t, people.sales, fabrikamId, { billingSubscriptionId: 'sub-fabrikam-plan' });
      const { request } = await ask(t, people.fabrikamUser, reservation.id, { kind: 'Cancel' });
      expect(request).to.deep.include({ customerId: fabrikamId, reservationId: reservation.id, state: 'Pending' });
      expect(request.requestedBy).to.deep.include({ userId: 'fabrikam-user', role: 'CustomerUser' });
    });

    it('(R15) with the approvals channel turned off again, new requests go to the Admin Agents only', async () => {
      await talkedToTheBot(t, people.admin);
      await setChannel();
      await t.services.settings.setApprovalsChannel(await as(people.admin), 'off', t.clock());
      await tailspinReservation(t);
      await ask(t, tailspinOwner, 'R-1001', { kind: 'Cancel' });
      await t.delivered();
      expect(t.messenger.requestCards.map((c) => recipient(c.to))).to.deep.equal(['29:admin-1']);
      expect((await stored())!.copies.map((c) => c.audience)).to.deep.equal(['approver']);
    });

    it('a comment longer than the 500 characters a request keeps never leaves a store that cannot be opened again', async () => {
      await tailspinReservation(t);
      await ask(t, tailspinOwner, 'R-1001', { kind: 'Cancel' }, 'x'.repeat(600)).catch((err: unknown) => {
        if (!(err instanceof CodedError)) throw err; // refusing it is fine too
      });
      await t.close();
      const again = await t.reopen(); // once: StoreError "not a valid store … comment: Too big"
      const kept = (await again.requests())[0]?.comment;
      await again.close();
      expect(kept?.length ?? 0, 'what is kept fits the schema (max 500)').to.be.at.most(500);
    });
  });

  describe('(R15, R17, R18) asking is refused: logged once, nothing stored', () => {
    /** Tailspin's R-1001 (2 × USD 600.00 bought 2026-01-31) exists; `setup` may do more and returns the id asked about. */
    const cases: { title: string; by?: TestUser; setup?(t: TestStore): Promise<string | void>; reservationId?: string; change: ChangeInput; code: ErrorCode; says: RegExp; saysNot?: RegExp; loggedFor?: string }[] = [
      { title: 'an agent asks (customers ask, Admin Agents decide)', by: people.admin, change: { kind: 'Cancel' }, code: ErrorCode.RoleNotAllowed, says: /customer's own users/ },
      { title: 'a Sales Agent asks', by: people.sales, change: { kind: 'Renew', autoRenew: true }, code: ErrorCode.RoleNotAllowed, says: /decided by Test Partner's Admin Agents/ },
      { title: 'an unknown reservation', reservationId: 'R-9999', change: { kind: 'Cancel' }, code: ErrorCode.ReservationNotFound, says: /You have no reservation "R-9999"/, loggedFor: tailspinId },
      {
        title: "another customer's reservation (nothing is said of it)",
        setup: async (t) => {
          await t.services.permissions.set(await personOf(t.services, people.admin), contosoId, true);
          const { reservation } = await buy(t, people.contosoOwner, contosoId, { billingSubscriptionId: 'sub-contoso-plan', region: 'westeurope' });
          return reservation.id;
        },
        change: { kind: 'Cancel' },
        code: ErrorCode.ReservationNotFound,
        says: /You have no reservation "R-1002"/,
        saysNot: /Contoso|westeurope|650|cancelled|expired/i,
        loggedFor: tailspinId,
      },
      {
        title: 'a reservation with a request already pending (it is named)',
        setup: async (t) => {
          t.clock.set('2026-02-10T08:30:00.000Z');
          await ask(t, tailspinOwner, 'R-1001', { kind: 'Renew', autoRenew: true });
        },
        change: { kind: 'Cancel' },
        code: ErrorCode.RequestAlreadyPending,
        says: /R-1001 already has a request waiting for a decision: REQ-1001 \(renewal\), asked on 2026-02-10 08:30 UTC.*withdraw REQ-1001/,
      },
      { title: 'an exchange to another product type', change: { kind: 'Exchange', sku: 'SQLDB_GP_2vCore', region: 'eastus', term: 'P1Y', quantity: 1 }, code: ErrorCode.ExchangeNotAllowed, says: /one product type: R-1001 is VirtualMachines, and SQLDB_GP_2vCore is SqlDatabase/ },
      {
        title: 'an exchange whose new total is below the credit',
        setup: async (t) => t.clock.set('2026-03-01T12:00:00.000Z'),
        change: { kind: 'Exchange', sku: 'Standard_D2s_v5', region: 'westeurope', term: 'P1Y', quantity: 1 },
        code: ErrorCode.ExchangeNotAllowed,
        says: /1 × USD 650\.50 = USD 650\.50\) must be at least the credit from R-1001 \(USD 1,104\.66\)/,
      },
      { title: 'an exchange identical to the reservation', change: { kind: 'Exchange', sku: 'Standard_D2s_v5', region: 'eastus', term: '1y', quantity: 2 }, code: ErrorCode.NothingToChange, says: /R-1001 already is 2 × Standard_D2s_v5 in eastus for 1 year/ },
      { title: 'an exchange to a row without a partner price', change: { kind: 'Exchange', sku: 'Standard_D2s_v5', region: 'eastus', term: 'P3Y', quantity: 2 }, code: ErrorCode.NoPartnerPrice, says: /./ },
      { title: 'an exchange to an unknown product', change: { kind: 'Exchange', sku: 'Standard_Z99', region: 'eastus', term: 'P1Y', quantity: 1 }, code: ErrorCode.UnknownProduct, says: /Standard_Z99/ },
      { title: 'an exchange of quantity 0', change: { kind: 'Exchange', sku: 'Standard_D4s_v5', region: 'eastus', term: 'P1Y', quantity: '0' }, code: ErrorCode.InvalidQuantity, says: /./ },
      { title: 'a renewal to the state it already has', change: { kind: 'Renew', autoRenew: false }, code: ErrorCode.NothingToChange, says: /Auto-renew of R-1001 is already off/ },
      { title: 'a scope change to the same scope', change: { kind: 'Scope', scope: { type: 'Shared' } }, code: ErrorCode.NothingToChange, says: /already "Shared"/ },
      { title: "a scope on a subscription that is not the customer's", change: { kind: 'Scope', scope: { type: 'Single', subscriptionId: 'sub-contoso-plan' } }, code: ErrorCode.InvalidScope, says: /"sub-contoso-plan" is not one of Tailspin Toys'?s? active Azure subscriptions/ },
      { title: "a scope on a management group that is not the customer's", change: { kind: 'Scope', scope: { type: 'ManagementGroup', managementGroupId: 'contoso-mg' } }, code: ErrorCode.InvalidScope, says: /contoso-mg/, saysNot: /Contoso Root/ },
      {
        title: 'an expired reservation (the clock is at its expiry day)',
        setup: async (t) => t.clock.set('2027-01-31T00:00:00.000Z'),
        change: { kind: 'Renew', autoRenew: true },
        code: ErrorCode.ReservationNotActive,
        says: /R-1001 expired on 2027-01-31, so it can no longer be changed/,
      },
      {
        title: 'a cancelled reservation',
        setup: async (t) => {
          t.clock.set('2026-03-01T12:00:00.000Z');
          await ask(t, tailspinOwner, 'R-1001', { kind: 'Cancel' });
          await decide(t, 'REQ-1001', 'Approved');
        },
        change: { kind: 'Scope', scope: { type: 'Single', subscriptionId: 'sub-tailspin-plan' } },
        code: ErrorCode.ReservationNotActive,
        says: /R-1001 was cancelled on 2026-03-01, so it can no longer be changed/,
      },
    ];

    for (const { title, by = tailspinOwner, setup, reservationId, change, code, says, saysNot, loggedFor } of cases) {
      it(`${title}: refused ${code}`, async () => {
        await tailspinReservation(t);
        const asked = (await setup?.(t)) ?? reservationId ?? 'R-1001';
        await t.delivered();
        const before = await storeContents(t.store);
        const logSize = await t.services.activity.size();
        const error = await rejectionOf(ask(t, by, asked, change), CodedError);
        expect(error.code).to.equal(code);
        expect(error.message).to.match(says);
        if (saysNot) expect(error.message).not.to.match(saysNot);
        const after = await storeContents(t.store);
        expect(after.requests, 'no request stored').to.deep.equal(before.requests);
        expect(after.reservations).to.deep.equal(before.reservations);
        expect(after.orders).to.deep.equal(before.orders);
        expect(after.pendingDeliveries, 'nothing to send').to.deep.equal(before.pendingDeliveries);
        expect(await t.services.activity.size(), 'one entry').to.equal(logSize + 1);
        const [newest] = await logEntries(t);
        expect(newest).to.deep.include({ operation: Operation.RequestChange, outcome: 'Refused', reason: { code, message: error.message } });
        expect(newest!.actor.userId).to.equal(by.userId);
        expect(newest!.customerId).to.equal(loggedFor ?? (by === tailspinOwner ? tailspinId : undefined));
      });
    }

    it('(R15) the form of a refused change is refused and logged the same way; formAgain neither throws nor logs', async () => {
      await tailspinReservation(t);
      t.clock.set('2027-02-01T00:00:00.000Z');
      const logSize = await t.services.activity.size();
      const error = await rejectionOf(t.services.requests.form(await as(tailspinOwner), 'R-1001', 'Cancel'), CodedError);
      expect(error.code).to.equal(ErrorCode.ReservationNotActive);
      expect(await t.services.activity.size()).to.equal(logSize + 1);
      expect(await t.services.requests.formAgain(await as(tailspinOwner), 'R-1001', 'Cancel')).to.equal(undefined);
      expect(await t.services.activity.size()).to.equal(logSize + 1);
    });
  });

  describe('(R17) the refund cap: USD 50,000 per customer in any rolling 12 months', () => {
    it('a cancel whose refund passes the cap is refused at form() and at create(), saying what allowance is left', async () => {
      await tailspinReservation(t, '2026-01-31', 100); // 100 × 600.00 = 60,000.00
      t.clock.set('2026-02-01T09:00:00.000Z');
      // 60000 × 364 / 365 = 59,835.616… → 59,835.62; nothing refunded yet, so 50,000.00 is left.
      const atForm = await rejectionOf(t.services.requests.form(await as(tailspinOwner), 'R-1001', 'Cancel'), CodedError);
      const atCreate = await rejectionOf(ask(t, tailspinOwner, 'R-1001', { kind: 'Cancel' }), CodedError);
      for (const error of [atForm, atCreate]) {
        expect(error.code).to.equal(ErrorCode.RefundCapExceeded);
        expect(error.message).to.match(/A refund of USD 59,835\.62 would pass the refund cap of USD 50,000\.00/);
        expect(error.message).to.match(/since 2025-02-02, only USD 50,000\.00 more can be refunded/);
        expect(error.message).to.match(/exchange/);
      }
      expect(await t.store.requests()).to.deep.equal([]);
      expect((await reservationNamed('R-1001'))!.status).to.equal('Active');
      const refused = (await entriesOf(Operation.RequestChange)).filter((e) => e.outcome === 'Refused');
      expect(refused.map((e) => e.reason?.code)).to.deep.equal([ErrorCode.RefundCapExceeded, ErrorCode.RefundCapExceeded]);
    });

    it('an exchange of the same big reservation is not limited by the cap, and does not use any of it up', async () => {
      await tailspinReservation(t, '2026-01-31', 100);
      t.clock.set('2026-02-01T09:00:00.000Z');
      // Credit 59,835.62; new total 50 × 1200.00 = 60,000.00; due 164.38.
      const { request } = await ask(t, tailspinOwner, 'R-1001', { kind: 'Exchange', sku: 'Standard_D4s_v5', region: 'eastus', term: 'P1Y', quantity: 50 });
      expect(request.estimate).to.deep.include({ unusedValue: 59835.62, newTotal: 60000, due: 164.38 });
      const { view } = await decide(t, request.id, 'Approved');
      expect(view.request.state).to.equal('Approved');
      expect((await ordersOfTailspin()).map((o) => o.type)).to.deep.equal(['Purchase', 'Exchange']);
      await tailspinReservation(t, '2026-02-01'); // R-1003, 1,200.00
      const form = await t.services.requests.form(await as(tailspinOwner), 'R-1003', 'Cancel');
      expect(form.figures!.allowance, 'an exchange does not count against the cap').to.equal(50000);
    });

    it('earlier approved refunds count: the allowance left is said; it comes back once they are older than 12 months', async () => {
      await tailspinReservation(t, '2026-01-31', 70); // R-1001: 70 × 600.00 = 42,000.00
      await buy(t, tailspinOwner, tailspinId, { sku: 'Standard_D4s_v5', term: 'P3Y', quantity: 4 }); // R-1002: 4 × 3,000.00 = 12,000.00, to 2029-01-31
      await ask(t, tailspinOwner, 'R-1001', { kind: 'Cancel' });
      t.clock.advance(hourMs);
      await decide(t, 'REQ-1001', 'Approved');
      // Cancelled on its purchase day: all 365 days unused, refunded in full.
      expect((await ordersOfTailspin()).filter((o) => o.type === 'Refund').map((o) => o.amount)).to.deep.equal([42000]);

      // 2026-02-01: 12000 × 1095 / 1096 = 11,989.05 > 50,000.00 − 42,000.00 = 8,000.00.
      t.clock.set('2026-02-01T12:00:00.000Z');
      const early = await rejectionOf(t.services.requests.form(await as(tailspinOwner), 'R-1002', 'Cancel'), CodedError);
      expect(early.code).to.equal(ErrorCode.RefundCapExceeded);
      expect(early.message).to.match(/A refund of USD 11,989\.05 .* only USD 8,000\.00 more can be refunded/);

      // 2027-01-30: the window starts 2026-01-31, so the refund still counts; 12000 × 732 / 1096 = 8,014.60 > 8,000.00.
      t.clock.set('2027-01-30T12:00:00.000Z');
      const late = await rejectionOf(ask(t, tailspinOwner, 'R-1002', { kind: 'Cancel' }), CodedError);
      expect(late.message).to.match(/A refund of USD 8,014\.60 .*since 2026-01-31, only USD 8,000\.00 more/);

      // 2027-01-31: the window starts 2026-02-01; the refund of 2026-01-31 no longer counts. 12000 × 731 / 1096 = 8,003.65.
      t.clock.set('2027-01-31T12:00:00.000Z');
      const { request } = await ask(t, tailspinOwner, 'R-1002', { kind: 'Cancel' });
      expect(request.estimate).to.deep.include({ unusedValue: 8003.65, allowance: 50000 });
    });

    it("another customer's refunds do not count against this customer's cap", async () => {
      await t.services.permissions.set(await as(people.admin), contosoId, true);
      t.clock.set('2026-01-31T10:00:00.000Z');
      await buy(t, people.contosoOwner, contosoId, { billingSubscriptionId: 'sub-contoso-plan', quantity: 80 }); // R-1001: 48,000.00
      await ask(t, people.contosoOwner, 'R-1001', { kind: 'Cancel' });
      await decide(t, 'REQ-1001', 'Approved');
      expect((await storeContents(t.store)).orders.filter((o) => o.type === 'Refund').map((o) => [o.customerId, o.amount])).to.deep.equal([[contosoId, 48000]]);
      await tailspinReservation(t, '2026-01-31', 10); // R-1002: 6,000.00
      const form = await t.services.requests.form(await as(tailspinOwner), 'R-1002', 'Cancel');
      expect(form.figures).to.deep.include({ unusedValue: 6000, allowance: 50000 });
      const contoso = await rejectionOf(t.services.requests.form(await as(people.contosoOwner), 'R-1001', 'Cancel'), CodedError);
      expect(contoso.code, 'R-1001 is cancelled').to.equal(ErrorCode.ReservationNotActive);
    });

    it('two pending cancels that together pass the cap: the second approval is refused, saying what is left; nothing changes', async () => {
      await tailspinReservation(t, '2026-01-31', 50); // R-1001: 30,000.00
      await tailspinReservation(t, '2026-01-31', 50); // R-1002: 30,000.00
      await ask(t, tailspinOwner, 'R-1001', { kind: 'Cancel' });
      await ask(t, tailspinOwner, 'R-1002', { kind: 'Cancel' });
      await decide(t, 'REQ-1001', 'Approved');
      const error = await rejectionOf(decide(t, 'REQ-1002', 'Approved'), CodedError);
      expect(error.code).to.equal(ErrorCode.RefundCapExceeded);
      expect(error.message).to.match(/A refund of USD 30,000\.00 .* only USD 20,000\.00 more can be refunded/);
      expect(await stored('REQ-1002')).to.deep.include({ state: 'Pending' });
      expect((await stored('REQ-1002'))!.closedBy).to.equal(undefined);
      expect(await reservationNamed('R-1002')).to.deep.include({ status: 'Active' });
      expect((await reservationNamed('R-1002'))!.endedOn).to.equal(undefined);
      expect((await ordersOfTailspin()).filter((o) => o.type === 'Refund')).to.have.length(1);
      const [newest] = await logEntries(t);
      expect(newest).to.deep.include({ operation: Operation.ApproveRequest, outcome: 'Refused', customerId: tailspinId });
      expect(newest!.reason?.code).to.equal(ErrorCode.RefundCapExceeded);
    });

    it('two approvals at once of cancels that together pass the cap: one refund, the other refused saying what is left; nothing of it changes', async () => {
      await tailspinReservation(t, '2026-01-31', 50); // R-1001: 30,000.00
      await tailspinReservation(t, '2026-01-31', 50); // R-1002: 30,000.00
      await ask(t, tailspinOwner, 'R-1001', { kind: 'Cancel' });
      await ask(t, tailspinOwner, 'R-1002', { kind: 'Cancel' });
      const results = await Promise.allSettled([decide(t, 'REQ-1001', 'Approved', people.admin), decide(t, 'REQ-1002', 'Approved', people.admin2)]);
      expect(results.map((r) => r.status).sort()).to.deep.equal(['fulfilled', 'rejected']);
      const error = results.find((r) => r.status === 'rejected')!.reason as CodedError;
      expect(error.code).to.equal(ErrorCode.RefundCapExceeded);
      expect(error.message).to.match(/A refund of USD 30,000\.00 .* only USD 20,000\.00 more can be refunded/);
      const refunds = (await ordersOfTailspin()).filter((o) => o.type === 'Refund');
      expect(refunds.map((o) => o.amount)).to.deep.equal([30000]);
      const approvedId = refunds[0]!.requestId!;
      const refusedId = approvedId === 'REQ-1001' ? 'REQ-1002' : 'REQ-1001';
      expect((await stored(approvedId))!.state).to.equal('Approved');
      expect(await stored(refusedId)).to.deep.include({ state: 'Pending' });
      expect((await reservationNamed((await stored(refusedId))!.reservationId))!.status).to.equal('Active');
      expect((await entriesOf(Operation.ApproveRequest)).map((e) => e.outcome).sort()).to.deep.equal(['Refused', 'Succeeded']);
      expect(await entriesOf(Operation.CancelReservation)).to.have.length(1);
    });
  });

  describe('(R16, R17) an Admin Agent decides', () => {
    it('(R17) approving a cancel ends the reservation today and refunds its unused part as of the approval day', async () => {
      await tailspinReservation(t);
      t.clock.set('2026-03-01T12:00:00.000Z');
      await ask(t, tailspinOwner, 'R-1001', { kind: 'Cancel' });
      t.clock.set('2026-03-04T15:00:00.000Z');
      const { view, repeated } = await decide(t, 'REQ-1001', 'Approved');
      expect(repeated).to.equal(false);
      // From 2026-03-04, 333 of 365 days remain: 1200 × 333 / 365 = 1094.794… → 1094.79 (the estimate of 03-01 said 1104.66).
      const figures = { asOf: '2026-03-04', totalDays: 365, remainingDays: 333, unusedValue: 1094.79, currency: 'USD', quantity: 2, unitPrice: 600, priceBasis: 'Paid', allowance: 50000 };
      expect(view.request).to.deep.include({ state: 'Approved', closedBy: ada, closedAt: '2026-03-04T15:00:00.000Z', outcome: { figures, orderId: 'O-1002' } });
      expect(view.request.estimate!.unusedValue, 'the estimate is kept as it was shown').to.equal(1104.66);
      expect(await stored()).to.deep.equal(view.request);

      expect(await reservationNamed('R-1001')).to.deep.include({ status: 'Cancelled', endedOn: '2026-03-04', expiresOn: '2027-01-31' });
      const refunds = (await ordersOfTailspin()).filter((o) => o.type === 'Refund');
      expect(refunds).to.have.length(1);
      expect(refunds[0]).to.deep.include({
        id: 'O-1002',
        type: 'Refund',
        customerId: tailspinId,
        at: '2026-03-04T15:00:00.000Z',
        by: ada,
        billedTo: { tenantId: partnerTenant, name: 'Test Partner' },
        reservationId: 'R-1001',
        requestId: 'REQ-1001',
        billingPlan: 'Upfront',
        amount: 1094.79,
        currency: 'USD',
      });

      const [cancelled, approved] = await logEntries(t);
      expect(approved).to.deep.include({ operation: Operation.ApproveRequest, outcome: 'Succeeded', actor: ada, customerId: tailspinId, target: 'REQ-1001: cancel R-1001', before: { state: 'Pending' }, after: { state: 'Approved' } });
      expect(cancelled).to.deep.include({ operation: Operation.CancelReservation, outcome: 'Succeeded', actor: ada, customerId: tailspinId, target: 'R-1001, refund in order O-1002 (request REQ-1001)', before: { status: 'Active', expiresOn: '2027-01-31' } });
      expect(cancelled!.after).to.deep.include({ status: 'Cancelled', endedOn: '2026-03-04', refund: 1094.79, currency: 'USD', remainingDays: 333, totalDays: 365, order: 'O-1002' });
    });

    it('(R17) approving an exchange ends the old reservation and starts a new one today, same scope, billing subscription and plan', async () => {
      t.clock.set('2026-01-31T10:00:00.000Z');
      const scope = { type: 'ResourceGroup' as const, subscriptionId: 'sub-tailspin-plan', resourceGroup: 'rg-web' };
      await buy(t, tailspinOwner, tailspinId, { billingPlan: 'Monthly', scope });
      t.clock.set('2026-03-01T12:00:00.000Z');
      await ask(t, tailspinOwner, 'R-1001', toD4s);
      t.clock.set('2026-03-03T08:00:00.000Z');
      const { view } = await decide(t, 'REQ-1001', 'Approved', people.admin2);
      // From 2026-03-03, 334 of 365 days remain: 1200 × 334 / 365 = 1098.082… → 1098.08; due 1200.00 − 1098.08 = 101.92.
      const figures = { asOf: '2026-03-03', totalDays: 365, remainingDays: 334, unusedValue: 1098.08, currency: 'USD', quantity: 2, unitPrice: 600, priceBasis: 'Paid', newTotal: 1200, due: 101.92 };
      expect(view.request.outcome).to.deep.equal({ figures, orderId: 'O-1002', newReservationId: 'R-1002' });
      expect(view.request.state).to.equal('Approved');

      expect(await reservationNamed('R-1001')).to.deep.include({ status: 'Exchanged', endedOn: '2026-03-03', exchangedFor: 'R-1002', total: 1200 });
      expect(await reservationNamed('R-1002')).to.deep.include({
        orderId: 'O-1002',
        customerId: tailspinId,
        sku: 'Standard_D4s_v5',
        productName: 'Virtual Machines D4s v5',
        region: 'eastus',
        quantity: 1,
        term: 'P1Y',
        billingPlan: 'Monthly',
        billingSubscriptionId: 'sub-tailspin-plan',
        autoRenew: false,
        purchasedAt: '2026-03-03T08:00:00.000Z',
        expiresOn: '2027-03-03',
        status: 'Active',
        exchangedFrom: 'R-1001',
        unitPrice: 1200,
        total: 1200,
        currency: 'USD',
      });
      expect((await reservationNamed('R-1002'))!.scope).to.deep.equal(scope);
      const exchangeOrders = (await ordersOfTailspin()).filter((o) => o.type === 'Exchange');
      expect(exchangeOrders).to.have.length(1);
      expect(exchangeOrders[0]).to.deep.include({ id: 'O-1002', reservationId: 'R-1002', requestId: 'REQ-1001', amount: 1200, credit: 1098.08, currency: 'USD', billingPlan: 'Monthly' });
      expect((await ordersOfTailspin()).filter((o) => o.type === 'Refund'), 'an exchange refunds nothing').to.deep.equal([]);

      const [exchanged, approved] = await logEntries(t);
      expect(approved).to.deep.include({ operation: Operation.ApproveRequest, outcome: 'Succeeded', target: 'REQ-1001: exchange R-1001 for 1 × Standard_D4s_v5 in eastus for 1 year' });
      expect(approved!.actor.userId).to.equal('admin-2');
      expect(exchanged).to.deep.include({ operation: Operation.ExchangeReservation, outcome: 'Succeeded', target: 'R-1001 for R-1002 in order O-1002 (request REQ-1001)' });
      expect(exchanged!.before).to.deep.include({ reservation: 'R-1001', status: 'Active', sku: 'Standard_D2s_v5', quantity: 2, total: 1200 });
      expect(exchanged!.after).to.deep.include({ status: 'Exchanged', endedOn: '2026-03-03', newReservation: 'R-1002', credit: 1098.08, due: 101.92, total: 1200, expiresOn: '2027-03-03', order: 'O-1002' });

      const again = await rejectionOf(ask(t, tailspinOwner, 'R-1001', { kind: 'Cancel' }), CodedError);
      expect(again.message, 'the old one points to the new one').to.match(/R-1001 was exchanged on 2026-03-03 for R-1002.*Ask for changes to R-1002 instead/);
    });

    it('(R17) approving a renewal turns auto-renew on; dates and price do not change', async () => {
      await tailspinReservation(t);
      const before = (await reservationNamed('R-1001'))!;
      await ask(t, tailspinOwner, 'R-1001', { kind: 'Renew', autoRenew: true });
      t.clock.advance(2 * dayMs);
      await decide(t, 'REQ-1001', 'Approved');
      expect(await reservationNamed('R-1001')).to.deep.equal({ ...before, autoRenew: true });
      expect(await ordersOfTailspin()).to.have.length(1);
      const [renewed] = await logEntries(t);
      expect(renewed).to.deep.include({ operation: Operation.ChangeAutoRenew, outcome: 'Succeeded', before: { autoRenew: false }, after: { autoRenew: true }, target: 'R-1001 (request REQ-1001)' });
    });

    it('(R17) approving a scope change sets the scope; term, price and dates do not change', async () => {
      await tailspinReservation(t);
      const before = (await reservationNamed('R-1001'))!;
      await ask(t, tailspinOwner, 'R-1001', { kind: 'Scope', scope: { type: 'Single', subscriptionId: 'sub-tailspin-plan' } });
      t.clock.advance(dayMs);
      await decide(t, 'REQ-1001', 'Approved');
      expect(await reservationNamed('R-1001')).to.deep.equal({ ...before, scope: { type: 'Single', subscriptionId: 'sub-tailspin-plan' } });
      expect(await ordersOfTailspin()).to.have.length(1);
      const [changed] = await logEntries(t);
      expect(changed).to.deep.include({ operation: Operation.ChangeScope, outcome: 'Succeeded', before: { scope: 'Shared' }, after: { scope: 'Single subscription: sub-tailspin-plan' } });
    });

    it('(R17) an approval is checked again on its day: an exchange to a row whose partner price was withdrawn meanwhile is refused, nothing changes', async () => {
      await tailspinReservation(t);
      await ask(t, tailspinOwner, 'R-1001', toD4s);
      await t.services.prices.set(await as(people.admin), 'Standard_D4s_v5', 'eastus', 'P1Y', 'none');
      const before = await storeContents(t.store);
      const error = await rejectionOf(decide(t, 'REQ-1001', 'Approved'), CodedError);
      expect(error.code).to.equal(ErrorCode.NoPartnerPrice);
      expect(await storeContents(t.store)).to.deep.equal(before);
      expect((await stored())!.state).to.equal('Pending');
      const [newest] = await logEntries(t);
      expect(newest).to.deep.include({ operation: Operation.ApproveRequest, outcome: 'Refused' });
    });

    it('a rejection reason longer than the 500 characters a request keeps never leaves a store that cannot be opened again', async () => {
      await tailspinReservation(t);
      await ask(t, tailspinOwner, 'R-1001', { kind: 'Cancel' });
      await decide(t, 'REQ-1001', 'Rejected', people.admin, 'y'.repeat(700)).catch((err: unknown) => {
        if (!(err instanceof CodedError)) throw err; // refusing it is fine too
      });
      await t.close();
      const again = await t.reopen(); // once: StoreError "not a valid store … reason: Too big"
      const kept = (await again.requests())[0]?.reason;
      await again.close();
      expect(kept?.length ?? 0, 'what is kept fits the schema (max 500)').to.be.at.most(500);
    });

    for (const [what, reason] of [['no reason', undefined], ['an empty reason', ''], ['a blank reason', '   \n ']] as const) {
      it(`(R16, R18) rejecting with ${what} is refused and logged; the request stays pending`, async () => {
        await tailspinReservation(t);
        await ask(t, tailspinOwner, 'R-1001', { kind: 'Cancel' });
        const logSize = await t.services.activity.size();
        const error = await rejectionOf(decide(t, 'REQ-1001', 'Rejected', people.admin, reason), CodedError);
        expect(error.code).to.equal(ErrorCode.ReasonRequired);
        expect(error.message).to.match(/Say why/);
        expect(await stored()).to.deep.include({ state: 'Pending' });
        expect((await stored())!.closedBy).to.equal(undefined);
        expect(await t.services.activity.size()).to.equal(logSize + 1);
        const [newest] = await logEntries(t);
        expect(newest).to.deep.include({ operation: Operation.RejectRequest, outcome: 'Refused', actor: ada });
        expect(newest!.reason?.code).to.equal(ErrorCode.ReasonRequired);
      });
    }

    it('(R16) rejecting with a reason: Rejected, the reason kept and logged, the reservation unchanged', async () => {
      await tailspinReservation(t);
      const before = (await reservationNamed('R-1001'))!;
      await ask(t, tailspinOwner, 'R-1001', { kind: 'Cancel' });
      t.clock.advance(hourMs);
      const { view } = await decide(t, 'REQ-1001', 'Rejected', people.admin, '  Still in use by the web farm  ');
      expect(view.request).to.deep.include({ state: 'Rejected', reason: 'Still in use by the web farm', closedBy: ada });
      expect(view.request.outcome).to.equal(undefined);
      expect(await stored()).to.deep.equal(view.request);
      expect(await reservationNamed('R-1001')).to.deep.equal(before);
      expect(await ordersOfTailspin()).to.have.length(1);
      const [newest] = await logEntries(t);
      expect(newest).to.deep.include({ operation: Operation.RejectRequest, outcome: 'Succeeded', before: { state: 'Pending' }, after: { state: 'Rejected', reason: 'Still in use by the web farm' } });
    });

    it('(R16) an unknown request is refused REQUEST_NOT_FOUND and logged', async () => {
      const error = await rejectionOf(decide(t, 'REQ-4242', 'Approved'), CodedError);
      expect(error.code).to.equal(ErrorCode.RequestNotFound);
      const [newest] = await logEntries(t);
      expect(newest).to.deep.include({ operation: Operation.ApproveRequest, outcome: 'Refused', target: 'REQ-4242' });
    });
  });

  describe('(R16) exactly one decision counts', () => {
    beforeEach(async () => {
      await tailspinReservation(t);
      t.clock.set('2026-03-01T12:00:00.000Z');
      await ask(t, tailspinOwner, 'R-1001', { kind: 'Cancel' });
      t.clock.set('2026-03-02T09:15:00.000Z');
    });

    it('two Admin Agents approving at once: one succeeds, the other is told who decided; one refund', async () => {
      const results = await Promise.allSettled([decide(t, 'REQ-1001', 'Approved', people.admin), decide(t, 'REQ-1001', 'Approved', people.admin2)]);
      expect(results.map((r) => r.status).sort()).to.deep.equal(['fulfilled', 'rejected']);
      const winner = (await stored())!.closedBy!;
      const error = results.find((r) => r.status === 'rejected')!.reason as CodedError;
      expect(error).to.be.instanceOf(CodedError);
      expect(error.code).to.equal(ErrorCode.RequestAlreadyDecided);
      expect(error.message).to.contain(`${winner.name} already approved this request on 2026-03-02 09:15 UTC`);
      expect((await ordersOfTailspin()).filter((o) => o.type === 'Refund')).to.have.length(1);
      const approvals = await entriesOf(Operation.ApproveRequest);
      expect(approvals.map((e) => e.outcome).sort()).to.deep.equal(['Refused', 'Succeeded']);
      expect(approvals.find((e) => e.outcome === 'Succeeded')!.actor.userId).to.equal(winner.userId);
      expect(approvals.find((e) => e.outcome === 'Refused')!.actor.userId).not.to.equal(winner.userId);
      expect(await entriesOf(Operation.CancelReservation)).to.have.length(1);
      // The late click found the request decided: its refusal is logged after the decision, never before it.
      expect(approvals.find((e) => e.outcome === 'Refused')!.seq).to.be.greaterThan(approvals.find((e) => e.outcome === 'Succeeded')!.seq);
    });

    it('ten decisions at once (approvals and rejections by both Admin Agents): exactly one counts, logged once; a repeat of it changes nothing, every other is refused and logged after it', async () => {
      const clicks: [TestUser, 'Approved' | 'Rejected'][] = [
        [people.admin, 'Approved'],
        [people.admin2, 'Rejected'],
        [people.admin, 'Rejected'],
        [people.admin2, 'Approved'],
        [people.admin, 'Approved'],
        [people.admin2, 'Rejected'],
        [people.admin, 'Rejected'],
        [people.admin2, 'Approved'],
        [people.admin, 'Approved'],
        [people.admin2, 'Rejected'],
      ];
      const results = await Promise.allSettled(clicks.map(([user, outcome]) => decide(t, 'REQ-1001', outcome, user, outcome === 'Rejected' ? 'not needed' : undefined)));
      const request = (await stored())!;
      expect(['Approved', 'Rejected']).to.include(request.state);
      const winner = (i: number) => clicks[i]![0].userId === request.closedBy!.userId && clicks[i]![1] === request.state;
      results.forEach((result, i) => {
        if (winner(i)) expect(result.status, `click ${i} is the decision or a repeat of it`).to.equal('fulfilled');
        else expect(result.status === 'rejected' && (result.reason as CodedError).code, `click ${i}`).to.equal(ErrorCode.RequestAlreadyDecided);
      });
      const answers = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
      expect(answers.filter((a) => !a.repeated), 'one decision').to.have.length(1);
      expect(answers.every((a) => a.view.request.state === request.state)).to.equal(true);

      const decisions = [...(await entriesOf(Operation.ApproveRequest)), ...(await entriesOf(Operation.RejectRequest))];
      const succeeded = decisions.filter((e) => e.outcome === 'Succeeded');
      expect(succeeded, 'one log entry for the decision').to.have.length(1);
      expect(succeeded[0]!.actor.userId).to.equal(request.closedBy!.userId);
      const refused = decisions.filter((e) => e.outcome === 'Refused');
      expect(refused).to.have.length(results.filter((r) => r.status === 'rejected').length);
      expect(refused.every((e) => e.seq > succeeded[0]!.seq && e.reason?.code === ErrorCode.RequestAlreadyDecided)).to.equal(true);
      expect((await ordersOfTailspin()).filter((o) => o.type === 'Refund')).to.have.length(request.state === 'Approved' ? 1 : 0);
      expect(await entriesOf(Operation.CancelReservation)).to.have.length(request.state === 'Approved' ? 1 : 0);
    });

    it('one Admin Agent approving while another rejects at once: one decision, the other refused', async () => {
      const results = await Promise.allSettled([decide(t, 'REQ-1001', 'Rejected', people.admin2, 'too expensive'), decide(t, 'REQ-1001', 'Approved', people.admin)]);
      expect(results.map((r) => r.status).sort()).to.deep.equal(['fulfilled', 'rejected']);
      const state = (await stored())!.state;
      expect(['Approved', 'Rejected']).to.include(state);
      expect((await ordersOfTailspin()).filter((o) => o.type === 'Refund')).to.have.length(state === 'Approved' ? 1 : 0);
      expect((await reservationNamed('R-1001'))!.status).to.equal(state === 'Approved' ? 'Cancelled' : 'Active');
      const error = results.find((r) => r.status === 'rejected')!.reason as CodedError;
      expect(error.message).to.contain(`${(await stored())!.closedBy!.name} already ${state.toLowerCase()} this request`);
    });

    it('the same Admin Agent clicking twice: the second is repeated and changes and logs nothing', async () => {
      const first = await decide(t, 'REQ-1001', 'Approved');
      await t.delivered();
      const data = await storeContents(t.store);
      const logSize = await t.services.activity.size();
      const sent = { cards: t.messenger.requestCards.length, updates: t.messenger.updates.length };
      t.clock.advance(5000);
      const second = await decide(t, 'REQ-1001', 'Approved');
      await t.delivered();
      expect(first.repeated).to.equal(false);
      expect(second.repeated).to.equal(true);
      expect(second.view.request).to.deep.equal(first.view.request);
      expect(await storeContents(t.store)).to.deep.equal(data);
      expect(await t.services.activity.size()).to.equal(logSize);
      expect({ cards: t.messenger.requestCards.length, updates: t.messenger.updates.length }).to.deep.equal(sent);
    });

    it('the same Admin Agent clicking twice at once (Teams retrying): one decision, one repeated', async () => {
      const results = await Promise.all([decide(t, 'REQ-1001', 'Approved'), decide(t, 'REQ-1001', 'Approved')]);
      expect(results.map((r) => r.repeated).sort()).to.deep.equal([false, true]);
      expect((await ordersOfTailspin()).filter((o) => o.type === 'Refund')).to.have.length(1);
      expect((await entriesOf(Operation.ApproveRequest)).map((e) => e.outcome)).to.deep.equal(['Succeeded']);
    });

    it('approving then rejecting by the same agent: the rejection is refused and the approval stands', async () => {
      await decide(t, 'REQ-1001', 'Approved');
      const error = await rejectionOf(decide(t, 'REQ-1001', 'Rejected', people.admin, 'changed my mind'), CodedError);
      expect(error.code).to.equal(ErrorCode.RequestAlreadyDecided);
      expect(error.message).to.contain('Ada Admin already approved this request');
      expect(await stored()).to.deep.include({ state: 'Approved' });
      expect((await stored())!.reason).to.equal(undefined);
      expect((await reservationNamed('R-1001'))!.status).to.equal('Cancelled');
      const [newest] = await logEntries(t);
      expect(newest).to.deep.include({ operation: Operation.RejectRequest, outcome: 'Refused' });
    });

    const notAllowed: { who: string; user: TestUser; customerId: string }[] = [
      { who: 'a Sales Agent', user: people.sales, customerId: tailspinId },
      { who: 'a Help Desk Agent', user: people.helpdesk, customerId: tailspinId },
      { who: 'the customer user who asked', user: tailspinOwner, customerId: tailspinId },
      { who: "another customer's user", user: people.fabrikamUser, customerId: fabrikamId },
    ];
    for (const { who, user, customerId } of notAllowed) {
      it(`(R2, R16) ${who} cannot approve or reject: refused ROLE_NOT_ALLOWED, logged, nothing changes`, async () => {
        const before = await storeContents(t.store);
        const approve = await rejectionOf(decide(t, 'REQ-1001', 'Approved', user), CodedError);
        const reject = await rejectionOf(decide(t, 'REQ-1001', 'Rejected', user, 'no'), CodedError);
        for (const error of [approve, reject]) {
          expect(error.code).to.equal(ErrorCode.RoleNotAllowed);
          if (user === people.fabrikamUser) expect(error.message).not.to.match(/Tailspin|R-1001/);
        }
        expect(await storeContents(t.store)).to.deep.equal(before);
        const [rejected, approved] = await logEntries(t);
        expect(approved).to.deep.include({ operation: Operation.ApproveRequest, outcome: 'Refused', customerId });
        expect(rejected).to.deep.include({ operation: Operation.RejectRequest, outcome: 'Refused', customerId });
        expect(approved!.actor.userId).to.equal(user.userId);
      });
    }
  });

  describe('(R15, R16) the customer withdraws', () => {
    beforeEach(async () => {
      await talkedToTheBot(t, people.admin, people.admin2, tailspinOwner);
      await tailspinReservation(t);
      t.clock.set('2026-03-01T12:00:00.000Z');
      await ask(t, tailspinOwner, 'R-1001', { kind: 'Cancel' });
      await t.delivered(); // the approval cards are sent, and kept as copies
      t.clock.set('2026-03-02T16:45:00.000Z');
    });

    it('the customer user withdraws: Withdrawn, logged, every copy updated; the requester is not told again', async () => {
      const view = await t.services.requests.withdraw(await as(tailspinOwner), 'req-1001');
      await t.delivered();
      expect(view.request).to.deep.include({ id: 'REQ-1001', state: 'Withdrawn', closedBy: tia, closedAt: '2026-03-02T16:45:00.000Z' });
      expect(await stored()).to.deep.equal(view.request);
      const [newest] = await logEntries(t);
      expect(newest).to.deep.include({ operation: Operation.WithdrawRequest, outcome: 'Succeeded', actor: tia, customerId: tailspinId, target: 'REQ-1001', before: { state: 'Pending' }, after: { state: 'Withdrawn' } });
      const copies = (await stored())!.copies;
      expect(copies).to.have.length(2);
      expect(t.messenger.updates.map((u) => u.copy.activityId).sort()).to.deep.equal(copies.map((c) => c.activityId).sort());
      expect(t.messenger.updates.every((u) => u.state === 'Withdrawn' && u.requestId === 'REQ-1001')).to.equal(true);
      expect(t.messenger.texts, 'the customer withdrew it themselves').to.deep.equal([]);
      expect((await reservationNamed('R-1001'))!.status).to.equal('Active');
    });

    it('a decision after the withdrawal is refused, saying the customer withdrew it, and changes nothing', async () => {
      await t.services.requests.withdraw(await as(tailspinOwner), 'REQ-1001');
      await t.delivered();
      const before = await storeContents(t.store);
      const updates = t.messenger.updates.length;
      const error = await rejectionOf(decide(t, 'REQ-1001', 'Approved', people.admin2), CodedError);
      await t.delivered();
      expect(error.code).to.equal(ErrorCode.RequestClosed);
      expect(error.message).to.match(/Tia Owner withdrew this request on 2026-03-02 16:45 UTC/);
      expect(await storeContents(t.store)).to.deep.equal(before);
      expect(t.messenger.updates).to.have.length(updates);
      const [newest] = await logEntries(t);
      expect(newest).to.deep.include({ operation: Operation.ApproveRequest, outcome: 'Refused' });
      expect(newest!.reason?.code).to.equal(ErrorCode.RequestClosed);
    });

    it('withdrawing twice: the second is refused', async () => {
      await t.services.requests.withdraw(await as(tailspinOwner), 'REQ-1001');
      const error = await rejectionOf(t.services.requests.withdraw(await as(tailspinOwner), 'REQ-1001'), CodedError);
      expect(error.code).to.equal(ErrorCode.RequestClosed);
      expect((await entriesOf(Operation.WithdrawRequest)).map((e) => e.outcome)).to.deep.equal(['Refused', 'Succeeded']);
    });

    it('a decided request cannot be withdrawn', async () => {
      await decide(t, 'REQ-1001', 'Approved');
      const error = await rejectionOf(t.services.requests.withdraw(await as(tailspinOwner), 'REQ-1001'), CodedError);
      expect(error.code).to.equal(ErrorCode.RequestClosed);
      expect(error.message).to.match(/already approved by Ada Admin/);
      expect((await stored())!.state).to.equal('Approved');
    });

    it('an agent cannot withdraw (Admin Agents reject instead): refused, logged, still pending', async () => {
      const error = await rejectionOf(t.services.requests.withdraw(await as(people.admin), 'REQ-1001'), CodedError);
      expect(error.code).to.equal(ErrorCode.RoleNotAllowed);
      expect(error.message).to.match(/reject a request instead/);
      expect((await stored())!.state).to.equal('Pending');
      const [newest] = await logEntries(t);
      expect(newest).to.deep.include({ operation: Operation.WithdrawRequest, outcome: 'Refused', customerId: tailspinId });
    });

    it("(R19) another customer's user can neither withdraw nor see it", async () => {
      const fay = await as(people.fabrikamUser);
      const error = await rejectionOf(t.services.requests.withdraw(fay, 'REQ-1001'), CodedError);
      expect(error.code).to.equal(ErrorCode.RequestNotFound);
      expect(error.message).to.match(/There is no request "REQ-1001" for your account/);
      expect((await stored())!.state).to.equal('Pending');
      const [newest] = await logEntries(t);
      expect(newest).to.deep.include({ operation: Operation.WithdrawRequest, outcome: 'Refused', customerId: fabrikamId });
      expect((await rejectionOf(t.services.requests.view(fay, 'REQ-1001'), CodedError)).message).to.match(/no request "REQ-1001"/);
      expect(await t.services.requests.list(fay)).to.deep.equal([]);
    });
  });

  describe('(R16) after a decision every copy shows it and the person who asked is told', () => {
    beforeEach(async () => {
      await talkedToTheBot(t, people.admin, people.admin2, people.sales, tailspinOwner);
      await setChannel();
      await tailspinReservation(t);
      await t.services.requests.create(await as(tailspinOwner), 'R-1001', { kind: 'Cancel' }, undefined, { reference: { conversation: { id: 'chat-tailspin-owner' } }, activityId: 'form-card-1' });
      await t.delivered();
    });

    const toldTia = {
      Approved: /^REQ-1001 \(cancel R-1001\): Approved by Ada Admin on \d{4}-\d\d-\d\d \d\d:\d\d UTC\. R-1001 is cancelled; refund USD [\d,]+\.\d\d in order O-\d{4}\.$/,
      Rejected: /^REQ-1001 \(cancel R-1001\): Rejected by Ada Admin on \d{4}-\d\d-\d\d \d\d:\d\d UTC\. Reason: not now$/,
    };
    for (const outcome of ['Approved', 'Rejected'] as const) {
      it(`${outcome.toLowerCase()}: one update per kept copy, and the customer user gets a short message with the outcome, not a second card`, async () => {
        const copies = (await stored())!.copies;
        expect(copies.map((c) => c.audience).sort()).to.deep.equal(['approver', 'approver', 'observer', 'requester']);
        const cardsBefore = t.messenger.requestCards.length;
        await decide(t, 'REQ-1001', outcome, people.admin, outcome === 'Rejected' ? 'not now' : undefined);
        await t.delivered();
        expect(t.messenger.updates.map((u) => u.copy).sort((a, b) => a.activityId.localeCompare(b.activityId))).to.deep.equal([...copies].sort((a, b) => a.activityId.localeCompare(b.activityId)));
        expect(t.messenger.updates.every((u) => u.state === outcome && u.requestId === 'REQ-1001')).to.equal(true);
        expect(t.messenger.requestCards, 'no second card').to.have.length(cardsBefore);
        expect(t.messenger.texts.map((m) => m.to)).to.deep.equal([chatOf(tailspinOwner)]);
        expect(t.messenger.texts[0]!.text).to.match(toldTia[outcome]);
      });
    }

    it('a customer user who never talked to the bot is not told (nowhere to write); the copies are updated all the same', async () => {
      const fresh = await openTestStore(requestWorld());
      try {
        await talkedToTheBot(fresh, people.admin);
        await tailspinReservation(fresh);
        await ask(fresh, tailspinOwner, 'R-1001', { kind: 'Cancel' });
        await fresh.delivered();
        await decide(fresh, 'REQ-1001', 'Approved');
        await fresh.delivered();
        expect(fresh.messenger.updates.map((u) => [u.copy.activityId, u.state])).to.deep.equal([['sent-1', 'Approved']]);
        expect(fresh.messenger.texts).to.deep.equal([]);
      } finally {
        await fresh.dispose();
      }
    });
  });

  describe('(R16) reminders and expiry', () => {
    const asked = '2026-03-01T12:00:00.000Z';
    const at = (ms: number) => new Date(Date.parse(asked) + ms).toISOString();
    beforeEach(async () => {
      await talkedToTheBot(t, people.admin, people.admin2, people.sales, tailspinOwner);
      await tailspinReservation(t);
      t.clock.set(asked);
      await ask(t, tailspinOwner, 'R-1001', { kind: 'Cancel' });
      await t.delivered();
    });

    it('at half time (3.5 days) each Admin Agent is reminded once; a second sweep sends none', async () => {
      t.clock.set(at(3.5 * dayMs - 60_000));
      expect(await t.services.requests.sweep()).to.deep.equal({ expired: 0, reminded: 0 });
      await t.delivered();
      expect(cardsOf('reminder')).to.deep.equal([]);
      t.clock.set(at(3.5 * dayMs));
      expect(await t.services.requests.sweep()).to.deep.equal({ expired: 0, reminded: 1 });
      await t.delivered();
      const reminders = cardsOf('reminder');
      expect(reminders.map((c) => recipient(c.to)).sort()).to.deep.equal(['29:admin-1', '29:admin-2']);
      expect(reminders.every((c) => c.audience === 'approver' && c.state === 'Pending')).to.equal(true);
      expect((await stored())!.reminderSentAt).to.equal(at(3.5 * dayMs));
      t.clock.set(at(5 * dayMs));
      expect(await t.services.requests.sweep()).to.deep.equal({ expired: 0, reminded: 0 });
      await t.delivered();
      expect(cardsOf('reminder')).to.have.length(2);
      expect((await stored())!.state).to.equal('Pending');
      // The reminder cards are copies too, so that they show the decision.
      await decide(t, 'REQ-1001', 'Approved');
      await t.delivered();
      expect(t.messenger.updates.map((u) => u.copy.activityId).sort()).to.deep.equal((await stored())!.copies.map((c) => c.activityId).sort());
      expect((await stored())!.copies).to.have.length(4);
    });

    it('at 7 days the request expires: closed by the System, logged, the customer told, every copy updated', async () => {
      t.clock.set(at(7 * dayMs - 1));
      expect((await t.services.requests.sweep()).expired).to.equal(0);
      expect((await stored())!.state).to.equal('Pending');
      t.clock.set(at(7 * dayMs));
      expect(await t.services.requests.sweep()).to.deep.equal({ expired: 1, reminded: 0 });
      await t.delivered();
      expect(await stored()).to.deep.include({ state: 'Expired', closedBy: bot, closedAt: '2026-03-08T12:00:00.000Z' });
      const expiries = await entriesOf(Operation.ExpireRequest);
      expect(expiries).to.have.length(1);
      expect(expiries[0]).to.deep.include({ outcome: 'Succeeded', actor: bot, customerId: tailspinId, target: 'REQ-1001', before: { state: 'Pending' }, after: { state: 'Expired', expiresAt: '2026-03-08T12:00:00.000Z' } });
      expect(t.messenger.texts).to.deep.equal([{ to: chatOf(tailspinOwner), text: 'REQ-1001 (cancel R-1001): Expired on 2026-03-08 12:00 UTC without a decision. Nothing was changed; ask again if it is still needed.' }]);
      const copies = (await stored())!.copies;
      expect(t.messenger.updates.filter((u) => u.state === 'Expired').map((u) => u.copy.activityId).sort()).to.deep.equal(copies.map((c) => c.activityId).sort());
      expect((await reservationNamed('R-1001'))!.status).to.equal('Active');
      t.clock.advance(dayMs);
      expect(await t.services.requests.sweep(), 'expired once').to.deep.equal({ expired: 0, reminded: 0 });
      expect(await entriesOf(Operation.ExpireRequest)).to.have.length(1);
    });

    it('deciding after the expiry time, before any sweep ran, changes nothing and is refused; the request expires once', async () => {
      t.clock.set(at(7 * dayMs + hourMs));
      const error = await rejectionOf(decide(t, 'REQ-1001', 'Approved'), CodedError);
      expect(error.code).to.equal(ErrorCode.RequestClosed);
      expect(error.message).to.match(/This request expired on .* without a decision/);
      expect(await stored()).to.deep.include({ state: 'Expired', closedBy: bot });
      expect((await reservationNamed('R-1001'))!.status).to.equal('Active');
      expect((await ordersOfTailspin()).filter((o) => o.type === 'Refund')).to.deep.equal([]);
      expect(await entriesOf(Operation.CancelReservation)).to.deep.equal([]);
      expect((await entriesOf(Operation.ApproveRequest)).map((e) => e.outcome)).to.deep.equal(['Refused']);
      expect(await entriesOf(Operation.ExpireRequest)).to.have.length(1);
      await t.delivered();
      expect(t.messenger.texts.map((m) => m.text)).to.deep.equal(['REQ-1001 (cancel R-1001): Expired on 2026-03-08 12:00 UTC without a decision. Nothing was changed; ask again if it is still needed.']);

      const rejecting = await rejectionOf(decide(t, 'REQ-1001', 'Rejected', people.admin2, 'late'), CodedError);
      expect(rejecting.code).to.equal(ErrorCode.RequestClosed);
      expect(await t.services.requests.sweep()).to.deep.equal({ expired: 0, reminded: 0 });
      expect(await entriesOf(Operation.ExpireRequest)).to.have.length(1);
      await t.delivered();
      expect(t.messenger.texts, 'the customer is told once').to.have.length(1);
    });

    it('two sweeps at once remind once and expire once', async () => {
      t.clock.set(at(4 * dayMs));
      const reminding = await Promise.all([t.services.requests.sweep(), t.services.requests.sweep()]);
      expect(reminding.map((r) => r.reminded).sort()).to.deep.equal([0, 1]);
      await t.delivered();
      expect(cardsOf('reminder')).to.have.length(2);
      t.clock.set(at(8 * dayMs));
      const expiring = await Promise.all([t.services.requests.sweep(), t.services.requests.sweep()]);
      expect(expiring.map((r) => r.expired).sort()).to.deep.equal([0, 1]);
      expect(await entriesOf(Operation.ExpireRequest)).to.have.length(1);
      await t.delivered();
      expect(t.messenger.texts).to.have.length(1);
    });

    it('a click after the sweep noticed the expiry late (the bot was stopped) says when the request expired, not when it was noticed', async () => {
      t.clock.set(at(9 * dayMs)); // 2026-03-10 12:00, two days after the deadline of 2026-03-08 12:00
      expect((await t.services.requests.sweep()).expired).to.equal(1);
      const error = await rejectionOf(decide(t, 'REQ-1001', 'Approved'), CodedError);
      expect(error.code).to.equal(ErrorCode.RequestClosed);
      expect(error.message).to.contain('expired on 2026-03-08 12:00 UTC');
    });

    it('withdrawing after the expiry time is refused as expired', async () => {
      t.clock.set(at(8 * dayMs));
      const error = await rejectionOf(t.services.requests.withdraw(await as(tailspinOwner), 'REQ-1001'), CodedError);
      expect(error.code).to.equal(ErrorCode.RequestClosed);
      expect(error.message).to.match(/expired/);
      expect((await stored())!.state).to.equal('Expired');
    });

    it('a request lifetime of 2 days applies to requests made from then on; the reminder comes after 1 day', async () => {
      expect(await t.services.settings.setRequestLifetime(await as(people.admin), '2')).to.equal(true);
      expect((await t.services.settings.current()).requestLifetimeDays).to.equal(2);
      await tailspinReservation(t, '2026-03-01'); // R-1002, leaves the clock at 2026-03-01T10:00Z
      t.clock.set('2026-03-02T12:00:00.000Z');
      const { request } = await ask(t, tailspinOwner, 'R-1002', { kind: 'Renew', autoRenew: true });
      expect(request.expiresAt).to.equal('2026-03-04T12:00:00.000Z');
      expect((await stored('REQ-1001'))!.expiresAt, 'a request made before keeps its 7 days').to.equal('2026-03-08T12:00:00.000Z');
      t.clock.set('2026-03-03T12:00:00.000Z');
      const reminded = await t.services.requests.sweep();
      expect(reminded.expired).to.equal(0);
      expect((await stored('REQ-1002'))!.reminderSentAt).to.equal('2026-03-03T12:00:00.000Z');
      t.clock.set('2026-03-04T12:00:00.000Z');
      expect((await t.services.requests.sweep()).expired).to.equal(1);
      expect((await stored('REQ-1002'))!.state).to.equal('Expired');
      expect((await stored('REQ-1001'))!.state).to.equal('Pending');
      const [newest] = await entriesOf(Operation.ChangePartnerSettings);
      expect(newest).to.deep.include({ outcome: 'Succeeded', target: 'Request expiry', before: { requestLifetimeDays: 7 }, after: { requestLifetimeDays: 2 } });
    });

    for (const value of ['0', '91', 'x', '1.5', '-3', '']) {
      it(`a request lifetime of "${value}" is refused INVALID_SETTING and logged; the setting stays 7 days`, async () => {
        const error = await rejectionOf(t.services.settings.setRequestLifetime(await as(people.admin), value), CodedError);
        expect(error.code).to.equal(ErrorCode.InvalidSetting);
        expect(error.message).to.match(/from 1 to 90/);
        expect((await t.services.settings.current()).requestLifetimeDays).to.equal(7);
        const [newest] = await logEntries(t);
        expect(newest).to.deep.include({ operation: Operation.ChangePartnerSettings, outcome: 'Refused', target: 'Request expiry' });
      });
    }

    it('a Sales Agent cannot set the request lifetime', async () => {
      const error = await rejectionOf(t.services.settings.setRequestLifetime(await as(people.sales), '3'), CodedError);
      expect(error.code).to.equal(ErrorCode.RoleNotAllowed);
      expect((await t.services.settings.current()).requestLifetimeDays).to.equal(7);
    });
  });

  describe('(R16) a restart', () => {
    it('the request, its copies and the log survive; a sweep after the restart expires what fell due while stopped', async () => {
      await talkedToTheBot(t, people.admin, tailspinOwner);
      await tailspinReservation(t);
      t.clock.set('2026-03-01T12:00:00.000Z');
      await ask(t, tailspinOwner, 'R-1001', { kind: 'Cancel' }, 'please');
      await t.delivered();
      const before = (await stored())!;
      expect(before.copies).to.have.length(1);
      await t.close();

      const reopened: Store[] = [];
      try {
        const store = await t.reopen();
        reopened.push(store);
        const clock = fixedClock('2026-03-10T00:00:00.000Z');
        const messenger = new RecordingMessenger();
        const services = createServices(store, clock, messenger);
        const admin = await personOf(services, people.admin);
        expect(await services.requests.list(admin)).to.deep.equal([before]);
        expect(await services.requests.sweep()).to.deep.equal({ expired: 1, reminded: 0 });
        await services.deliveries.deliverDue();
        expect(messenger.updates).to.deep.equal([{ copy: before.copies[0], requestId: 'REQ-1001', state: 'Expired' }]);
        expect(messenger.requestCards).to.deep.equal([]);
        expect(messenger.texts).to.deep.equal([{ to: chatOf(tailspinOwner), text: 'REQ-1001 (cancel R-1001): Expired on 2026-03-08 12:00 UTC without a decision. Nothing was changed; ask again if it is still needed.' }]);
        const log = await services.activity.read(admin, {}, 1000);
        expect(log.filter((e) => e.operation === Operation.RequestChange).map((e) => e.outcome)).to.deep.equal(['Succeeded']);
        expect(log.filter((e) => e.operation === Operation.ExpireRequest)).to.have.length(1);
        expect(log[0]!.seq, 'the log goes on after the entries kept').to.be.greaterThan(log[1]!.seq);

        await services.deliveries.stop();
        await store.close();
        const again = await t.reopen();
        reopened.push(again);
        const kept = await again.requests();
        expect(kept).to.have.length(1);
        // It expired at its deadline, not when the first check after the restart noticed it.
        expect(kept[0]).to.deep.include({ id: 'REQ-1001', state: 'Expired', closedBy: bot, closedAt: '2026-03-08T12:00:00.000Z', comment: 'please' });
        expect(kept[0]!.copies).to.deep.equal(before.copies);
      } finally {
        for (const store of reopened) await store.close();
      }
    });

    it('an approval card still in the outbox at a stop (its first attempt failed) is sent after the restart, and kept as a copy', async () => {
      const down = new FailingMessenger();
      const failing = await openTestStore(requestWorld(), down);
      const reopened: Store[] = [];
      try {
        await talkedToTheBot(failing, people.admin);
        await tailspinReservation(failing);
        await ask(failing, tailspinOwner, 'R-1001', { kind: 'Cancel' });
        await failing.delivered();
        const [waiting] = await failing.store.deliveriesAbout('REQ-1001');
        expect(waiting).to.deep.include({ state: 'Pending', attempts: 1, lastError: 'connector down' });
        await failing.close();

        const store = await failing.reopen();
        reopened.push(store);
        const clock = fixedClock(failing.clock().toISOString());
        const messenger = new RecordingMessenger();
        const services = createServices(store, clock, messenger);
        expect(await services.deliveries.deliverDue(), 'not before its retry is due').to.equal(0);
        clock.advance(deliveryPolicy.firstRetryMs);
        expect(await services.deliveries.deliverDue()).to.equal(1);
        await services.deliveries.stop();
        expect(messenger.requestCards.map((c) => ({ to: recipient(c.to), requestId: c.requestId, audience: c.audience, news: c.news }))).to.deep.equal([{ to: '29:admin-1', requestId: 'REQ-1001', audience: 'approver', news: 'new' }]);
        expect((await store.request('REQ-1001'))!.copies).to.deep.equal([{ audience: 'approver', reference: chatOf(people.admin), activityId: 'sent-1' }]);
        expect(await store.delivery(waiting!.id)).to.deep.include({ state: 'Sent', attempts: 2 });
      } finally {
        for (const store of reopened) await store.close();
        await failing.dispose();
      }
    });
  });

  describe('(R19) list and view', () => {
    beforeEach(async () => {
      await t.services.permissions.set(await as(people.admin), contosoId, true);
      await tailspinReservation(t, '2026-02-01'); // R-1001
      await tailspinReservation(t, '2026-02-01'); // R-1002
      await tailspinReservation(t, '2026-02-01'); // R-1003
      await buy(t, people.contosoOwner, contosoId, { billingSubscriptionId: 'sub-contoso-plan' }); // R-1004
      t.clock.set('2026-03-01T10:00:00.000Z');
      await ask(t, tailspinOwner, 'R-1001', { kind: 'Cancel' }); // REQ-1001, approved below
      t.clock.set('2026-03-02T10:00:00.000Z');
      await ask(t, tailspinOwner, 'R-1002', { kind: 'Renew', autoRenew: true }); // REQ-1002, pending
      t.clock.set('2026-03-03T10:00:00.000Z');
      await ask(t, people.contosoUser, 'R-1004', { kind: 'Renew', autoRenew: true }); // REQ-1003, rejected below
      t.clock.set('2026-03-04T10:00:00.000Z');
      await ask(t, tailspinOwner, 'R-1003', { kind: 'Renew', autoRenew: true }); // REQ-1004, pending
      await decide(t, 'REQ-1001', 'Approved');
      await decide(t, 'REQ-1003', 'Rejected', people.admin, 'not now');
    });

    it('pending first, then the newest; agents see every customer\'s', async () => {
      const ids = async (user: TestUser) => (await t.services.requests.list(await as(user))).map((r) => r.id);
      expect(await ids(people.admin)).to.deep.equal(['REQ-1004', 'REQ-1002', 'REQ-1003', 'REQ-1001']);
      expect(await ids(people.sales)).to.deep.equal(['REQ-1004', 'REQ-1002', 'REQ-1003', 'REQ-1001']);
      expect(await ids(tailspinOwner)).to.deep.equal(['REQ-1004', 'REQ-1002', 'REQ-1001']);
      expect(await ids(people.contosoUser)).to.deep.equal(['REQ-1003']);
      expect(await ids(people.fabrikamUser)).to.deep.equal([]);
    });

    it("a customer user cannot view another customer's request; its own and agents can", async () => {
      let error: unknown;
      try {
        await t.services.requests.view(await as(tailspinOwner), 'REQ-1003');
      } catch (err) {
        error = err;
      }
      expect(error).to.be.instanceOf(CodedError);
      expect((error as CodedError).code).to.equal(ErrorCode.RequestNotFound);
      expect((error as CodedError).message).not.to.match(/Contoso|R-1004/);
      expect((await t.services.requests.view(await as(people.contosoUser), 'req-1003')).request.state).to.equal('Rejected');
      expect((await t.services.requests.view(await as(people.helpdesk), 'REQ-1003')).customer.id).to.equal(contosoId);
    });

    it('which card each viewer gets: Admin Agents approve, the customer\'s users may withdraw, anyone else reads', async () => {
      const request = (await stored('REQ-1002'))!;
      expect(t.services.requests.audience(await as(people.admin), request)).to.equal('approver');
      expect(t.services.requests.audience(await as(people.sales), request)).to.equal('observer');
      expect(t.services.requests.audience(await as(tailspinOwner), request)).to.equal('requester');
      expect(t.services.requests.audience(await as(people.contosoUser), request)).to.equal('observer');
    });
  });
});
