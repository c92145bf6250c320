import type { Reply } from './loopbackServer.ts';

/** Azure Resource Manager's error body (`{ error: { code, message } }`) with its status. */
export const armError = (status: number, code: string, message: string, headers?: Record<string, string>): Reply => ({ status, body: { error: { code, message } }, ...(headers ? { headers } : {}) });
