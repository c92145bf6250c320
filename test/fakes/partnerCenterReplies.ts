import type { Reply } from './loopbackServer.ts';

/** Partner Center's error body `{code, description, data, source}` [error-codes]. */
export const pcError = (status: number, code: string, description: string): Reply => ({ status, body: { code, description, data: [], source: 'PartnerFD' } });

/** A resource collection, with its links (`next` leads to the next page). */
export const collection = (items: unknown[], links: Record<string, unknown> = {}) => ({ totalCount: items.length, items, links, attributes: { objectType: 'Collection' } });

/** A link as Partner Center gives one: a URI relative to the API root, without its version. */
export const link = (uri: string) => ({ uri, method: 'GET', headers: [] });
