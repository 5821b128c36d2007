/**
 * A fake Jupyter kernel connection for the injection tests: comms and execute requests behave like
 * @jupyterlab/services' (a local close() calls onClose; the kernel may answer, close, or stay silent),
 * and the "kernel side" is scripted per test.
 */
import type { Kernel, KernelMessage } from '@jupyterlab/services';
import { Signal } from '@lumino/signaling';

import type { KernelPort } from '../../src/kernel/transport';

type Data = Record<string, unknown>;

export class FakeComm {
  readonly sent: Data[] = [];
  openData: Data | null = null;
  isDisposed = false;
  closedLocally = false;
  onMsg: (msg: KernelMessage.ICommMsgMsg) => void = () => undefined;
  onClose: (msg: KernelMessage.ICommCloseMsg) => void = () => undefined;

  constructor(
    readonly kernel: FakeKernel,
    readonly targetName: string,
    readonly commId: string
  ) {}

  open(data?: unknown): unknown {
    this.openData = (data ?? {}) as Data;
    queueMicrotask(() => this.kernel.handleOpen(this));
    return {};
  }

  send(data: unknown): unknown {
    this.sent.push(data as Data);
    queueMicrotask(() => this.kernel.handleSend(this, data as Data));
    return {};
  }

  close(): unknown {
    this.closedLocally = true;
    // Like CommHandler.close(): the local onClose runs, then the comm is disposed.
    this.onClose({ content: { comm_id: this.commId, data: {} } } as KernelMessage.ICommCloseMsg);
    this.isDisposed = true;
    return {};
  }

  /** The kernel sends a comm_msg. */
  receive(data: Data): void {
    this.onMsg({ content: { comm_id: this.commId, data } } as unknown as KernelMessage.ICommMsgMsg);
  }

  /** The kernel closes the comm. */
  closeFromKernel(): void {
    this.onClose({ content: { comm_id: this.commId, data: {} } } as KernelMessage.ICommCloseMsg);
    this.isDisposed = true;
  }
}

export interface IExecuteCall {
  content: KernelMessage.IExecuteRequestMsg['content'];
}

export type ExecuteReply = { status: 'ok' } | { status: 'error'; ename: string; evalue: string } | 'never';

/** What the kernel does with an inject request sent over a comm. */
export type CommBehaviour = 'ack' | 'close' | 'silent';

export class FakeKernel {
  readonly id = 'kernel-1';
  status: Kernel.Status = 'idle';
  readonly statusChanged = new Signal<this, Kernel.Status>(this);
  readonly comms: FakeComm[] = [];
  readonly executions: IExecuteCall[] = [];
  readonly targets = new Map<string, (comm: Kernel.IComm, msg: KernelMessage.ICommOpenMsg) => void>();
  /** Whether the Python extension is loaded (the kernel target exists). */
  extensionLoaded = true;
  /** Whether the bootstrap succeeds in loading it. */
  extensionInstalled = true;
  commBehaviour: CommBehaviour = 'ack';
  /** Reply to every execute_request that is not the Python bootstrap. */
  executeReply: ExecuteReply = { status: 'ok' };
  /** Optional: a per-request rejection list for acks (by index). */
  rejectIndexes: { index: number; code: string; reason: string }[] = [];
  private _commCounter = 0;
  readonly info: Promise<KernelMessage.IInfoReply>;

  constructor(language = 'python') {
    this.info = Promise.resolve({ language_info: { name: language } } as unknown as KernelMessage.IInfoReply);
  }

  get port(): KernelPort {
    return this as unknown as KernelPort;
  }

  createComm(targetName: string): Kernel.IComm {
    const comm = new FakeComm(this, targetName, `comm-${++this._commCounter}`);
    this.comms.push(comm);
    return comm as unknown as Kernel.IComm;
  }

  registerCommTarget(name: string, callback: (comm: Kernel.IComm, msg: KernelMessage.ICommOpenMsg) => void): void {
    this.targets.set(name, callback);
  }

  removeCommTarget(name: string): void {
    this.targets.delete(name);
  }

  requestExecute(content: KernelMessage.IExecuteRequestMsg['content']): { done: Promise<KernelMessage.IExecuteReplyMsg> } {
    this.executions.push({ content });
    const bootstrap = content.code.includes('load_extension');
    let reply: ExecuteReply = this.executeReply;
    if (bootstrap) {
      this.extensionLoaded = this.extensionInstalled;
      reply = this.extensionInstalled
        ? { status: 'ok' }
        : { status: 'error', ename: 'ModuleNotFoundError', evalue: "No module named 'rucio_jupyterlab'" };
    }
    if (reply === 'never') {
      return { done: new Promise(() => undefined) };
    }
    return { done: Promise.resolve({ content: reply } as unknown as KernelMessage.IExecuteReplyMsg) };
  }

  setStatus(status: Kernel.Status): void {
    this.status = status;
    this.statusChanged.emit(status);
  }

  /** Inject requests the kernel received over comms, in order (open data or comm_msg). */
  readonly received: Data[] = [];

  handleOpen(comm: FakeComm): void {
    if (comm.targetName !== 'rucio-jupyterlab:kernel' || !this.extensionLoaded) {
      comm.closeFromKernel();
      return;
    }
    if (comm.openData && comm.openData.action === 'inject') {
      this.answer(comm, comm.openData);
    }
  }

  handleSend(comm: FakeComm, data: Data): void {
    if (data.action === 'inject') {
      this.answer(comm, data);
    }
  }

  /** The kernel side of `resolve_dids()`: opens the frontend comm and asks for an injection. */
  openFrontendComm(): FakeComm {
    const comm = new FakeComm(this, 'rucio-jupyterlab:frontend', `kernel-comm-${++this._commCounter}`);
    const target = this.targets.get('rucio-jupyterlab:frontend');
    if (!target) {
      throw new Error('the frontend target is not registered');
    }
    target(comm as unknown as Kernel.IComm, { content: { data: {} } } as unknown as KernelMessage.ICommOpenMsg);
    comm.receive({ action: 'request-inject' });
    return comm;
  }

  private answer(comm: FakeComm, request: Data): void {
    this.received.push(request);
    if (this.commBehaviour === 'silent') {
      return;
    }
    if (this.commBehaviour === 'close') {
      comm.closeFromKernel();
      return;
    }
    const dids = request.dids as { variableName: string; did: string }[];
    const rejected = this.rejectIndexes.map(r => ({
      index: r.index,
      variableName: dids[r.index]?.variableName ?? null,
      did: dids[r.index]?.did ?? null,
      code: r.code,
      reason: r.reason
    }));
    const names = dids.filter((_, i) => !this.rejectIndexes.some(r => r.index === i)).map(d => d.variableName);
    comm.receive({ action: 'ack-inject', variable_names: names, rejected, requestId: request.requestId });
  }
}
