/**
 * The one seam between the panel and the backend: every route goes through requestAPI (or
 * requestJsonArrayStream), which unit tests mock. Built on ServerConnection.makeRequest, which adds
 * the Jupyter token and XSRF header.
 */
import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

import { ApiError, errorFromResponse, networkError } from './errors';
import { JsonArrayStreamParser } from './jsonArrayStream';

export const API_NAMESPACE = 'rucio-jupyterlab';

export type QueryValue = string | number | boolean | null | undefined;

export interface IRequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  query?: Record<string, QueryValue>;
  /** Serialised as JSON. */
  body?: unknown;
  signal?: AbortSignal;
}

let serverSettings: ServerConnection.ISettings | undefined;

function settings(): ServerConnection.ISettings {
  serverSettings ??= ServerConnection.makeSettings();
  return serverSettings;
}

/** Builds the URL of a route; undefined/null query values are left out. */
export function apiUrl(baseUrl: string, endpoint: string, query?: Record<string, QueryValue>): string {
  const url = URLExt.join(baseUrl, API_NAMESPACE, endpoint);
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null) {
      params.append(key, typeof value === 'boolean' ? (value ? '1' : '0') : String(value));
    }
  }
  const search = params.toString();
  return search ? `${url}?${search}` : url;
}

async function send(endpoint: string, options: IRequestOptions): Promise<Response> {
  const init: RequestInit = { method: options.method ?? 'GET', signal: options.signal };
  if (options.body !== undefined) {
    init.body = JSON.stringify(options.body);
    init.headers = { 'Content-Type': 'application/json' };
  }
  const connection = settings();
  let response: Response;
  try {
    response = await ServerConnection.makeRequest(apiUrl(connection.baseUrl, endpoint, options.query), init, connection);
  } catch (error) {
    if (options.signal?.aborted) {
      throw error;
    }
    throw networkError();
  }
  if (!response.ok) {
    const text = await response.text().catch(() => '');
    throw errorFromResponse(response.status, text);
  }
  return response;
}

/** Calls a route and returns its JSON answer (undefined for an empty body). */
export async function requestAPI<T>(endpoint: string, options: IRequestOptions = {}): Promise<T> {
  const response = await send(endpoint, options);
  const text = await response.text();
  if (text.trim() === '') {
    return undefined as T;
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ApiError({
      status: response.status,
      kind: 'server',
      message: 'The Rucio backend sent an answer that is not JSON. Check the Jupyter server log.'
    });
  }
}

/**
 * Calls a route answering a JSON array and hands its elements over as they arrive, so that long
 * lists show up progressively. Falls back to one batch when the body cannot be streamed.
 */
export async function requestJsonArrayStream<T>(
  endpoint: string,
  onItems: (items: T[]) => void,
  options: IRequestOptions = {}
): Promise<void> {
  const response = await send(endpoint, options);
  const parser = new JsonArrayStreamParser<T>();
  const malformed = () =>
    new ApiError({ status: response.status, kind: 'server', message: 'The Rucio backend sent a malformed list.' });
  try {
    const reader = response.body?.getReader();
    if (!reader) {
      onItems(parser.feed(await response.text()));
    } else {
      const decoder = new TextDecoder();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) {
          break;
        }
        const items = parser.feed(decoder.decode(value, { stream: true }));
        if (items.length > 0) {
          onItems(items);
        }
      }
      const rest = parser.feed(decoder.decode());
      if (rest.length > 0) {
        onItems(rest);
      }
    }
    parser.end();
  } catch (error) {
    if (error instanceof SyntaxError) {
      throw malformed();
    }
    throw error;
  }
}
