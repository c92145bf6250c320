import type { CardAction } from './cardAction.ts';
import { customersPageAction } from './customersPage.ts';
import { logPageAction, ordersPageAction, requestsPageAction, reservationsPageAction } from './listPages.ts';
import { permissionSetAction } from './permissionSet.ts';
import { purchaseConfirmAction } from './purchaseConfirm.ts';
import { purchaseEditAction } from './purchaseEdit.ts';
import { purchaseReviewAction } from './purchaseReview.ts';
import { requestCreateAction } from './requestCreate.ts';
import { requestApproveAction, requestRejectAction } from './requestDecide.ts';
import { requestRefreshAction } from './requestRefresh.ts';
import { requestRetryAction } from './requestRetry.ts';
import { requestWithdrawAction } from './requestWithdraw.ts';
import { settingsSetAction } from './settingsSet.ts';

/** Every card verb the bot answers. */
export const cardActions: readonly CardAction[] = [
  permissionSetAction,
  customersPageAction,
  reservationsPageAction,
  ordersPageAction,
  requestsPageAction,
  logPageAction,
  purchaseReviewAction,
  purchaseConfirmAction,
  purchaseEditAction,
  settingsSetAction,
  requestCreateAction,
  requestApproveAction,
  requestRejectAction,
  requestWithdrawAction,
  requestRefreshAction,
  requestRetryAction,
];
