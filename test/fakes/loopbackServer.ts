import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { IncomingHttpHeaders } from 'node:http';

const tls = {
  cert: readFileSync(new URL('tls/loopback-cert.pem', import.meta.url)),
  key: readFileSync(new URL('tls/loopback-key.pem', import.meta.url)),
};

/** A request as a fake received it, and the status it answered (undefined: never answered). */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  body: string;
  status?: number;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  /** Sent as JSON, or as is when a string. */
  body?: unknown;
}

export type Pick = (request: RecordedRequest) => boolean;

export type Handler = (request: RecordedRequest) => Promise<Reply> | Reply;

/** An HTTPS fake of a Microsoft service on 127.0.0.1 with the test certificate, and the faults a test can inject. */
export interface LoopbackServer {
  /** https://127.0.0.1:port, no trailing slash. */
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** The next `n` requests (of those `only` picks) are answered 429 with Retry-After `retryAfterSeconds`, without being handled. */
  throttle(n: number, retryAfterSeconds: number, only?: Pick): void;
  /** The next `n` requests (of those `only` picks) are answered `status` with the service's error body, without being handled. */
  fail(n: number, status?: number, only?: Pick): void;
  /** The next `n` requests (of those `only` picks) are handled (a write takes effect) but never answered: the answer is lost. */
  hang(n: number, only?: Pick): void;
  /** Runs `hook` on each request before it is handled (to change the state "meanwhile"). */
  beforeHandling(hook: ((request: RecordedRequest) => void) | undefined): void;
  /** Stops listening (connections refused, open ones cut) until up(). */
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

export interface Faults {
  throttled: (retryAfterSeconds: number) => Reply;
  failed: (status: number) => Reply;
}

export async function startLoopbackServer(handle: Handler, faults: Faults): Promise<LoopbackServer> {
  const requests: RecordedRequest[] = [];
  const all: Pick = () => true;
  let throttles = { left: 0, seconds: 0, only: all };
  let failures = { left: 0, status: 500, only: all };
  let hangs = { left: 0, only: all };
  let hook: ((request: RecordedRequest) => void) | undefined;

  const server: Server = createServer(tls, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'https://127.0.0.1');
      const recorded: RecordedRequest = { method: req.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(recorded);
      void answer(recorded).then((reply) => {
        if (!reply) return;
        recorded.status = reply.status;
        const text = reply.body === undefined ? '' : typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
        res.writeHead(reply.status, { ...(text && typeof reply.body !== 'string' ? { 'content-type': 'application/json; charset=utf-8' } : {}), ...reply.headers });
        res.end(text);
      });
    });
  });

  async function answer(request: RecordedRequest): Promise<Reply | undefined> {
    if (throttles.left > 0 && throttles.only(request)) {
      throttles.left--;
      return faults.throttled(throttles.seconds);
    }
    if (failures.left > 0 && failures.only(request)) {
      failures.left--;
      return faults.failed(failures.status);
    }
    const hang = hangs.left > 0 && hangs.only(request);
    if (hang) hangs.left--;
    let reply: Reply;
    try {
      hook?.(request);
      reply = await handle(request);
    } catch (err) {
      reply = { ...faults.failed(500), body: { ...(faults.failed(500).body as object), description: String(err) } };
    }
    return hang ? undefined : reply;
  }

  let port = 0;
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        port = (server.address() as AddressInfo).port;
        resolve();
      });
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      if (!server.listening) return resolve();
      server.close(() => resolve());
      server.closeAllConnections();
    });
  await listen();

  return {
    url: `https://127.0.0.1:${port}`,
    requests,
    throttle: (n, seconds, only = all) => (throttles = { left: n, seconds, only }),
    fail: (n, status = 500, only = all) => (failures = { left: n, status, only }),
    hang: (n, only = all) => (hangs = { left: n, only }),
    beforeHandling: (h) => (hook = h),
    down: stop,
    up: listen,
    close: stop,
  };
}
