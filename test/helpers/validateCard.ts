import { createRequire } from 'node:module';
import type * as AdaptiveCardsModule from 'adaptivecards';

// `import 'adaptivecards'` fails under Node ESM (extensionless imports in lib/); the UMD bundle loads, and parses without a DOM.
const AC = createRequire(import.meta.url)('adaptivecards/dist/adaptivecards.js') as typeof AdaptiveCardsModule;

/**
 * Every problem the adaptivecards library finds in a card's JSON, one line each: what it logs while parsing
 * (unknown element or action types, values outside an enum, actions not allowed where they are, properties newer
 * than the card's declared version) and what `validateProperties` reports (missing or unsupported version, wrong
 * card type, duplicate ids, inputs without ids, empty choice sets, too many actions).
 *
 * The card is parsed for the version it declares, so an element or property that needs a newer version than
 * that (Action.Execute needs 1.4) is reported rather than silently accepted.
 */
export function cardProblems(card: unknown): string[] {
  const json = card as { version?: unknown };
  const declared = typeof json?.version === 'string' ? AC.Version.parse(json.version, new AC.SerializationContext()) : undefined;
  const context = new AC.SerializationContext(declared?.isValid ? declared : AC.Versions.latest);
  const parsed = new AC.AdaptiveCard();
  parsed.parse(card, context);

  const problems: string[] = [];
  for (let i = 0; i < context.eventCount; i++) problems.push(describe(context.getEventAt(i)));
  for (const event of parsed.validateProperties().validationEvents) problems.push(describe(event));
  problems.push(...executeActionsWithoutVerb(card));
  return problems;
}

/** Throws, listing every problem, unless the card is a valid Adaptive Card. */
export function expectValidCard(card: unknown): void {
  const problems = cardProblems(card);
  if (problems.length) {
    throw new Error(`The card is not a valid Adaptive Card (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${problems.map((p) => `  - ${p}`).join('\n')}\nCard: ${JSON.stringify(card, null, 2)}`);
  }
}

function describe(event: AdaptiveCardsModule.IValidationEvent): string {
  const where = event.source instanceof AC.CardObject ? ` at ${event.source.getJsonTypeName()}${event.source.id ? ` "${event.source.id}"` : ''}` : '';
  return `${AC.ValidationPhase[event.phase]} ${AC.ValidationEvent[event.event]}${where}: ${event.message}`;
}

/**
 * Our own check, not the library's: adaptivecards 3.0 accepts an Action.Execute with no verb, but the bot routes
 * clicks by verb only, so such a button could never do anything.
 */
function executeActionsWithoutVerb(node: unknown, path = '$'): string[] {
  if (Array.isArray(node)) return node.flatMap((item, i) => executeActionsWithoutVerb(item, `${path}[${i}]`));
  if (!node || typeof node !== 'object') return [];
  const record = node as Record<string, unknown>;
  const own = record.type === 'Action.Execute' && (typeof record.verb !== 'string' || record.verb.trim() === '') ? [`Own rule at ${path}: an Action.Execute must have a verb, or no handler can answer it`] : [];
  return [...own, ...Object.entries(record).flatMap(([key, value]) => (key === 'data' ? [] : executeActionsWithoutVerb(value, `${path}.${key}`)))];
}
