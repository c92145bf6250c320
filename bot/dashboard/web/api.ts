/** A refusal or failure the server answered with: its description is meant for the person. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface Api {
  get<T>(path: string): Promise<T>;
  send<T>(method: 'POST' | 'PUT', path: string, body: unknown): Promise<T>;
  /** Downloads a file the server makes (the CSV export) under the name it gives. */
  download(path: string): Promise<void>;
}

/** Calls the dashboard's endpoints with the person's bearer token. */
export function apiClient(token: () => Promise<string>): Api {
  async function call(method: string, path: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = { authorization: `Bearer ${await token()}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    if (!res.ok) {
      const answer = (await res.json().catch(() => undefined)) as { description?: string } | undefined;
      throw new ApiError(res.status, answer?.description ?? `The server answered ${res.status}.`);
    }
    return res;
  }
  return {
    get: async (path) => (await call('GET', path)).json(),
    send: async (method, path, body) => (await call(method, path, body)).json(),
    async download(path) {
      const res = await call('GET', path);
      const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? 'export.csv';
      const link = Object.assign(document.createElement('a'), { href: URL.createObjectURL(await res.blob()), download: name });
      document.body.append(link);
      link.click();
      link.remove();
      URL.revokeObjectURL(link.href);
    },
  };
}
