/** Triggers that span notebooks: a DID becoming available (status poll), instance switch, configuration load. */
import { vi } from 'vitest';

vi.mock('../../src/api/dids', () => ({ getDidStatus: vi.fn(), makeAvailable: vi.fn(), retryDid: vi.fn(), resolveForNotebook: vi.fn() }));
vi.mock('../../src/api/instances', () => ({ getInstances: vi.fn(), getStoredCredentials: vi.fn(), setActiveInstance: vi.fn() }));

import { Signal } from '@lumino/signaling';

import { getDidStatus } from '../../src/api/dids';
import { getInstances } from '../../src/api/instances';
import type { INotebookResolveResponse } from '../../src/api/types';
import type { IKernelSource } from '../../src/kernel/injector';
import { KernelInjectionManager } from '../../src/kernel/manager';
import type { KernelPort } from '../../src/kernel/transport';
import { DidStatusCache } from '../../src/model/didStatus';
import { SessionModel } from '../../src/model/session';
import { FakeNotebook, FakeNotifier, instance, status } from '../helpers';
import { FakeKernel } from './fakeKernel';

const INTERVAL = 10_000;
const DID = 'user.root:later';

function source(kernel: FakeKernel): IKernelSource {
  return { kernel: kernel.port as KernelPort, kernelChanged: new Signal<unknown, unknown>({}) };
}

function notebookWith(did: string, variableName: string): FakeNotebook {
  const notebook = new FakeNotebook(variableName, `${variableName}.ipynb`);
  notebook.metadata.set('rucio_attachments', [{ did, variableName, type: 'file' }]);
  return notebook;
}

let session: SessionModel;
let statuses: DidStatusCache;
let manager: KernelInjectionManager;
let availableNow: boolean;
const resolve = vi.fn(
  async (namespace: string, did: string): Promise<INotebookResolveResponse> =>
    availableNow
      ? { did, type: 'file', available: true, status: 'OK', files: [{ did, path: `/${namespace}/${did}`, pfn: null }] }
      : { did, type: 'file', available: false, status: 'REPLICATING', files: [] }
);

beforeEach(async () => {
  vi.useFakeTimers();
  vi.spyOn(Math, 'random').mockReturnValue(0.999999);
  vi.mocked(getInstances).mockResolvedValue({ active_instance: 'sandbox', auth_type: 'userpass', instances: [instance(), instance({ name: 'other' })] });
  availableNow = false;
  resolve.mockClear();
  session = new SessionModel();
  await session.load();
  statuses = new DidStatusCache({ namespace: () => session.namespace, notifier: new FakeNotifier() }, INTERVAL);
  manager = new KernelInjectionManager({ session, statuses, resolve });
});

afterEach(() => {
  manager.dispose();
  statuses.dispose();
  session.dispose();
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('KernelInjectionManager', () => {
  it('re-injects a DID wherever it is attached when the status poll sees REPLICATING → AVAILABLE, panel hidden', async () => {
    const replicatingStatus = status({ did: DID, type: 'file', status: 'REPLICATING', counts: { total: 1, ok: 0, replicating: 1, stuck: 0, failed: 0, not_available: 0 } });
    vi.mocked(getDidStatus).mockResolvedValue(replicatingStatus);
    const kernel = new FakeKernel('python');
    const other = new FakeKernel('R');
    const first = manager.track(notebookWith(DID, 'later'), source(kernel));
    const second = manager.track(notebookWith(DID, 'later_r'), source(other));
    await vi.advanceTimersByTimeAsync(0);
    await first.idle();
    await second.idle();
    expect(kernel.received).toHaveLength(1);
    expect(other.executions).toHaveLength(1);
    // The unavailable DID is watched in the background: polled although the panel was never shown.
    const before = vi.mocked(getDidStatus).mock.calls.length;
    expect(before).toBeGreaterThan(0);
    await vi.advanceTimersByTimeAsync(INTERVAL);
    expect(vi.mocked(getDidStatus).mock.calls.length).toBe(before + 1);
    expect(vi.mocked(getDidStatus).mock.calls[before][0]).toMatchObject({ did: DID, refresh: true });
    expect(kernel.received).toHaveLength(1);

    availableNow = true;
    vi.mocked(getDidStatus).mockResolvedValue(status({ did: DID, type: 'file', status: 'AVAILABLE', counts: { total: 1, ok: 1, replicating: 0, stuck: 0, failed: 0, not_available: 0 } }));
    await vi.advanceTimersByTimeAsync(INTERVAL);
    await first.idle();
    await second.idle();
    expect(kernel.received).toHaveLength(2);
    expect(kernel.received[1].dids).toEqual([
      { type: 'file', variableName: 'later', did: DID, didAvailable: true, files: [{ path: `/sandbox/${DID}`, pfn: null, did: DID }], status: 'OK', error: null, mode: null }
    ]);
    expect(other.executions).toHaveLength(2);
    expect(other.executions[1].content.code).toContain(`attach_value("later_r", structure(c("/sandbox/${DID}")`);
    // Available now: the background watch ends, and with it the polling.
    const calls = vi.mocked(getDidStatus).mock.calls.length;
    await vi.advanceTimersByTimeAsync(5 * INTERVAL);
    expect(vi.mocked(getDidStatus).mock.calls.length).toBe(calls);
  });

  it('injects every open notebook again when the active instance changes', async () => {
    vi.mocked(getDidStatus).mockResolvedValue(status({ did: DID, type: 'file', status: 'NOT_AVAILABLE' }));
    const kernel = new FakeKernel('python');
    const injector = manager.track(notebookWith(DID, 'later'), source(kernel));
    await injector.idle();
    expect(resolve.mock.calls.map(c => c[0])).toEqual(['sandbox']);
    vi.mocked(getInstances).mockResolvedValue({ active_instance: 'other', auth_type: 'userpass', instances: [instance(), instance({ name: 'other' })] });
    await session.load();
    await injector.idle();
    expect(resolve.mock.calls.map(c => c[0])).toEqual(['sandbox', 'other']);
    expect(kernel.received).toHaveLength(2);
  });

  it('retries the notebooks that waited for the configuration once it has loaded', async () => {
    const loading = new SessionModel();
    const waitingManager = new KernelInjectionManager({ session: loading, statuses, resolve });
    const kernel = new FakeKernel('python');
    const injector = waitingManager.track(notebookWith(DID, 'later'), source(kernel));
    await injector.idle();
    expect(injector.indicator.phase).toBe('waiting');
    vi.mocked(getInstances).mockResolvedValue({ active_instance: null, auth_type: null, instances: [instance()] });
    await loading.load();
    await injector.idle();
    expect(injector.indicator.phase).toBe('failed');
    expect(kernel.received).toEqual([]);
    waitingManager.dispose();
    loading.dispose();
  });

  it('forgets a notebook when its injector is disposed', async () => {
    const injector = manager.track(notebookWith(DID, 'later'), source(new FakeKernel('python')));
    expect(manager.injectors).toHaveLength(1);
    injector.dispose();
    expect(manager.injectors).toHaveLength(0);
  });
});
