/**
 * How requests reach one kernel connection: its language (read once from the kernel info reply) picks the
 * adapter of docs/kernels.md §2; Python kernels get the extension bootstrap when they refuse the comm.
 */
import { adapterFor, generateInjection, ILanguageAdapter, PYTHON_LOAD_EXTENSION_CODE } from './codegen';
import type { IInjectRequest, IRejection } from './protocol';
import { CommOutcome, executeSilently, injectOverComm, KernelPort } from './transport';

export type DeliveryResult =
  /** The kernel answered: names defined, entries rejected, or an error for the whole request. */
  | { kind: 'answered'; acknowledged: string[]; rejected: IRejection[]; error: string | null }
  /** Nothing can be injected into this kernel until something changes (language, missing package). */
  | { kind: 'kernel-problem'; reason: string }
  | { kind: 'aborted' };

export const MODULE_MISSING_REASON =
  'The Python package rucio_jupyterlab is not installed in the environment of this kernel, so attached DIDs ' +
  'cannot become variables. Install it there (or ask your administrator to), then restart the kernel.';

export const REFUSED_AFTER_LOAD_REASON =
  'The kernel closed the Rucio comm even after loading the Rucio kernel extension. Restart the kernel and try again.';

export function unsupportedLanguageReason(language: string): string {
  return (
    `This kernel's language (${language || 'unknown'}) is not supported: attached DIDs become variables ` +
    'in Python and R kernels only.'
  );
}

export function fromComm(outcome: CommOutcome): DeliveryResult {
  switch (outcome.kind) {
    case 'ack':
      return {
        kind: 'answered',
        acknowledged: outcome.ack.variable_names,
        rejected: outcome.ack.rejected,
        error: outcome.ack.error ?? null
      };
    case 'failed':
      return { kind: 'answered', acknowledged: [], rejected: [], error: outcome.reason };
    case 'refused':
      return { kind: 'kernel-problem', reason: REFUSED_AFTER_LOAD_REASON };
    default:
      return { kind: 'aborted' };
  }
}

/** The answer to `request-inject`, sent on the comm the kernel opened: a closed comm is not a refusal there. */
export function fromKernelOpenedComm(outcome: CommOutcome): DeliveryResult {
  return outcome.kind === 'refused'
    ? { kind: 'answered', acknowledged: [], rejected: [], error: 'the kernel closed the comm before answering' }
    : fromComm(outcome);
}

export class KernelChannel {
  private _language: Promise<string> | null = null;

  constructor(readonly kernel: KernelPort) {}

  /** `language_info.name` from the kernel info reply ('' when the kernel gives none). */
  language(): Promise<string> {
    this._language ??= this.kernel.info.then(info => info.language_info?.name ?? '');
    return this._language;
  }

  async adapter(): Promise<ILanguageAdapter | null> {
    return adapterFor(await this.language());
  }

  /** Sends a request with the kernel language's mechanism. */
  async deliver(request: IInjectRequest, signal: AbortSignal): Promise<DeliveryResult> {
    const language = await this.language();
    const adapter = adapterFor(language);
    if (!adapter) {
      return { kind: 'kernel-problem', reason: unsupportedLanguageReason(language) };
    }
    return adapter.mechanism === 'comm' ? this._deliverOverComm(request, signal) : this._deliverByExecute(language, request, signal);
  }

  /**
   * Python: the comm first (no code runs when the operator loads the extension for every kernel); a comm the
   * kernel closes at once means the extension is not loaded, so the documented bootstrap runs and the request
   * is sent once more.
   */
  private async _deliverOverComm(request: IInjectRequest, signal: AbortSignal): Promise<DeliveryResult> {
    const first = await injectOverComm(this.kernel, request, signal);
    if (first.kind !== 'refused') {
      return fromComm(first);
    }
    const bootstrap = await executeSilently(this.kernel, PYTHON_LOAD_EXTENSION_CODE, signal);
    if (bootstrap.kind === 'aborted') {
      return { kind: 'aborted' };
    }
    if (bootstrap.kind === 'error') {
      return {
        kind: 'kernel-problem',
        reason:
          bootstrap.ename === 'ModuleNotFoundError'
            ? MODULE_MISSING_REASON
            : `The Rucio kernel extension could not be loaded (${bootstrap.ename}: ${bootstrap.evalue}).`
      };
    }
    return fromComm(await injectOverComm(this.kernel, request, signal));
  }

  /** R (and any execute adapter): the generated code, run silently. */
  private async _deliverByExecute(language: string, request: IInjectRequest, signal: AbortSignal): Promise<DeliveryResult> {
    const generated = generateInjection(language, request);
    if (generated.code === null) {
      return { kind: 'answered', acknowledged: [], rejected: generated.rejected, error: null };
    }
    const outcome = await executeSilently(this.kernel, generated.code, signal);
    if (outcome.kind === 'aborted') {
      return { kind: 'aborted' };
    }
    if (outcome.kind === 'error') {
      return {
        kind: 'answered',
        acknowledged: [],
        rejected: generated.rejected,
        error: `the kernel reported ${outcome.ename}: ${outcome.evalue}`
      };
    }
    return { kind: 'answered', acknowledged: generated.variable_names, rejected: generated.rejected, error: null };
  }
}
