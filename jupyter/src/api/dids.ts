/** Routes about DIDs: search, scopes, status and the actions on them. */
import { requestAPI, requestJsonArrayStream } from './request';
import type {
  IDidStatus,
  IMakeAvailableResponse,
  INotebookResolveResponse,
  ISearchResultItem,
  SearchType
} from './types';

export interface ISearchQuery {
  namespace: string;
  did: string;
  type: SearchType;
  filters: string;
  limit: number;
}

export function searchDids(
  query: ISearchQuery,
  onItems: (items: ISearchResultItem[]) => void,
  signal?: AbortSignal
): Promise<void> {
  return requestJsonArrayStream<ISearchResultItem>('did-search', onItems, {
    query: {
      namespace: query.namespace,
      did: query.did,
      type: query.type,
      filters: query.filters || undefined,
      limit: query.limit
    },
    signal
  });
}

export async function listScopes(namespace: string, signal?: AbortSignal): Promise<string[]> {
  const answer = await requestAPI<{ scopes?: string[] }>('list-scopes', { query: { namespace }, signal });
  return [...(answer?.scopes ?? [])].sort((a, b) => a.localeCompare(b));
}

export interface IStatusQuery {
  namespace: string;
  did: string;
  refresh?: boolean;
  offset?: number;
  limit?: number;
}

export function getDidStatus(query: IStatusQuery, signal?: AbortSignal): Promise<IDidStatus> {
  return requestAPI<IDidStatus>('did/status', {
    query: {
      namespace: query.namespace,
      did: query.did,
      refresh: query.refresh ?? false,
      offset: query.offset ?? 0,
      limit: query.limit ?? 200
    },
    signal
  });
}

export function makeAvailable(namespace: string, did: string): Promise<IMakeAvailableResponse> {
  return requestAPI<IMakeAvailableResponse>('did/make-available', { method: 'POST', query: { namespace }, body: { did } });
}

export async function retryDid(namespace: string, did: string): Promise<void> {
  await requestAPI('did/rule/retry', { method: 'POST', query: { namespace }, body: { did } });
}

/** What the kernel injection needs for one attachment: local paths, PFNs and availability. */
export function resolveForNotebook(namespace: string, did: string, signal?: AbortSignal): Promise<INotebookResolveResponse> {
  return requestAPI<INotebookResolveResponse>('notebook/resolve', { query: { namespace, did }, signal });
}
