import type { TeamsManifestV1D24 } from '@microsoft/app-manifest';
import type { AppScope, Command } from '../bot/commands/command.ts';
import { commands } from '../bot/commands/registry.ts';

export type TeamsManifest = TeamsManifestV1D24.TeamsManifestV1D24;
export type CommandList = TeamsManifestV1D24.CommandList;

export interface ManifestSettings {
  /** The bot's Microsoft Entra app id (a GUID); also the Teams app id. */
  botId: string;
  /** Where the bot's server is reached: a host name with an optional port, no scheme. */
  host: string;
  /** The app's version, from package.json. */
  version: string;
}

export const manifestVersion = '1.24';
export const manifestSchemaUrl = `https://developer.microsoft.com/en-us/json-schemas/teams/v${manifestVersion}/MicrosoftTeams.schema.json`;

/** The scopes the bot is installed in, in the order their command lists appear. */
export const appScopes: readonly AppScope[] = ['personal', 'team', 'groupChat'];

/** Teams shows at most 10 commands in a scope's command menu (the v1.24 schema itself allows 12). */
export const maxMenuCommands = 10;

/**
 * Teams' documented limit for a command description. The v1.24 schema allows 4000, but earlier
 * schemas cap it at 128 and the command menu has room for a line or two.
 */
export const maxCommandDescription = 128;

const shortDescription = 'Azure reservations for CSP customers, billed to the partner';

const fullDescription = [
  'A chat bot for Cloud Solution Provider (CSP) partners and their customers.',
  'Partner agents see their customers and turn on, per customer, the "Azure reservations: allow customer to purchase" permission.',
  'Customer users then buy Azure reservations billed to the partner, and ask the partner for exchanges, cancellations, renewals and scope changes of their reservations.',
  'Admin Agents approve or decline each request with a click, and everything that happens is recorded in an activity log.',
  'The personal app also has a dashboard tab.',
].join(' ');

/** "summary — usage", cut at a word to what the command menu accepts. */
export function commandDescription(command: Pick<Command, 'summary' | 'usage'>): string {
  const text = `${command.summary} — ${command.usage}`;
  if (text.length <= maxCommandDescription) return text;
  const room = text.slice(0, maxCommandDescription - 1);
  const lastSpace = room.lastIndexOf(' ');
  return `${(lastSpace > maxCommandDescription / 2 ? room.slice(0, lastSpace) : room).trimEnd()}…`;
}

/** One command list per scope whose menu offers any command, in registry order. */
export function commandLists(registry: readonly Command[]): CommandList[] {
  return appScopes.flatMap((scope) => {
    const offered = registry.filter((command) => command.menu?.includes(scope));
    if (offered.length > maxMenuCommands) {
      throw new Error(
        `The ${scope} command menu would list ${offered.length} commands but Teams shows at most ${maxMenuCommands}: ` +
          `take '${scope}' out of the menu of some of ${offered.map((c) => c.name).join(', ')}.`,
      );
    }
    if (offered.length === 0) return [];
    return [{ scopes: [scope], commands: offered.map((command) => ({ title: command.name, description: commandDescription(command) })) }];
  });
}

/** The Teams app manifest of the bot, with its command menus generated from the command registry. */
export function teamsManifest(settings: ManifestSettings): TeamsManifest {
  const { botId, host, version } = settings;
  const site = `https://${host}`;
  return {
    $schema: manifestSchemaUrl,
    manifestVersion,
    version,
    id: botId,
    developer: {
      name: 'CSP reservations bot',
      websiteUrl: `${site}/dashboard`,
      privacyUrl: `${site}/dashboard/privacy.html`,
      termsOfUseUrl: `${site}/dashboard/terms.html`,
    },
    name: { short: 'Reservations', full: 'Azure reservations for CSP customers' },
    description: { short: shortDescription, full: fullDescription },
    icons: { color: 'color.png', outline: 'outline.png' },
    accentColor: '#5B5FC7',
    bots: [
      {
        botId,
        scopes: [...appScopes],
        supportsFiles: false,
        isNotificationOnly: false,
        commandLists: commandLists(commands),
      },
    ],
    staticTabs: [
      // Teams opens the first tab. Without this entry it hides the bot's Chat tab once the app has a static tab.
      { entityId: 'conversations', scopes: ['personal'] },
      {
        entityId: 'dashboard',
        name: 'Dashboard',
        // Teams replaces {theme} with default, dark or contrast.
        contentUrl: `${site}/dashboard?theme={theme}`,
        websiteUrl: `${site}/dashboard`,
        scopes: ['personal'],
      },
    ],
    validDomains: [host],
    webApplicationInfo: { id: botId, resource: `api://${host}/${botId}` },
  };
}
