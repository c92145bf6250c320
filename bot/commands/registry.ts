import type { Command } from './command.ts';
import { customerCommand } from './customer.ts';
import { customersCommand } from './customers.ts';
import { helpCommand } from './help.ts';
import { logCommand } from './log.ts';
import { permissionCommand } from './permission.ts';

/** The only list of chat commands: the router, `help` and the app manifest all read it. */
export const commands: readonly Command[] = [helpCommand, customersCommand, customerCommand, permissionCommand, logCommand];
