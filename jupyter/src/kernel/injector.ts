/**
 * Keeps one notebook's kernel in step with its attachments: resolves them through the backend and injects
 * them when the kernel starts or restarts, when attachments are added, when a DID becomes available, on
 * instance switch and on demand (docs/kernels.md §7). Its state drives the notebook toolbar indicator.
 */
import type { Kernel, KernelMessage } from '@jupyterlab/services';
import { ISignal, Signal } from '@lumino/signaling';

import { ATTACHMENTS_METADATA_KEY } from '../commandIds';
import type { INotebookResolveResponse } from '../api/types';
import { IAttachment, INotebookDocument, parseAttachments } from '../model/attachments';
import { ObservableModel } from '../model/observable';
import { DeliveryResult, fromKernelOpenedComm, KernelChannel } from './channel';
import { describeIndicator, IIndicatorState, IVariableState } from './indicatorState';
import { ACTION_INJECT, ACTION_REQUEST_INJECT, COMM_TARGET_FRONTEND, IInjectRequest } from './protocol';
import { resolveAttachments } from './resolve';
import { AckWaiters, CommPort, injectOverOpenComm, KernelPort } from './transport';

/** Where the notebook's kernel connection comes from (its session context). */
export interface IKernelSource {
  readonly kernel: KernelPort | null;
  readonly kernelChanged: ISignal<unknown, unknown>;
}

export interface IInjectorContext {
  /** The active instance; undefined while the configuration is still loading. */
  namespace(): string | null | undefined;
  resolve(namespace: string, did: string, signal: AbortSignal): Promise<INotebookResolveResponse>;
}

export const NO_INSTANCE_REASON =
  'No Rucio instance is active. Choose one in the Settings tab of the Rucio panel to attach DIDs to the kernel.';
export const KERNEL_DEAD_REASON = 'The kernel died. Restart it to attach the DIDs again.';

interface IReply {
  comm: CommPort;
  waiters: AckWaiters;
}

let requestCounter = 0;

function nextRequestId(): string {
  requestCounter += 1;
  return `rucio-${Date.now().toString(36)}-${requestCounter}`;
}

export class NotebookInjector extends ObservableModel {
  private _attachments: IAttachment[] = [];
  private readonly _variables = new Map<string, IVariableState>();
  private _kernel: KernelPort | null = null;
  private _channel: KernelChannel | null = null;
  private _language: string | null = null;
  private _kernelProblem: string | null = null;
  private _restarting = false;
  private _waitingForConfiguration = false;
  /** Aborted when the kernel restarts, is replaced or the notebook closes: pending waits end. */
  private _epoch = new AbortController();
  private _pendingAll = false;
  private readonly _pendingDids = new Set<string>();
  private _pendingReply: IReply | null = null;
  private _running: Promise<void> | null = null;
  private readonly _closed = new Signal<this, void>(this);

  constructor(
    readonly document: INotebookDocument,
    private readonly _source: IKernelSource,
    private readonly _context: IInjectorContext
  ) {
    super();
    this._attachments = parseAttachments(document.getMetadata(ATTACHMENTS_METADATA_KEY));
    document.metadataChanged.connect(this._onMetadataChanged, this);
    _source.kernelChanged.connect(this.syncKernel, this);
    this.syncKernel();
  }

  get attachments(): readonly IAttachment[] {
    return this._attachments;
  }

  /** The kernel's `language_info.name`, once known. */
  get language(): string | null {
    return this._language;
  }

  get variables(): readonly IVariableState[] {
    return this._attachments.map(a => this._variables.get(a.did)).filter((v): v is IVariableState => v !== undefined);
  }

  /** Emitted once, when the notebook closes. */
  get disposed(): ISignal<this, void> {
    return this._closed;
  }

  get waitingForConfiguration(): boolean {
    return this._waitingForConfiguration;
  }

  /** Resolves when no injection is running or queued (tests and the e2e harness wait on it). */
  async idle(): Promise<void> {
    while (this._running) {
      await this._running;
    }
  }

  get indicator(): IIndicatorState {
    return describeIndicator({
      attachments: this._attachments,
      variables: this._variables,
      hasKernel: this._kernel !== null,
      restarting: this._restarting,
      waitingForConfiguration: this._waitingForConfiguration,
      kernelProblem: this._kernelProblem
    });
  }

  /** Picks up the session's current kernel (after `sessionContext.ready`, and on every kernel change). */
  syncKernel(): void {
    const kernel = this._source.kernel;
    if (kernel === this._kernel || this.isDisposed) {
      return;
    }
    this._detachKernel();
    this._kernel = kernel;
    if (kernel) {
      kernel.registerCommTarget(COMM_TARGET_FRONTEND, this._onFrontendComm);
      kernel.statusChanged.connect(this._onKernelStatus, this);
      this._startEpoch(kernel);
      this._enqueue('all');
    }
    this.emitChanged();
  }

  /** Injects every attachment again (toolbar click, instance switch). */
  reinjectAll(): void {
    this._enqueue('all');
  }

  /** Injects one DID again when it is attached here (it became available). */
  reinjectDid(did: string): void {
    if (this._attachments.some(a => a.did === did)) {
      this._enqueue([did]);
    }
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this.document.metadataChanged.disconnect(this._onMetadataChanged, this);
    this._source.kernelChanged.disconnect(this.syncKernel, this);
    this._detachKernel();
    this._closed.emit();
    super.dispose();
  }

  private _startEpoch(kernel: KernelPort): void {
    this._epoch.abort();
    this._epoch = new AbortController();
    this._channel = new KernelChannel(kernel);
    this._kernelProblem = null;
    this._restarting = false;
    for (const variable of this._variables.values()) {
      variable.phase = 'pending';
    }
    void this._channel.language().then(
      language => {
        if (this._kernel === kernel && language !== this._language) {
          this._language = language;
          this.emitChanged();
        }
      },
      () => undefined
    );
  }

  private _detachKernel(): void {
    this._epoch.abort();
    const kernel = this._kernel;
    if (kernel) {
      kernel.statusChanged.disconnect(this._onKernelStatus, this);
      try {
        kernel.removeCommTarget(COMM_TARGET_FRONTEND, this._onFrontendComm);
      } catch {
        // A disposed kernel connection has no targets left.
      }
    }
    this._kernel = null;
    this._channel = null;
    this._language = null;
    this._restarting = false;
    this._kernelProblem = null;
    this._pendingReply = null;
  }

  private _onKernelStatus(kernel: KernelPort, status: Kernel.Status): void {
    if (kernel !== this._kernel) {
      return;
    }
    if (status === 'restarting' || status === 'autorestarting') {
      // A restarted kernel forgets its variables (and a %load_ext): everything is injected again once idle.
      this._epoch.abort();
      this._restarting = true;
      for (const variable of this._variables.values()) {
        variable.phase = 'pending';
      }
      this.emitChanged();
    } else if (status === 'idle' && this._restarting) {
      this._startEpoch(kernel);
      this._enqueue('all');
      this.emitChanged();
    } else if (status === 'dead') {
      this._epoch.abort();
      this._kernelProblem = KERNEL_DEAD_REASON;
      this.emitChanged();
    }
  }

  /** The kernel opened `rucio-jupyterlab:frontend` (user code called resolve_dids()). */
  private readonly _onFrontendComm = (comm: Kernel.IComm, msg: KernelMessage.ICommOpenMsg): void => {
    const waiters = new AckWaiters();
    const handle = (data: unknown) => {
      if (data !== null && typeof data === 'object' && (data as { action?: unknown }).action === ACTION_REQUEST_INJECT) {
        this._pendingReply = { comm, waiters };
        this._enqueue('all');
      } else {
        waiters.deliver(data);
      }
    };
    comm.onMsg = m => handle(m.content.data);
    comm.onClose = () => waiters.settleAll({ kind: 'refused' });
    handle(msg.content.data);
  };

  private _onMetadataChanged(): void {
    const next = parseAttachments(this.document.getMetadata(ATTACHMENTS_METADATA_KEY));
    const added = next.filter(a => this._variables.get(a.did)?.variableName !== a.variableName);
    // Detaching only forgets the entry; the variable stays in the kernel until it restarts (as before).
    const kept = new Set(next.map(a => a.did));
    for (const did of [...this._variables.keys()]) {
      if (!kept.has(did)) {
        this._variables.delete(did);
      }
    }
    for (const attachment of added) {
      this._variables.delete(attachment.did);
    }
    this._attachments = next;
    if (added.length > 0) {
      this._enqueue(added.map(a => a.did));
    }
    this.emitChanged();
  }

  private _enqueue(scope: 'all' | string[]): void {
    if (this.isDisposed) {
      return;
    }
    if (scope === 'all') {
      this._pendingAll = true;
    } else {
      scope.forEach(did => this._pendingDids.add(did));
    }
    this._kick();
  }

  private _kick(): void {
    this._running ??= this._drain().finally(() => {
      this._running = null;
      // A trigger that arrived after the loop's last check would otherwise wait for the next one.
      if ((this._pendingAll || this._pendingDids.size > 0) && this._canInject()) {
        this._kick();
      }
    });
  }

  private _canInject(): boolean {
    return !this.isDisposed && this._kernel !== null && this._channel !== null && !this._restarting;
  }

  /** One injection at a time per notebook; triggers arriving meanwhile are merged into the next one. */
  private async _drain(): Promise<void> {
    while (this._pendingAll || this._pendingDids.size > 0) {
      if (!this._canInject() || !this._channel) {
        return; // the kernel (re)start enqueues everything again
      }
      const all = this._pendingAll;
      const dids = new Set(this._pendingDids);
      const reply = this._pendingReply;
      this._pendingAll = false;
      this._pendingDids.clear();
      this._pendingReply = null;
      const targets = this._attachments.filter(a => all || dids.has(a.did));
      if (targets.length > 0 || reply) {
        await this._inject(targets, this._channel, this._epoch.signal, reply);
      }
    }
  }

  private async _inject(
    targets: IAttachment[],
    channel: KernelChannel,
    signal: AbortSignal,
    reply: IReply | null
  ): Promise<void> {
    const namespace = this._context.namespace();
    this._waitingForConfiguration = namespace === undefined;
    if (!namespace) {
      this._kernelProblem = namespace === null ? NO_INSTANCE_REASON : null;
      this.emitChanged();
      return;
    }
    if (this._kernelProblem === NO_INSTANCE_REASON) {
      this._kernelProblem = null;
    }
    for (const attachment of targets) {
      this._variables.set(attachment.did, {
        did: attachment.did,
        variableName: attachment.variableName,
        phase: 'resolving',
        available: null,
        status: null,
        reason: null
      });
    }
    this.emitChanged();
    const resolved = await resolveAttachments(targets, (did, s) => this._context.resolve(namespace, did, s), signal);
    if (signal.aborted) {
      return;
    }
    resolved.forEach(({ entry, resolveError }) => {
      this._update(entry.did, {
        phase: 'attaching',
        available: entry.didAvailable,
        status: entry.status ?? null,
        reason: resolveError ? `could not be resolved: ${resolveError}` : null
      });
    });
    this.emitChanged();
    const request: IInjectRequest = { action: ACTION_INJECT, requestId: nextRequestId(), dids: resolved.map(r => r.entry) };
    const result: DeliveryResult = reply
      ? await this._answerKernel(reply, request, signal)
      : await channel.deliver(request, signal).catch(error => ({ kind: 'kernel-problem' as const, reason: String(error) }));
    if (signal.aborted || result.kind === 'aborted') {
      return;
    }
    this._applyResult(request, result);
    this.emitChanged();
  }

  private async _answerKernel(reply: IReply, request: IInjectRequest, signal: AbortSignal): Promise<DeliveryResult> {
    return fromKernelOpenedComm(await injectOverOpenComm(reply.comm, reply.waiters, request, signal));
  }

  private _applyResult(request: IInjectRequest, result: Exclude<DeliveryResult, { kind: 'aborted' }>): void {
    if (result.kind === 'kernel-problem') {
      this._kernelProblem = result.reason;
      request.dids.forEach(entry => this._update(entry.did, { phase: 'failed', reason: result.reason }));
      return;
    }
    this._kernelProblem = null;
    const acknowledged = new Set(result.acknowledged);
    request.dids.forEach((entry, index) => {
      const rejection = result.rejected.find(r => r.index === index);
      const previous = this._variables.get(entry.did)?.reason ?? null;
      if (rejection) {
        this._update(entry.did, { phase: 'failed', reason: `rejected by the kernel: ${rejection.reason}` });
      } else if (result.error) {
        this._update(entry.did, { phase: 'failed', reason: result.error });
      } else if (!acknowledged.has(entry.variableName)) {
        this._update(entry.did, { phase: 'failed', reason: 'the kernel did not confirm this variable' });
      } else {
        this._update(entry.did, { phase: previous ? 'failed' : 'ready' });
      }
    });
  }

  private _update(did: string, change: Partial<IVariableState>): void {
    const variable = this._variables.get(did);
    if (variable) {
      Object.assign(variable, change);
    }
  }
}
