import { z } from 'zod';
import { Operation } from '../../services/operations.ts';
import type { SyncReport } from '../../services/cloudSync.ts';
import { shortName } from '../../services/permissionKinds.ts';
import { textReply } from '../replies.ts';
import { defineCommand } from './command.ts';

/** Brings customers, subscriptions, permissions and portal purchases in from Partner Center and Azure now. */
export const syncCommand = defineCommand({
  name: 'sync',
  summary: 'Bring customers, subscriptions, permissions and Azure portal purchases in from Partner Center now',
  usage: 'sync',
  examples: ['sync'],
  roles: ['AdminAgent'],
  attemptsLoggedFor: ['SalesAgent', 'HelpDeskAgent'],
  shows: 'partner',
  writes: () => Operation.SyncPartnerCenter,
  args: z.tuple([], 'say just `sync`'),
  async run({ services, person }) {
    return [textReply(syncNews(await services.sync.run(person), services.cloud.name))];
  },
});

/** A sync's report in words, one line for each kind of news. */
export function syncNews(report: SyncReport, cloudName: string): string {
  const lines = [
    report.added.length && `Added: ${report.added.join(', ')}.`,
    report.updated.length && `Changed (name, domain or subscriptions): ${report.updated.join(', ')}.`,
    ...report.permissions.map((p) => `${p.customer}: the ${shortName(p.resource, 'purchase permission')} was turned ${p.enabled ? 'on' : 'off'} outside the bot; recorded.`),
    ...report.purchases.map((p) => `${p.customer}: ${p.reservation.quantity} × ${p.reservation.productName} (${p.reservation.id}) was bought in the Azure portal; recorded.`),
    ...report.problems.map((p) => `Could not check ${p}`),
  ].filter((line): line is string => Boolean(line));
  const head = `Synced with ${cloudName}: ${report.customers} customer${report.customers === 1 ? '' : 's'}${lines.length ? '.' : ', nothing new.'}`;
  return [head, ...lines.map((line) => `- ${line}`)].join('\n\n');
}
