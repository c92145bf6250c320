import { z } from 'zod';
import { settingsSetVerb } from '../../cards/settingsCard.ts';
import { CodedError } from '../../services/codedError.ts';
import { agentRoles } from '../commands/command.ts';
import { settingsFor, settingsNotice } from '../commands/settings.ts';
import { defineCardAction } from './cardAction.ts';

/** The switch on the settings card: the same service as `settings notifications on|off`. */
export const settingsSetAction = defineCardAction({
  verb: settingsSetVerb,
  roles: agentRoles,
  data: z.object({ purchaseNotifications: z.boolean() }),
  async run({ person, services }, { purchaseNotifications }) {
    try {
      const changed = await services.settings.setPurchaseNotifications(person, purchaseNotifications);
      return await settingsFor(services, person, settingsNotice(purchaseNotifications, changed));
    } catch (err) {
      if (!(err instanceof CodedError)) throw err;
      return await settingsFor(services, person, { tone: 'attention', text: err.message });
    }
  },
});
