import type { CardAction } from './cardAction.ts';
import { customersPageAction } from './customersPage.ts';
import { permissionSetAction } from './permissionSet.ts';
import { purchaseConfirmAction } from './purchaseConfirm.ts';
import { purchaseEditAction } from './purchaseEdit.ts';
import { purchaseReviewAction } from './purchaseReview.ts';
import { settingsSetAction } from './settingsSet.ts';

/** Every card verb the bot answers. */
export const cardActions: readonly CardAction[] = [permissionSetAction, customersPageAction, purchaseReviewAction, purchaseConfirmAction, purchaseEditAction, settingsSetAction];
