import { buyCommand } from './buy.ts';
import { cancelCommand, exchangeCommand, renewCommand, scopeCommand } from './changeCommands.ts';
import type { Command } from './command.ts';
import { customerCommand } from './customer.ts';
import { customersCommand } from './customers.ts';
import { helpCommand } from './help.ts';
import { logCommand } from './log.ts';
import { ordersCommand } from './orders.ts';
import { permissionCommand } from './permission.ts';
import { priceCommand } from './price.ts';
import { pricesCommand } from './prices.ts';
import { requestCommand } from './request.ts';
import { requestsCommand } from './requests.ts';
import { reservationsCommand } from './reservations.ts';
import { settingsCommand } from './settings.ts';
import { syncCommand } from './sync.ts';
import { retryCommand } from './retry.ts';
import { withdrawCommand } from './withdraw.ts';

/** The only list of chat commands: the router, `help` and the app manifest all read it. */
export const commands: readonly Command[] = [
  helpCommand,
  customersCommand,
  customerCommand,
  permissionCommand,
  buyCommand,
  reservationsCommand,
  ordersCommand,
  cancelCommand,
  exchangeCommand,
  renewCommand,
  scopeCommand,
  requestsCommand,
  requestCommand,
  withdrawCommand,
  retryCommand,
  pricesCommand,
  priceCommand,
  settingsCommand,
  syncCommand,
  logCommand,
];
