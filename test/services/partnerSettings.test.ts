import { expect } from 'chai';
import { CodedError, ErrorCode } from '../../services/codedError.ts';
import { Operation } from '../../services/operations.ts';
import { logEntries, tailspinOwner } from '../helpers/buying.ts';
import { rejectionOf } from '../helpers/rejectionOf.ts';
import { openTestStore, people, personOf, type TestStore, type TestUser } from '../helpers/testWorld.ts';

describe('partner settings (services/partnerSettings.ts, R12, R18)', () => {
  let t: TestStore;
  beforeEach(async () => {
    t = await openTestStore();
  });
  afterEach(() => t.dispose());

  const setNotifications = async (user: TestUser, on: boolean) => t.services.settings.setPurchaseNotifications(await personOf(t.services, user), on);
  const notifications = async () => (await t.services.settings.current()).purchaseNotifications;

  it('(R12) purchase notifications are off until an Admin Agent turns them on', async () => {
    expect(await t.services.settings.current()).to.deep.equal({ purchaseNotifications: false, requestLifetimeDays: 7 });
  });

  it('(R12, R18) an Admin Agent turns them on: the setting changes and Change Partner Settings is logged with before and after', async () => {
    t.clock.set('2026-11-24T12:00:00.000Z');
    expect(await setNotifications(people.admin, true)).to.equal(true);
    expect(await notifications()).to.equal(true);
    const [newest] = await logEntries(t);
    expect(newest).to.deep.include({
      at: '2026-11-24T12:00:00.000Z',
      operation: Operation.ChangePartnerSettings,
      outcome: 'Succeeded',
      target: 'Purchase notifications',
      before: { purchaseNotifications: false },
      after: { purchaseNotifications: true },
    });
    expect(newest!.actor).to.deep.include({ userId: 'admin-1', role: 'AdminAgent' });
  });

  it('(R18) turning them on again changes nothing and logs nothing', async () => {
    await setNotifications(people.admin, true);
    const logSize = await t.services.activity.size();
    expect(await setNotifications(people.admin2, true)).to.equal(false);
    expect(await notifications()).to.equal(true);
    expect(await t.services.activity.size()).to.equal(logSize);
  });

  it('(R12, R18) turning them off again is logged the other way round', async () => {
    await setNotifications(people.admin, true);
    expect(await setNotifications(people.admin2, false)).to.equal(true);
    expect(await notifications()).to.equal(false);
    expect((await logEntries(t))[0]).to.deep.include({ before: { purchaseNotifications: true }, after: { purchaseNotifications: false } });
  });

  it('(R18) two Admin Agents turning them on at once: they change once, and one Change Partner Settings is logged', async () => {
    const logSize = await t.services.activity.size();
    const changed = await Promise.all([setNotifications(people.admin, true), setNotifications(people.admin2, true)]);
    expect(changed.sort()).to.deep.equal([false, true]);
    expect(await notifications()).to.equal(true);
    expect(await t.services.activity.size()).to.equal(logSize + 1);
  });

  for (const [who, user] of [['a Sales Agent', people.sales], ['a Help Desk Agent', people.helpdesk], ['a customer user', tailspinOwner]] as const) {
    it(`(R2, R18) ${who} is refused ROLE_NOT_ALLOWED; the setting is unchanged; the refusal is logged`, async () => {
      const logSize = await t.services.activity.size();
      const error = await rejectionOf(setNotifications(user, true), CodedError);
      expect(error.code).to.equal(ErrorCode.RoleNotAllowed);
      expect(await notifications()).to.equal(false);
      expect(await t.services.activity.size()).to.equal(logSize + 1);
      const [newest] = await logEntries(t);
      expect(newest).to.deep.include({ operation: Operation.ChangePartnerSettings, outcome: 'Refused', target: 'Purchase notifications' });
      expect(newest!.reason?.code).to.equal(ErrorCode.RoleNotAllowed);
      expect(newest!.actor.userId).to.equal(user.userId);
    });
  }
});
