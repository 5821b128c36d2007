/** Triggers and indicator states of one notebook's injector, against a fake kernel and a fake resolver. */
import { Signal } from '@lumino/signaling';

import { ApiError } from '../../src/api/errors';
import type { INotebookResolveResponse } from '../../src/api/types';
import { MODULE_MISSING_REASON } from '../../src/kernel/channel';
import { IKernelSource, NO_INSTANCE_REASON, NotebookInjector, KERNEL_DEAD_REASON } from '../../src/kernel/injector';
import type { KernelPort } from '../../src/kernel/transport';
import { FakeNotebook } from '../helpers';
import { FakeKernel } from './fakeKernel';

const KEY = 'rucio_attachments';

class FakeSource implements IKernelSource {
  kernel: KernelPort | null = null;
  readonly kernelChanged = new Signal<this, unknown>(this);
  set(kernel: FakeKernel | null): void {
    this.kernel = kernel?.port ?? null;
    this.kernelChanged.emit(null);
  }
}

function available(did: string, path = `/data/${did.split(':')[1]}`): INotebookResolveResponse {
  return { did, type: 'file', available: true, status: 'OK', files: [{ did, path, pfn: `root://rse/${path}` }] };
}

function replicating(did: string): INotebookResolveResponse {
  return { did, type: 'file', available: false, status: 'REPLICATING', files: [] };
}

let notebook: FakeNotebook;
let source: FakeSource;
let answers: Map<string, INotebookResolveResponse | Error>;
let resolved: string[];
let namespace: string | null | undefined;
let injector: NotebookInjector;

beforeEach(() => {
  notebook = new FakeNotebook();
  notebook.metadata.set(KEY, [
    { did: 'user.root:a', variableName: 'data', type: 'file' },
    { did: 'user.root:b', variableName: 'later', type: 'file' }
  ]);
  source = new FakeSource();
  answers = new Map<string, INotebookResolveResponse | Error>([
    ['user.root:a', available('user.root:a')],
    ['user.root:b', replicating('user.root:b')]
  ]);
  resolved = [];
  namespace = 'sandbox';
  injector = new NotebookInjector(notebook, source, {
    namespace: () => namespace,
    resolve: async (ns, did) => {
      resolved.push(`${ns}/${did}`);
      const answer = answers.get(did);
      if (!answer || answer instanceof Error) {
        throw answer ?? new Error('unknown');
      }
      return answer;
    }
  });
});

afterEach(() => injector.dispose());

function injectedDids(kernel: FakeKernel): string[][] {
  return kernel.received.map(r => (r.dids as { did: string }[]).map(d => d.did));
}

describe('NotebookInjector', () => {
  it('injects every attachment when a kernel starts: resolving, attaching, then ready', async () => {
    const phases: string[] = [];
    injector.changed.connect(() => {
      const phase = injector.indicator.phase;
      if (phases[phases.length - 1] !== phase) {
        phases.push(phase);
      }
    });
    expect(injector.indicator.phase).toBe('waiting');
    const kernel = new FakeKernel('python');
    source.set(kernel);
    await injector.idle();
    expect(phases).toEqual(['resolving', 'attaching', 'ready']);
    expect(resolved).toEqual(['sandbox/user.root:a', 'sandbox/user.root:b']);
    expect(kernel.received[0].dids).toEqual([
      { type: 'file', variableName: 'data', did: 'user.root:a', didAvailable: true, files: [{ path: '/data/a', pfn: 'root://rse//data/a', did: 'user.root:a' }], status: 'OK', error: null, mode: null },
      { type: 'file', variableName: 'later', did: 'user.root:b', didAvailable: false, files: null, status: 'REPLICATING', error: null, mode: null }
    ]);
    expect(kernel.targets.has('rucio-jupyterlab:frontend')).toBe(true);
    expect(injector.indicator.label).toBe('Rucio: Ready');
    expect(injector.indicator.tooltip).toMatch(/later ← user.root:b: not available yet \(REPLICATING\)/);
    expect(injector.language).toBe('python');
  });

  it('injects everything again after a restart, and nothing while the kernel restarts', async () => {
    const kernel = new FakeKernel('python');
    source.set(kernel);
    await injector.idle();
    kernel.setStatus('restarting');
    expect(injector.indicator.phase).toBe('waiting');
    injector.reinjectAll();
    await injector.idle();
    expect(kernel.received).toHaveLength(1);
    kernel.setStatus('starting');
    kernel.setStatus('idle');
    await injector.idle();
    expect(injectedDids(kernel)).toEqual([
      ['user.root:a', 'user.root:b'],
      ['user.root:a', 'user.root:b']
    ]);
    expect(injector.indicator.phase).toBe('ready');
  });

  it('injects only the new attachment when one is added, and nothing when one is detached', async () => {
    const kernel = new FakeKernel('python');
    source.set(kernel);
    await injector.idle();
    notebook.setMetadata(KEY, [
      { did: 'user.root:a', variableName: 'data', type: 'file' },
      { did: 'user.root:b', variableName: 'later', type: 'file' },
      { did: 'user.root:c', variableName: 'more', type: 'file' }
    ]);
    answers.set('user.root:c', available('user.root:c'));
    await injector.idle();
    notebook.setMetadata(KEY, [{ did: 'user.root:c', variableName: 'more', type: 'file' }]);
    await injector.idle();
    expect(injectedDids(kernel)).toEqual([['user.root:a', 'user.root:b'], ['user.root:c']]);
    expect(injector.variables.map(v => v.variableName)).toEqual(['more']);
  });

  it('re-injects one DID on demand (it became available) and merges triggers that arrive meanwhile', async () => {
    const kernel = new FakeKernel('python');
    source.set(kernel);
    // Both arrive while the kernel-start injection runs: one more injection covers them.
    injector.reinjectAll();
    injector.reinjectDid('user.root:b');
    await injector.idle();
    expect(injectedDids(kernel)).toEqual([
      ['user.root:a', 'user.root:b'],
      ['user.root:a', 'user.root:b']
    ]);
    answers.set('user.root:b', available('user.root:b'));
    injector.reinjectDid('user.root:b');
    injector.reinjectDid('user.root:unknown');
    await injector.idle();
    expect(injectedDids(kernel).slice(2)).toEqual([['user.root:b']]);
    expect(injector.variables.find(v => v.did === 'user.root:b')?.available).toBe(true);
  });

  it('answers request-inject on the comm the kernel opened, with every attachment', async () => {
    const kernel = new FakeKernel('python');
    source.set(kernel);
    await injector.idle();
    const comm = kernel.openFrontendComm();
    await injector.idle();
    expect(comm.sent).toHaveLength(1);
    expect(comm.sent[0].action).toBe('inject');
    expect((comm.sent[0].dids as unknown[]).length).toBe(2);
    expect(injector.indicator.phase).toBe('ready');
    expect(kernel.comms.filter(c => c.targetName === 'rucio-jupyterlab:kernel')).toHaveLength(1);
  });

  it('fails with the kernel reason, and with each rejection', async () => {
    const kernel = new FakeKernel('python');
    kernel.extensionLoaded = false;
    kernel.extensionInstalled = false;
    source.set(kernel);
    await injector.idle();
    expect(injector.indicator.phase).toBe('failed');
    expect(injector.indicator.tooltip).toContain(MODULE_MISSING_REASON);

    kernel.extensionInstalled = true;
    kernel.rejectIndexes = [{ index: 1, code: 'reserved-name', reason: "'later' is maintained by IPython itself" }];
    injector.reinjectAll();
    await injector.idle();
    expect(injector.indicator.phase).toBe('failed');
    expect(injector.indicator.tooltip).toContain("later ← user.root:b: failed — rejected by the kernel: 'later' is maintained by IPython itself");
    expect(injector.indicator.tooltip).toContain('data ← user.root:a: ready');
  });

  it('sends a DID the backend cannot resolve as a placeholder with the reason, and says Failed', async () => {
    answers.set('user.root:b', new ApiError({ status: 404, kind: 'not-found', message: 'Data identifier not found.' }));
    const kernel = new FakeKernel('R');
    source.set(kernel);
    await injector.idle();
    const code = kernel.executions[0].content.code;
    expect(code).toContain('attach_unavailable("later", "user.root:b", "NOT_AVAILABLE"');
    expect(code).toContain('error: Data identifier not found.');
    expect(injector.indicator.phase).toBe('failed');
    expect(injector.indicator.tooltip).toContain('could not be resolved: Data identifier not found.');
  });

  it('needs an active instance; waits while the configuration loads', async () => {
    namespace = undefined;
    const kernel = new FakeKernel('python');
    source.set(kernel);
    await injector.idle();
    expect(injector.indicator.phase).toBe('waiting');
    expect(injector.waitingForConfiguration).toBe(true);
    namespace = null;
    injector.reinjectAll();
    await injector.idle();
    expect(injector.indicator).toMatchObject({ phase: 'failed' });
    expect(injector.indicator.tooltip).toContain(NO_INSTANCE_REASON);
    expect(kernel.received).toEqual([]);
  });

  it('says Failed when the kernel dies and starts over with a new kernel', async () => {
    const first = new FakeKernel('python');
    source.set(first);
    await injector.idle();
    first.setStatus('dead');
    expect(injector.indicator.tooltip).toContain(KERNEL_DEAD_REASON);
    const second = new FakeKernel('R');
    source.set(second);
    await injector.idle();
    expect(first.targets.size).toBe(0);
    expect(second.executions).toHaveLength(1);
    expect(injector.indicator.phase).toBe('ready');
    expect(injector.language).toBe('R');
  });

  it('is idle with nothing attached and says which language is unsupported', async () => {
    notebook.setMetadata(KEY, []);
    expect(injector.indicator.phase).toBe('idle');
    notebook.setMetadata(KEY, [{ did: 'user.root:a', variableName: 'data', type: 'file' }]);
    source.set(new FakeKernel('julia'));
    await injector.idle();
    expect(injector.indicator.phase).toBe('failed');
    expect(injector.indicator.tooltip).toMatch(/julia/);
  });
});
