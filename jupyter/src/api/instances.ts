/** Routes about Rucio instances and credentials. */
import { requestAPI } from './request';
import type { AuthType, IInstancesResponse, ISaveAuthResponse, StoredCredentials } from './types';

export function getInstances(signal?: AbortSignal): Promise<IInstancesResponse> {
  return requestAPI<IInstancesResponse>('instances', { signal });
}

export async function setActiveInstance(instance: string, auth: AuthType): Promise<void> {
  await requestAPI('instances', { method: 'PUT', body: { instance, auth } });
}

/** The stored credentials of one method, or null when none are stored (404). */
export async function getStoredCredentials(namespace: string, type: AuthType): Promise<StoredCredentials | null> {
  // optional: "nothing saved" is an empty 204 instead of the compatible 404 (which browsers log as an error).
  const stored = await requestAPI<StoredCredentials | undefined>('auth', { query: { namespace, type, optional: true } });
  return stored ?? null;
}

/** Saves credentials; the backend validates them against Rucio first. */
export function saveCredentials(
  namespace: string,
  type: AuthType,
  params: Record<string, string>
): Promise<ISaveAuthResponse> {
  return requestAPI<ISaveAuthResponse>('auth', { method: 'PUT', body: { namespace, type, params } });
}
