/**
 * The two ways an inject request reaches a kernel (docs/kernels.md §4–5): a comm to the IPython extension, and
 * a silent `execute_request`. Written against the few members of JupyterLab's kernel connection they use, so
 * that tests drive them with a fake kernel.
 */
import type { Kernel, KernelMessage } from '@jupyterlab/services';
import type { JSONObject } from '@lumino/coreutils';

import { ACTION_ACK_INJECT, COMM_TARGET_KERNEL, IInjectAck, IInjectRequest, IRejection, RejectionCode } from './protocol';

/** The part of `Kernel.IKernelConnection` the injection uses. */
export type KernelPort = Pick<
  Kernel.IKernelConnection,
  'id' | 'info' | 'status' | 'statusChanged' | 'createComm' | 'registerCommTarget' | 'removeCommTarget' | 'requestExecute'
>;

export type CommPort = Pick<Kernel.IComm, 'commId' | 'isDisposed' | 'onMsg' | 'onClose' | 'open' | 'send' | 'close'>;

export type CommOutcome =
  | { kind: 'ack'; ack: IInjectAck }
  /** The kernel closed the comm before answering: the extension is not loaded there. */
  | { kind: 'refused' }
  | { kind: 'failed'; reason: string }
  | { kind: 'aborted' };

export type ExecuteOutcome =
  | { kind: 'ok' }
  | { kind: 'error'; ename: string; evalue: string }
  | { kind: 'aborted' };

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** Reads an `ack-inject` message defensively (it comes from code running in the kernel); null for anything else. */
export function parseAck(data: unknown): IInjectAck | null {
  if (!isObject(data) || data.action !== ACTION_ACK_INJECT) {
    return null;
  }
  const names = Array.isArray(data.variable_names) ? data.variable_names.filter((n): n is string => typeof n === 'string') : [];
  const rejected: IRejection[] = [];
  for (const item of Array.isArray(data.rejected) ? data.rejected : []) {
    if (isObject(item)) {
      rejected.push({
        index: typeof item.index === 'number' ? item.index : -1,
        variableName: stringOrNull(item.variableName),
        did: stringOrNull(item.did),
        code: (stringOrNull(item.code) ?? 'malformed-entry') as RejectionCode,
        reason: stringOrNull(item.reason) ?? 'rejected by the kernel'
      });
    }
  }
  const ack: IInjectAck = { action: ACTION_ACK_INJECT, variable_names: names, rejected };
  const requestId = stringOrNull(data.requestId);
  if (requestId !== null) {
    ack.requestId = requestId;
  }
  const error = stringOrNull(data.error);
  if (error) {
    ack.error = error;
  }
  return ack;
}

/** An ack answers `request` unless it names another request. */
function answers(ack: IInjectAck, request: IInjectRequest): boolean {
  return ack.requestId === undefined || ack.requestId === request.requestId;
}

function closeQuietly(comm: CommPort): void {
  // comm.close() calls our own onClose; it must not be mistaken for the kernel's refusal.
  comm.onClose = () => undefined;
  comm.onMsg = () => undefined;
  if (!comm.isDisposed) {
    try {
      comm.close();
    } catch {
      // The kernel connection is gone; nothing is left to close.
    }
  }
}

/**
 * Opens a `rucio-jupyterlab:kernel` comm with the request as its open data (the preferred form) and waits for
 * the ack, for however long a running cell delays it; `signal` ends the wait (kernel restarted or replaced).
 */
export function injectOverComm(kernel: KernelPort, request: IInjectRequest, signal: AbortSignal): Promise<CommOutcome> {
  if (signal.aborted) {
    return Promise.resolve({ kind: 'aborted' });
  }
  return new Promise<CommOutcome>(resolve => {
    let comm: CommPort;
    let settled = false;
    const settle = (outcome: CommOutcome) => {
      if (!settled) {
        settled = true;
        signal.removeEventListener('abort', onAbort);
        resolve(outcome);
      }
    };
    const onAbort = () => {
      closeQuietly(comm);
      settle({ kind: 'aborted' });
    };
    try {
      comm = kernel.createComm(COMM_TARGET_KERNEL);
    } catch (error) {
      settle({ kind: 'failed', reason: `the kernel connection cannot open a comm (${String(error)})` });
      return;
    }
    comm.onMsg = (msg: KernelMessage.ICommMsgMsg) => {
      const ack = parseAck(msg.content.data);
      if (ack && answers(ack, request)) {
        closeQuietly(comm);
        settle({ kind: 'ack', ack });
      }
    };
    comm.onClose = () => settle({ kind: 'refused' });
    signal.addEventListener('abort', onAbort);
    try {
      comm.open(request as unknown as JSONObject);
    } catch (error) {
      closeQuietly(comm);
      settle({ kind: 'failed', reason: `the request could not be sent to the kernel (${String(error)})` });
    }
  });
}

/**
 * Sends the request on a comm the kernel opened (`rucio-jupyterlab:frontend`, answering `request-inject`); the
 * ack comes back on that comm and is handed over through `waiters`, keyed by request id.
 */
export function injectOverOpenComm(
  comm: CommPort,
  waiters: AckWaiters,
  request: IInjectRequest,
  signal: AbortSignal
): Promise<CommOutcome> {
  if (signal.aborted || comm.isDisposed) {
    return Promise.resolve(signal.aborted ? { kind: 'aborted' } : { kind: 'refused' });
  }
  const outcome = waiters.wait(request.requestId ?? '', signal);
  try {
    comm.send(request as unknown as JSONObject);
  } catch (error) {
    waiters.settle(request.requestId ?? '', { kind: 'failed', reason: `the answer could not be sent (${String(error)})` });
  }
  return outcome;
}

/** Pending acks of requests sent on a kernel-opened comm. */
export class AckWaiters {
  private readonly _pending = new Map<string, (outcome: CommOutcome) => void>();

  wait(requestId: string, signal: AbortSignal): Promise<CommOutcome> {
    return new Promise<CommOutcome>(resolve => {
      const onAbort = () => this.settle(requestId, { kind: 'aborted' });
      this._pending.set(requestId, outcome => {
        signal.removeEventListener('abort', onAbort);
        resolve(outcome);
      });
      signal.addEventListener('abort', onAbort);
    });
  }

  /** Hands an incoming message to its waiter; false when it is not an ack anyone waits for. */
  deliver(data: unknown): boolean {
    const ack = parseAck(data);
    if (!ack) {
      return false;
    }
    const key = ack.requestId ?? (this._pending.size === 1 ? [...this._pending.keys()][0] : undefined);
    return key !== undefined && this.settle(key, { kind: 'ack', ack });
  }

  settle(requestId: string, outcome: CommOutcome): boolean {
    const resolve = this._pending.get(requestId);
    if (!resolve) {
      return false;
    }
    this._pending.delete(requestId);
    resolve(outcome);
    return true;
  }

  /** The comm closed: nothing more will arrive on it. */
  settleAll(outcome: CommOutcome): void {
    for (const requestId of [...this._pending.keys()]) {
      this.settle(requestId, outcome);
    }
  }
}

/** Runs code with a silent `execute_request` (no output, no history, not counted in the cell numbers). */
export async function executeSilently(kernel: KernelPort, code: string, signal: AbortSignal): Promise<ExecuteOutcome> {
  if (signal.aborted) {
    return { kind: 'aborted' };
  }
  const future = kernel.requestExecute(
    { code, silent: true, store_history: false, allow_stdin: false, stop_on_error: false },
    true
  );
  let onAbort = () => undefined as void;
  const aborted = new Promise<ExecuteOutcome>(resolve => {
    onAbort = () => resolve({ kind: 'aborted' });
    signal.addEventListener('abort', onAbort);
  });
  try {
    const reply = await Promise.race([future.done.then(msg => ({ msg })), aborted]);
    if (!('msg' in reply)) {
      return reply;
    }
    const content = reply.msg.content;
    if (content.status === 'ok') {
      return { kind: 'ok' };
    }
    if (content.status === 'error') {
      return { kind: 'error', ename: content.ename, evalue: content.evalue };
    }
    return { kind: 'error', ename: 'Aborted', evalue: 'the kernel aborted the request' };
  } catch (error) {
    // A restart disposes pending futures, which rejects `done`.
    return signal.aborted ? { kind: 'aborted' } : { kind: 'error', ename: 'KernelError', evalue: String(error) };
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}
