/**
 * Turns the notebook's attachments into inject-request entries through the backend's `notebook/resolve` route
 * (docs/kernels.md §7.3). A DID that cannot be resolved is still sent, as "not available" with the reason, so
 * that using its variable fails with a sentence instead of a NameError.
 */
import { messageOf } from '../api/errors';
import type { INotebookResolveResponse } from '../api/types';
import type { IAttachment } from '../model/attachments';
import type { IInjectEntry, IInjectFile } from './protocol';

export type Resolver = (did: string, signal: AbortSignal) => Promise<INotebookResolveResponse>;

export interface IResolvedEntry {
  entry: IInjectEntry;
  /** Why the backend could not resolve the DID (the entry is then a placeholder), else null. */
  resolveError: string | null;
}

const AVAILABLE_STATUSES: ReadonlySet<string> = new Set(['OK', 'AVAILABLE']);

/** Whether a DID status means the data can be opened (file `OK`, collection `AVAILABLE`). */
export function isAvailableStatus(status: string | null | undefined): boolean {
  return status !== null && status !== undefined && AVAILABLE_STATUSES.has(status);
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** One entry from the route's answer; the attachment's own name and DID always win. */
export function entryFromResolution(attachment: IAttachment, answer: INotebookResolveResponse): IInjectEntry {
  const files: IInjectFile[] = [];
  for (const file of Array.isArray(answer.files) ? answer.files : []) {
    const path = stringOrNull(file?.path);
    if (path) {
      files.push({ path, pfn: stringOrNull(file.pfn), did: stringOrNull(file.did) });
    }
  }
  const type = answer.type === 'file' || answer.type === 'collection' ? answer.type : attachment.type;
  const status = stringOrNull(answer.status);
  let error = stringOrNull(answer.error);
  let available = answer.available === true;
  if (available && type === 'file' && files.length !== 1) {
    // The kernel would reject the entry; a clear "not available" is more useful than a rejection.
    available = false;
    error ??= 'the backend gave no local path for this file';
  }
  return {
    type,
    variableName: attachment.variableName,
    did: attachment.did,
    didAvailable: available,
    files: available ? files : null,
    status,
    error,
    mode: stringOrNull(answer.mode)
  };
}

/** Resolves every attachment in parallel; failures become placeholders, never a rejected promise. */
export async function resolveAttachments(
  attachments: readonly IAttachment[],
  resolve: Resolver,
  signal: AbortSignal
): Promise<IResolvedEntry[]> {
  return Promise.all(
    attachments.map(async attachment => {
      try {
        return { entry: entryFromResolution(attachment, await resolve(attachment.did, signal)), resolveError: null };
      } catch (error) {
        const reason = messageOf(error);
        return {
          entry: {
            type: attachment.type,
            variableName: attachment.variableName,
            did: attachment.did,
            didAvailable: false,
            files: null,
            status: null,
            error: reason,
            mode: null
          },
          resolveError: reason
        };
      }
    })
  );
}
