/** Routes not tied to a DID: transfers, the server-side file picker, the cache. */
import { requestAPI } from './request';
import type { IFileBrowserEntry, ITransfer } from './types';

export async function listTransfers(namespace: string, signal?: AbortSignal): Promise<ITransfer[]> {
  return (await requestAPI<ITransfer[]>('transfers', { query: { namespace }, signal })) ?? [];
}

export async function cancelTransfer(namespace: string, id: string): Promise<void> {
  await requestAPI('transfers/cancel', { method: 'POST', query: { namespace }, body: { id } });
}

/** Lists a server directory (confined by the backend to the user's space); '' means home. */
export async function listDirectory(path: string, signal?: AbortSignal): Promise<IFileBrowserEntry[]> {
  return (await requestAPI<IFileBrowserEntry[]>('file-browser', { query: { path }, signal })) ?? [];
}

export async function purgeCache(namespace: string | null): Promise<void> {
  // The namespace is sent when known; the existing extension's omission of it broke this route (§15).
  await requestAPI('purge-cache', { method: 'POST', query: { namespace: namespace ?? undefined } });
}
