import type { AzureReservationAPI } from '@azure/arm-reservations';
import { CloudError } from '../microsoftCloud.ts';
import type { ArmCallPurpose } from './armCall.ts';

/** What each operation of the reservations client takes (core-client's OperationOptions, with a poller's update interval). */
export type OperationOptions = NonNullable<Parameters<AzureReservationAPI['exchange']['beginPost']>[1]>;

/** One of Azure's answers as it came over the wire, its JSON body parsed. */
export interface WireAnswer {
  status: number;
  body: unknown;
}

/** The first answer tells what Azure accepted; the last, how the operation ended. */
export interface Answers {
  first?: WireAnswer;
  last?: WireAnswer;
}

/** How one change talks to Azure: under its deadline's signal, with its correlation id, polling at `pollIntervalMs` until a Retry-After says otherwise. */
export interface ChangeContext {
  abortSignal: AbortSignal;
  correlationId: string;
  pollIntervalMs?: number;
}

const parsed = (text: string | null | undefined): unknown => {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
};

/** The options of every request of a change; its answers are noted in `answers`, polls included. */
export function operationOptions(context: ChangeContext, answers: Answers = {}): OperationOptions {
  return {
    abortSignal: context.abortSignal,
    ...(context.pollIntervalMs === undefined ? {} : { updateIntervalInMs: context.pollIntervalMs }),
    // ARM's request header for tying a client's calls together in its logs.
    requestOptions: { customHeaders: { 'x-ms-correlation-request-id': context.correlationId } },
    onResponse: (raw) => {
      const answer = { status: raw.status, body: parsed(raw.bodyAsText) };
      answers.first ??= answer;
      answers.last = answer;
    },
  };
}

/** ARM's operation status when an operation ended without succeeding, with its error. */
function endedWithout(body: unknown): { status: string; code?: string; message?: string } | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { status, error } = body as { status?: unknown; error?: { code?: string; message?: string } };
  if (typeof status !== 'string' || !['failed', 'canceled', 'cancelled'].includes(status.toLowerCase())) return undefined;
  return { status, code: error?.code, message: error?.message };
}

/**
 * Starts a long-running operation and polls it to its end with the SDK's own poller (202 with Azure-AsyncOperation or
 * Location, each poll after Azure's Retry-After). One that ends Failed or Canceled is Azure's refusal, in its words.
 * Azure's answers are noted in `answers`, so that a caller can read them even when the polling fails.
 */
export async function longRunning<T>(
  context: ChangeContext,
  purpose: ArmCallPurpose,
  start: (options: OperationOptions) => Promise<{ pollUntilDone(options?: { abortSignal?: AbortSignal }): Promise<T> }>,
  answers: Answers = {},
): Promise<{ result: T; answers: Answers }> {
  try {
    const poller = await start(operationOptions(context, answers));
    return { result: await poller.pollUntilDone({ abortSignal: context.abortSignal }), answers };
  } catch (err) {
    const ended = context.abortSignal.aborted ? undefined : endedWithout(answers.last?.body);
    if (!ended) throw err;
    const words = ended.message ?? `the operation ended ${ended.status}`;
    throw new CloudError('refused', `Azure refused ${purpose.what}: ${words}`, ended.code ?? ended.status);
  }
}
