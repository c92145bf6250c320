import type { Server } from 'node:http';

/** What one client may hold of the server: how long it may take to send a request, how many connections stay open. */
export interface HttpLimits {
  /** Until the request's headers are in (a client that sends them slowly holds a connection for nothing). */
  headersTimeoutMs: number;
  /** Until the whole request is in. Teams' requests are small and quick. */
  requestTimeoutMs: number;
  /** How long an idle keep-alive connection is kept for the next request. */
  keepAliveTimeoutMs: number;
  /** Connections open at once; more are refused. The Bot Connector, the tab and the API need far fewer. */
  maxConnections: number;
  /** The largest activity body; Teams' are a few kilobytes. */
  maxActivityBytes: number;
}

export const defaultHttpLimits: HttpLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 15_000,
  maxConnections: 512,
  maxActivityBytes: 256 * 1024,
};

/** Node checks these timeouts every 30 s (its connectionsCheckingInterval), so a slow client is cut within that much of them. */
export function applyHttpLimits(server: Server, limits: HttpLimits): void {
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.keepAliveTimeout = limits.keepAliveTimeoutMs;
  server.maxConnections = limits.maxConnections;
}
