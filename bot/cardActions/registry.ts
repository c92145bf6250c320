import type { CardAction } from './cardAction.ts';
import { customersPageAction } from './customersPage.ts';
import { permissionSetAction } from './permissionSet.ts';

/** Every card verb the bot answers. */
export const cardActions: readonly CardAction[] = [permissionSetAction, customersPageAction];
