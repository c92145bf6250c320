import { StoreError } from '../../data/storeError.ts';
import type { Request, RequestHandler, Response } from 'restify';
import { CodedError, ErrorCode } from '../../services/codedError.ts';
import { excerpt } from '../../services/excerpt.ts';
import { HttpError, httpErrorOf } from './httpError.ts';

export interface JsonAnswer {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

const maxBodyBytes = 64 * 1024;

/** A JSON endpoint: the answer, or the error as `{code, description}` with its status; a fault is a 500 and a console line. */
export function jsonRoute(handler: (req: Request) => Promise<JsonAnswer>): RequestHandler {
  return guardedRoute(async (req, res) => {
    const { status = 200, body, headers = {} } = await handler(req);
    res.header('cache-control', 'no-store');
    for (const [name, value] of Object.entries(headers)) res.header(name, value);
    if (body === undefined) res.send(status);
    else res.send(status, body);
  });
}

/** An endpoint that writes its own answer (a page, a file); what it throws is answered as jsonRoute answers it. */
export function guardedRoute(handler: (req: Request, res: Response) => Promise<void>): RequestHandler {
  return async (req: Request, res: Response) => {
    try {
      await handler(req, res);
    } catch (err) {
      sendError(req, res, err);
    }
  };
}

function sendError(req: Request, res: Response, err: unknown): void {
  const error = err instanceof CodedError ? httpErrorOf(err) : err instanceof HttpError ? err : undefined;
  if (err instanceof StoreError) {
    // The database out of reach: said in one line, and the client is told to come back.
    console.error(`[http error] ${req.method} ${req.url}: ${err.message}`);
    res.header('retry-after', '30');
    res.send(503, { code: 'STORE_UNAVAILABLE', description: "The bot's database cannot be reached right now. Please try again in a minute; if it keeps happening, tell your administrator." });
    return;
  }
  if (!error) {
    console.error(`[http error] ${req.method} ${req.url}:`, err);
    res.send(500, { code: 'INTERNAL_ERROR', description: 'Something went wrong on the server, and nothing was changed by this request. Please try again; if it keeps happening, tell your administrator.' });
    return;
  }
  if (error.status === 401) res.header('www-authenticate', 'Bearer');
  // A body left unread (too large, encoded) is not drained for the next request: the connection ends with this answer.
  if (error.status === 413 || error.status === 415) res.header('connection', 'close');
  res.send(error.status, { code: error.code, description: error.message });
}

/**
 * The request body parsed as JSON, read only up to `maxBytes` (a larger declared length is refused before a byte is
 * read); a compressed body, an oversized one or bad JSON is a refusal naming the problem.
 */
export async function jsonBody(req: Request, maxBytes = maxBodyBytes): Promise<unknown> {
  const encoding = req.headers['content-encoding'];
  if (encoding && encoding.toLowerCase() !== 'identity') {
    throw new CodedError(ErrorCode.UnsupportedEncoding, `The body must be plain JSON, not encoded (Content-Encoding: ${excerpt(encoding, 40)}).`);
  }
  const tooLarge = () => new CodedError(ErrorCode.BodyTooLarge, `The body is over ${maxBytes / 1024} KB.`);
  if (Number(req.headers['content-length']) > maxBytes) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw tooLarge();
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text.trim()) throw new CodedError(ErrorCode.InvalidRequest, 'The body is empty: send a JSON object.');
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new CodedError(ErrorCode.InvalidRequest, `The body is not valid JSON: ${(err as Error).message}.`);
  }
}

/** The query string as an object of single values; a parameter given twice is a 400. */
export function queryOf(req: Request): Record<string, string> {
  const params = new URL(req.url ?? '/', 'http://localhost').searchParams;
  const query: Record<string, string> = {};
  for (const [name, value] of params) {
    if (Object.hasOwn(query, name)) throw new CodedError(ErrorCode.InvalidRequest, `The query parameter ${name} is given more than once.`);
    query[name] = value;
  }
  return query;
}
