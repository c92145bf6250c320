import { CloudError } from '../microsoftCloud.ts';

/** What a call is about, in words for the person who asked, and the Azure role the partner needs for it. */
export interface ArmCallPurpose {
  /** "the Owners of Azure subscription 1111…" */
  what: string;
  /** "an Azure role (Reader at least) on subscription 1111…" */
  partnerNeeds: string;
}

/**
 * Runs one call to Azure Resource Manager under a deadline and turns whatever goes wrong into a CloudError. The
 * deadline's signal is handed to the SDK (which stops retrying when it fires), and the call is also raced against it,
 * so that a credential that ignores the signal cannot hold a turn past `callTimeoutMs`.
 */
export async function armCall<T>(callTimeoutMs: number, purpose: ArmCallPurpose, work: (abortSignal: AbortSignal) => Promise<T>): Promise<T> {
  const deadline = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      deadline.abort();
      reject(new Error('deadline'));
    }, callTimeoutMs);
  });
  const answer = work(deadline.signal);
  // After the deadline the call's own rejection has nobody waiting for it.
  answer.catch(() => undefined);
  try {
    return await Promise.race([answer, expired]);
  } catch (err) {
    if (deadline.signal.aborted) throw new CloudError('unavailable', `Azure did not answer about ${purpose.what} within ${callTimeoutMs / 1000} seconds.`);
    throw cloudErrorFrom(err, purpose);
  } finally {
    clearTimeout(timer);
  }
}

interface RestErrorLike {
  name: string;
  message: string;
  code?: string;
  statusCode?: number;
}

export const isRestError = (err: unknown): err is RestErrorLike => err instanceof Error && err.name === 'RestError';

function cloudErrorFrom(err: unknown, { what, partnerNeeds }: ArmCallPurpose): CloudError {
  if (err instanceof CloudError) return err;
  if (!isRestError(err)) return new CloudError('unavailable', `Azure did not answer about ${what}: ${err instanceof Error ? err.message : String(err)}.`);
  const { statusCode: status, code, message } = err;
  if (status === undefined) return new CloudError('unavailable', `Azure did not answer about ${what} (${code ?? message}).`, code);
  if (status < 400) return new CloudError('unavailable', `Azure answered about ${what} with something the bot cannot read.`, code, status);
  if (status === 429) return new CloudError('unavailable', `Azure is throttling the partner's requests about ${what}; try again in a minute.`, code, status);
  if (status >= 500) return new CloudError('unavailable', `Azure did not answer about ${what}: it failed (${status}).`, code, status);
  if (status === 401) return new CloudError('refused', `Azure refused the partner's sign-in to the customer's tenant for ${what}: ${message}`, code, status);
  if (status === 403) {
    return new CloudError('refused', `Azure refused ${what}: the partner needs ${partnerNeeds}, through admin-on-behalf-of or a GDAP relationship whose security group holds that Azure role (${message})`, code, status);
  }
  if (status === 404) return new CloudError('refused', `Azure does not know ${what}: ${message}`, code, status);
  return new CloudError('refused', `Azure refused ${what}: ${message}`, code, status);
}
