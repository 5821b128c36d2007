/**
 * The inject request the frontend sends to kernels, and its validation into plain records: a 1:1 port of
 * `rucio_jupyterlab/kernels/protocol.py` (docs/kernels.md §3). The R adapter generates code from the validated
 * records, so every check the kernel side makes is made here too, in the same order and with the same codes.
 */

export const COMM_TARGET_KERNEL = 'rucio-jupyterlab:kernel';
export const COMM_TARGET_FRONTEND = 'rucio-jupyterlab:frontend';

export const ACTION_INJECT = 'inject';
export const ACTION_ACK_INJECT = 'ack-inject';
export const ACTION_REQUEST_INJECT = 'request-inject';

/** What "not available" means when the request carries no status (the existing frontend sends none). */
export const DEFAULT_UNAVAILABLE_STATUS = 'NOT_AVAILABLE';

export type RejectionCode =
  | 'malformed-entry'
  | 'unsupported-character'
  | 'invalid-name'
  | 'reserved-name'
  | 'duplicate-name';

export interface IInjectFile {
  path: string;
  pfn: string | null;
  did?: string | null;
}

/** One `dids` entry as sent; the first five fields are the existing extension's. */
export interface IInjectEntry {
  type: 'file' | 'collection';
  variableName: string;
  did: string;
  didAvailable: boolean;
  files: IInjectFile[] | null;
  status?: string | null;
  error?: string | null;
  mode?: string | null;
}

export interface IInjectRequest {
  action: typeof ACTION_INJECT;
  requestId?: string;
  dids: IInjectEntry[];
}

export interface IRejection {
  index: number;
  variableName: string | null;
  did: string | null;
  code: RejectionCode;
  reason: string;
}

/** The kernel's answer on the comm (docs/kernels.md §4.2). */
export interface IInjectAck {
  action: typeof ACTION_ACK_INJECT;
  variable_names: string[];
  rejected: IRejection[];
  requestId?: string;
  error?: string;
}

export interface INameProblem {
  code: RejectionCode;
  reason: string;
}

export type NameCheck = (name: string) => INameProblem | null;

export interface IAttachedFile {
  path: string;
  pfn: string | null;
  did: string | null;
}

/** One valid entry: a variable to define, or to define as "not available". */
export interface IValidAttachment {
  index: number;
  variableName: string;
  did: string;
  type: 'file' | 'collection';
  available: boolean;
  files: IAttachedFile[];
  status: string | null;
  error: string | null;
  mode: string | null;
}

export interface IParsedRequest {
  attachments: IValidAttachment[];
  rejections: IRejection[];
  requestId: string | null;
}

/** The request as a whole is unusable (not an inject request, `dids` not a list, bad `requestId`). */
export class ProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProtocolError';
  }
}

class Rejected extends Error {
  constructor(
    readonly code: RejectionCode,
    readonly reason: string
  ) {
    super(reason);
  }
}

export function effectiveStatus(attachment: Pick<IValidAttachment, 'status'>): string {
  return attachment.status || DEFAULT_UNAVAILABLE_STATUS;
}

/** The one sentence every language shows when an unavailable variable is used (docs/kernels.md §6.4). */
export function unavailableMessage(attachment: Pick<IValidAttachment, 'did' | 'variableName' | 'status' | 'error'>): string {
  const detail = attachment.error ? `, error: ${attachment.error}` : '';
  return (
    `Rucio DID ${attachment.did} (variable '${attachment.variableName}') is not available ` +
    `(status: ${effectiveStatus(attachment)}${detail}); the variable is set to its path(s) ` +
    'once the DID becomes available.'
  );
}

/** NUL cannot be part of a path or an R string; a lone surrogate cannot be encoded as UTF-8. */
export function hasUnsupportedCharacter(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    if (unit === 0) {
      return true;
    }
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = i + 1 < value.length ? value.charCodeAt(i + 1) : 0;
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      return true;
    }
    if (unit >= 0xdc00 && unit <= 0xdfff) {
      return true;
    }
  }
  return false;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Validates `{"action": "inject", "dids": [...]}` with the kernel language's name rule. */
export function parseInjectRequest(message: unknown, checkName: NameCheck): IParsedRequest {
  if (!isObject(message) || message.action !== ACTION_INJECT) {
    throw new ProtocolError('not an inject request (expected {"action": "inject", "dids": [...]})');
  }
  const entries = message.dids;
  if (!Array.isArray(entries)) {
    throw new ProtocolError('"dids" must be a list');
  }
  const requestId = message.requestId;
  if (requestId !== undefined && requestId !== null && typeof requestId !== 'string') {
    throw new ProtocolError('"requestId" must be a string when present');
  }
  const attachments: IValidAttachment[] = [];
  const rejections: IRejection[] = [];
  const namesInUse = new Set<string>();
  entries.forEach((entry: unknown, index: number) => {
    try {
      const attachment = parseEntry(index, entry, checkName);
      if (namesInUse.has(attachment.variableName)) {
        throw new Rejected('duplicate-name', 'an earlier entry of this request uses the same variable name');
      }
      namesInUse.add(attachment.variableName);
      attachments.push(attachment);
    } catch (error) {
      if (!(error instanceof Rejected)) {
        throw error;
      }
      rejections.push({
        index,
        variableName: echoedString(entry, 'variableName'),
        did: echoedString(entry, 'did'),
        code: error.code,
        reason: error.reason
      });
    }
  });
  return { attachments, rejections, requestId: typeof requestId === 'string' ? requestId : null };
}

/** A field echoed back in a rejection: only well-formed strings. */
function echoedString(entry: unknown, key: string): string | null {
  if (!isObject(entry)) {
    return null;
  }
  const value = entry[key];
  return typeof value === 'string' && !hasUnsupportedCharacter(value) ? value : null;
}

function parseEntry(index: number, entry: unknown, checkName: NameCheck): IValidAttachment {
  if (!isObject(entry)) {
    throw new Rejected('malformed-entry', 'the entry is not an object');
  }
  const name = entry.variableName;
  if (typeof name !== 'string') {
    throw new Rejected('malformed-entry', '"variableName" must be a string');
  }
  const problem = checkName(supported(name, 'variableName'));
  if (problem) {
    throw new Rejected(problem.code, problem.reason);
  }
  const did = requiredString(entry, 'did');
  const type = entry.type;
  if (type !== 'file' && type !== 'collection') {
    throw new Rejected('malformed-entry', '"type" must be "file" or "collection"');
  }
  const available = entry.didAvailable;
  if (typeof available !== 'boolean') {
    throw new Rejected('malformed-entry', '"didAvailable" must be true or false');
  }
  const status = optionalString(entry, 'status');
  const error = optionalString(entry, 'error');
  const mode = optionalString(entry, 'mode');
  // Files of an unavailable DID are ignored: the existing frontend sends a partial list then.
  const files = available ? parseFiles(entry.files, type) : [];
  return { index, variableName: name, did, type, available, files, status, error, mode };
}

function parseFiles(raw: unknown, type: 'file' | 'collection'): IAttachedFile[] {
  if (!Array.isArray(raw)) {
    throw new Rejected('malformed-entry', '"files" must be a list when "didAvailable" is true');
  }
  const files: IAttachedFile[] = [];
  for (const item of raw as unknown[]) {
    if (!isObject(item)) {
      throw new Rejected('malformed-entry', 'every file must be an object');
    }
    files.push({ path: requiredString(item, 'path'), pfn: optionalString(item, 'pfn'), did: optionalString(item, 'did') });
  }
  if (type === 'file' && files.length !== 1) {
    // Guessing which path a file DID means would silently analyse the wrong data.
    throw new Rejected('malformed-entry', 'an available file DID needs exactly one file with a path');
  }
  return files;
}

function requiredString(entry: Record<string, unknown>, key: string): string {
  const value = entry[key];
  if (typeof value !== 'string' || value === '') {
    throw new Rejected('malformed-entry', `"${key}" must be a non-empty string`);
  }
  return supported(value, key);
}

function optionalString(entry: Record<string, unknown>, key: string): string | null {
  const value = entry[key];
  if (value === undefined || value === null) {
    return null;
  }
  if (typeof value !== 'string') {
    throw new Rejected('malformed-entry', `"${key}" must be a string or null`);
  }
  return supported(value, key);
}

function supported(value: string, key: string): string {
  if (hasUnsupportedCharacter(value)) {
    throw new Rejected('unsupported-character', `"${key}" contains NUL or an unpaired UTF-16 surrogate`);
  }
  return value;
}
