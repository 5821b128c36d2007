/**
 * The typed error every API call rejects with, and the mapping from an HTTP answer to a sentence a
 * scientist can act on. Pure (no JupyterLab imports) so that it is easy to test.
 */

export type ApiErrorKind =
  /** The Jupyter server extension or the C# backend behind it is not there. */
  | 'backend-missing'
  /** The Jupyter server itself, or Rucio behind the backend, cannot be reached. */
  | 'unreachable'
  /** Credentials missing, refused or expired. */
  | 'auth'
  /** Conflict, e.g. the account's quota. */
  | 'conflict'
  | 'bad-input'
  | 'not-found'
  | 'server';

export interface IApiErrorInit {
  status: number;
  kind: ApiErrorKind;
  message: string;
  code?: string | null;
  exceptionClass?: string | null;
  exceptionMessage?: string | null;
}

export class ApiError extends Error {
  readonly status: number;
  readonly kind: ApiErrorKind;
  /** A machine-readable error token the backend sent instead of a sentence (e.g. `wildcard_disabled`). */
  readonly code: string | null;
  /** Rucio's ExceptionClass, shown on hover/details only. */
  readonly exceptionClass: string | null;
  readonly exceptionMessage: string | null;

  constructor(init: IApiErrorInit) {
    super(init.message);
    this.name = 'ApiError';
    this.status = init.status;
    this.kind = init.kind;
    this.code = init.code ?? null;
    this.exceptionClass = init.exceptionClass ?? null;
    this.exceptionMessage = init.exceptionMessage ?? null;
  }

  /** Extra detail for a tooltip or a details element; empty when Rucio gave none. */
  get details(): string {
    return [this.exceptionClass, this.exceptionMessage].filter(Boolean).join(': ');
  }
}

export const BACKEND_MISSING_MESSAGE =
  'The Rucio extension is not running in this Jupyter server. Enable the "rucio_jupyterlab" server ' +
  'extension (jupyter_server_config.d/rucio_jupyterlab.json) and restart Jupyter.';

export const BACKEND_UNAVAILABLE_HINT =
  'The Rucio backend is not available. Check the Jupyter server log, fix what it reports, then retry.';

export const NETWORK_ERROR_MESSAGE =
  'The Jupyter server cannot be reached. Check that it is still running and that you are online, then retry.';

/** Sentences for the error tokens the backend may send instead of prose. */
const CODE_MESSAGES: Record<string, string> = {
  wildcard_disabled:
    'Wildcard search is disabled on this Rucio instance. Enter a complete name, for example scope:name.'
};

interface IErrorBody {
  success?: boolean;
  error?: unknown;
  exception_class?: unknown;
  exception_message?: unknown;
}

function asText(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

function parseBody(bodyText: string): IErrorBody | null {
  try {
    const parsed: unknown = JSON.parse(bodyText);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as IErrorBody) : null;
  } catch {
    return null;
  }
}

function kindForStatus(status: number): ApiErrorKind {
  if (status === 401 || status === 403) {
    return 'auth';
  }
  if (status === 409) {
    return 'conflict';
  }
  if (status === 400 || status === 422) {
    return 'bad-input';
  }
  if (status === 404) {
    return 'not-found';
  }
  if (status === 502 || status === 503 || status === 504) {
    return 'unreachable';
  }
  return 'server';
}

function fallbackMessage(kind: ApiErrorKind, status: number): string {
  switch (kind) {
    case 'auth':
      return 'Rucio did not accept your credentials. Open Settings, enter valid credentials and save them.';
    case 'conflict':
      return 'Rucio refused the request because it conflicts with the current state (for example your quota).';
    case 'bad-input':
      return 'The request was not valid.';
    case 'unreachable':
      return 'Rucio or the Rucio backend cannot be reached right now. Try again in a moment.';
    default:
      return `The Rucio backend failed (HTTP ${status}). Check the Jupyter server log for details.`;
  }
}

/** Turns a non-2xx answer into an ApiError with a human sentence. */
export function errorFromResponse(status: number, bodyText: string): ApiError {
  const body = parseBody(bodyText);
  const error = asText(body?.error);
  const exceptionClass = asText(body?.exception_class);
  const exceptionMessage = asText(body?.exception_message);

  // A 404 that is not the backend's JSON error comes from jupyter-server: the route is not registered.
  if (status === 404 && error === null) {
    return new ApiError({ status, kind: 'backend-missing', message: BACKEND_MISSING_MESSAGE });
  }
  const kind = kindForStatus(status);
  // Tokens like "wildcard_disabled" are identifiers, not sentences.
  const isCode = error !== null && /^[a-z][a-z0-9_]*$/.test(error);
  let message: string;
  if (isCode) {
    message = CODE_MESSAGES[error] ?? fallbackMessage(kind, status);
  } else {
    message = error ?? exceptionMessage ?? fallbackMessage(kind, status);
  }
  return new ApiError({
    status,
    kind,
    message,
    code: isCode ? error : null,
    exceptionClass,
    exceptionMessage
  });
}

/** An error from the transport itself (no HTTP answer). */
export function networkError(): ApiError {
  return new ApiError({ status: 0, kind: 'unreachable', message: NETWORK_ERROR_MESSAGE });
}

/** Whether an error means the panel cannot work at all (as opposed to one failed action). */
export function isBackendDown(error: unknown): boolean {
  return error instanceof ApiError && (error.kind === 'backend-missing' || error.kind === 'unreachable');
}

/** Any thrown value as a sentence (ApiError's message, or a generic one for programming errors). */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError) {
    return error.message;
  }
  if (error instanceof Error && error.message) {
    return error.message;
  }
  return 'Something unexpected went wrong. Check the browser console for details.';
}
