import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { CloudError } from '../microsoftCloud.ts';
import { errorShape } from './partnerCenterShapes.ts';
import { sendResiliently, type Deadline, type HttpRequest } from './resilience.ts';

export const partnerCenter = 'Partner Center';

export interface PartnerCenterRequest {
  method: HttpRequest['method'];
  /** From the API root: `/v1/customers?size=100`. */
  path: string;
  token: string;
  correlationId: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export type PartnerCenterAnswer = { status: number; json: unknown };

/**
 * One logical Partner Center request with the headers it requires: a new MS-RequestId per logical operation, the
 * same on each of its retries (Partner Center then answers a repeated write without doing it twice), and the
 * caller's MS-CorrelationId. Statuses in `accept` are returned; any other 4xx is 'refused' quoting Partner Center.
 */
export class PartnerCenterHttp {
  private readonly base: string;

  constructor(baseUrl: string) {
    this.base = baseUrl.replace(/\/+$/, '');
  }

  async send(request: PartnerCenterRequest, deadline: Deadline, accept: readonly number[] = []): Promise<PartnerCenterAnswer> {
    const answer = await sendResiliently(
      partnerCenter,
      {
        method: request.method,
        url: `${this.base}${request.path}`,
        headers: {
          authorization: `Bearer ${request.token}`,
          accept: 'application/json',
          'ms-requestid': randomUUID(),
          'ms-correlationid': request.correlationId,
          ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...request.headers,
        },
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
      },
      deadline,
    );
    const json = parsed(answer.text);
    if ((answer.status >= 200 && answer.status < 300) || accept.includes(answer.status)) return { status: answer.status, json };
    throw refusal(answer.status, json);
  }

  /** A successful answer's body read as `shape`; an answer of another shape is not trusted. */
  async read<T>(request: PartnerCenterRequest, deadline: Deadline, shape: z.ZodType<T>): Promise<T> {
    return shapeOf((await this.send(request, deadline)).json, shape);
  }
}

export function shapeOf<T>(json: unknown, shape: z.ZodType<T>): T {
  const result = shape.safeParse(json);
  if (!result.success) throw new CloudError('unavailable', `${partnerCenter} answered in a shape the bot does not know; try again later.`);
  return result.data;
}

function parsed(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

/** Partner Center's error body `{code, description, data, source}` in plain words. */
export function refusal(status: number, json: unknown): CloudError {
  const body = errorShape.safeParse(json);
  const code = body.success && body.data.code !== undefined ? String(body.data.code) : undefined;
  const description = body.success && body.data.description ? body.data.description.slice(0, 300) : undefined;
  const said = description ? `${partnerCenter} said "${description}"` : `${partnerCenter} answered HTTP ${status}`;
  return new CloudError('refused', `${said} (HTTP ${status}${code ? `, code ${code}` : ''}).`, code, status);
}
