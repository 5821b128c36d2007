/**
 * Upload routes (compatible with the existing extension's `upload`, `upload/jobs*`; progress is in `transfers`)
 * and the RSE listing the upload dialog offers.
 */
import { requestAPI } from './request';

/** `POST upload` body; paths are relative to the Jupyter root, as the file browser gives them. */
export interface IUploadRequest {
  file_paths: string[];
  rse: string;
  scope: string;
  add_to_dataset: boolean;
  dataset_scope: string | null;
  dataset_name: string | null;
  /** Rule lifetime in seconds (the existing extension's unit); null = no expiry. */
  lifetime: number | null;
}

export interface IUploadResponse {
  success: boolean;
  job_ids?: (string | number)[];
}

/** One row of `GET upload/jobs` (the existing extension's fields; only some are shown). */
export interface IUploadJob {
  id: string | number;
  did: string;
  dataset_did?: string | null;
  path: string;
  rse: string;
  lifetime?: number | null;
  status?: string;
}

export async function startUpload(namespace: string, body: IUploadRequest): Promise<string[]> {
  const answer = await requestAPI<IUploadResponse | undefined>('upload', { method: 'POST', query: { namespace }, body });
  return (answer?.job_ids ?? []).map(String);
}

export async function listUploadJobs(namespace: string, signal?: AbortSignal): Promise<IUploadJob[]> {
  const answer = await requestAPI<IUploadJob[] | undefined>('upload/jobs', { query: { namespace }, signal });
  return Array.isArray(answer) ? answer : [];
}

export async function getUploadLog(namespace: string, id: string, signal?: AbortSignal): Promise<string> {
  const answer = await requestAPI<{ text?: unknown } | undefined>('upload/jobs/log', { query: { namespace, id }, signal });
  return typeof answer?.text === 'string' ? answer.text : '';
}

/** Forgets a finished upload job and its log. */
export async function deleteUploadJob(namespace: string, id: string): Promise<void> {
  await requestAPI('upload/jobs/details', { method: 'DELETE', query: { namespace, id } });
}

export const WRITABLE_RSE_EXPRESSION = 'availability_write=True';

function rseNames(list: unknown): string[] {
  const names = new Set<string>();
  for (const item of Array.isArray(list) ? list : []) {
    // Objects from list-rses/details (and from the old Python backend's list-rses), strings from list-rses.
    const name = typeof item === 'string' ? item : (item as { rse?: unknown } | null)?.rse;
    if (typeof name === 'string' && name !== '') {
      names.add(name);
    }
  }
  return [...names].sort((a, b) => a.localeCompare(b));
}

/**
 * The RSEs a user may upload to: `list-rses/details` (objects with `rse`), falling back to `list-rses`
 * (names) on backends without the details route.
 */
export async function listWritableRses(namespace: string, signal?: AbortSignal): Promise<string[]> {
  const query = { namespace, expression: WRITABLE_RSE_EXPRESSION };
  let details: unknown;
  try {
    details = await requestAPI<unknown>('list-rses/details', { query, signal });
  } catch (error) {
    if (signal?.aborted) {
      throw error;
    }
    return rseNames(await requestAPI<unknown>('list-rses', { query, signal }));
  }
  return rseNames(details);
}
