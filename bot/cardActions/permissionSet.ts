import { z } from 'zod';
import { customerCardFor } from '../commands/customer.ts';
import { permissionNotice } from '../commands/permission.ts';
import { permissionSetVerb } from '../../cards/customerCard.ts';
import { CodedError, ErrorCode } from '../../services/codedError.ts';
import { messageCard } from '../../cards/messageCard.ts';
import { policyResources } from '../../services/microsoftCloud.ts';
import { defineCardAction } from './cardAction.ts';

/** The permission switches on the customer card (R2–R6), the same service as `permission on|off`. */
export const permissionSetAction = defineCardAction({
  verb: permissionSetVerb,
  roles: ['AdminAgent', 'SalesAgent', 'HelpDeskAgent', 'CustomerUser'],
  // Cards posted before the savings plan switch name no resource: theirs is the reservations one.
  data: z.object({ customerId: z.string().min(1), enabled: z.boolean(), resource: z.enum(policyResources).default('AzureReservedInstances') }),
  async run({ person, services, userToken, askSignIn }, { customerId, enabled, resource }) {
    try {
      const change = await services.permissions.set(person, customerId, enabled, { userToken, resource });
      return await customerCardFor(services, person, change.customer, permissionNotice(change));
    } catch (err) {
      if (!(err instanceof CodedError)) throw err;
      if (err.code === ErrorCode.SignInRequired) askSignIn?.();
      const customer = await services.directory.visible(person, customerId);
      return customer ? await customerCardFor(services, person, customer, { tone: 'attention', text: err.message }) : messageCard('Not changed', err.message, 'attention');
    }
  },
});
