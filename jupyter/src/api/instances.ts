/** Routes about Rucio instances and credentials. */
import { requestAPI } from './request';
import type { AuthType, IInstancesResponse, ISaveAuthResponse, StoredCredentials } from './types';
import { ApiError } from './errors';

export function getInstances(signal?: AbortSignal): Promise<IInstancesResponse> {
  return requestAPI<IInstancesResponse>('instances', { signal });
}

export async function setActiveInstance(instance: string, auth: AuthType): Promise<void> {
  await requestAPI('instances', { method: 'PUT', body: { instance, auth } });
}

/** The stored credentials of one method, or null when none are stored (404). */
export async function getStoredCredentials(namespace: string, type: AuthType): Promise<StoredCredentials | null> {
  try {
    return await requestAPI<StoredCredentials>('auth', { query: { namespace, type } });
  } catch (error) {
    if (error instanceof ApiError && error.kind === 'not-found') {
      return null;
    }
    throw error;
  }
}

/** Saves credentials; the backend validates them against Rucio first. */
export function saveCredentials(
  namespace: string,
  type: AuthType,
  params: Record<string, string>
): Promise<ISaveAuthResponse> {
  return requestAPI<ISaveAuthResponse>('auth', { method: 'PUT', body: { namespace, type, params } });
}
