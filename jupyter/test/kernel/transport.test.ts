/** The comm and execute mechanisms against a fake kernel (docs/kernels.md §4.2, §5). */
import { KernelChannel, MODULE_MISSING_REASON, REFUSED_AFTER_LOAD_REASON } from '../../src/kernel/channel';
import { generateInjection, PYTHON_LOAD_EXTENSION_CODE } from '../../src/kernel/codegen';
import type { IInjectRequest } from '../../src/kernel/protocol';
import { executeSilently, injectOverComm, parseAck } from '../../src/kernel/transport';
import { FakeKernel } from './fakeKernel';

function request(requestId = 'req-1'): IInjectRequest {
  return {
    action: 'inject',
    requestId,
    dids: [
      { type: 'file', variableName: 'data', did: 'user.root:a', didAvailable: true, files: [{ path: '/p/a', pfn: 'root://x//p/a', did: 'user.root:a' }], status: 'OK', error: null, mode: 'replica' },
      { type: 'collection', variableName: 'later', did: 'user.root:ds', didAvailable: false, files: null, status: 'REPLICATING', error: null, mode: 'replica' }
    ]
  };
}

const never = () => new AbortController().signal;

describe('injectOverComm', () => {
  it('sends the request as comm_open data, takes the ack and closes the comm', async () => {
    const kernel = new FakeKernel();
    const outcome = await injectOverComm(kernel.port, request(), never());
    expect(outcome).toEqual({
      kind: 'ack',
      ack: { action: 'ack-inject', variable_names: ['data', 'later'], rejected: [], requestId: 'req-1' }
    });
    const [comm] = kernel.comms;
    expect(comm.targetName).toBe('rucio-jupyterlab:kernel');
    expect(comm.openData).toEqual(request());
    expect(comm.sent).toEqual([]);
    expect(comm.closedLocally).toBe(true);
  });

  it('reports a comm the kernel closes without answering as refused (extension not loaded)', async () => {
    const kernel = new FakeKernel();
    kernel.extensionLoaded = false;
    expect(await injectOverComm(kernel.port, request(), never())).toEqual({ kind: 'refused' });
  });

  it('ignores acks of other requests and messages with other actions', async () => {
    const kernel = new FakeKernel();
    kernel.commBehaviour = 'silent';
    const pending = injectOverComm(kernel.port, request('mine'), never());
    await Promise.resolve();
    await Promise.resolve();
    const comm = kernel.comms[0];
    comm.receive({ action: 'something-else' });
    comm.receive({ action: 'ack-inject', variable_names: ['x'], rejected: [], requestId: 'other' });
    comm.receive({ action: 'ack-inject', variable_names: ['data'], rejected: [], requestId: 'mine' });
    const outcome = await pending;
    expect(outcome.kind === 'ack' && outcome.ack.variable_names).toEqual(['data']);
  });

  it('waits as long as the kernel is busy, and stops waiting when aborted (restart) without a refusal', async () => {
    const kernel = new FakeKernel();
    kernel.commBehaviour = 'silent';
    const controller = new AbortController();
    const pending = injectOverComm(kernel.port, request(), controller.signal);
    let settled = false;
    void pending.then(() => (settled = true));
    // Every queued microtask and the next macrotask have run: the kernel has not answered, nothing settled.
    await new Promise(resolve => setTimeout(resolve, 0));
    expect(settled).toBe(false);
    controller.abort();
    expect(await pending).toEqual({ kind: 'aborted' });
    expect(kernel.comms[0].closedLocally).toBe(true);
  });
});

describe('parseAck', () => {
  it('reads acks defensively and ignores other messages', () => {
    expect(parseAck({ action: 'request-inject' })).toBeNull();
    expect(parseAck('text')).toBeNull();
    expect(
      parseAck({ action: 'ack-inject', variable_names: ['a', 3], rejected: [{ index: 1, code: 'reserved-name' }, 'x'], error: '' })
    ).toEqual({
      action: 'ack-inject',
      variable_names: ['a'],
      rejected: [{ index: 1, variableName: null, did: null, code: 'reserved-name', reason: 'rejected by the kernel' }]
    });
  });
});

describe('executeSilently', () => {
  it('runs silently, without history or stdin, and maps the reply', async () => {
    const kernel = new FakeKernel('R');
    expect(await executeSilently(kernel.port, 'x <- 1', never())).toEqual({ kind: 'ok' });
    expect(kernel.executions[0].content).toEqual({
      code: 'x <- 1',
      silent: true,
      store_history: false,
      allow_stdin: false,
      stop_on_error: false
    });
    kernel.executeReply = { status: 'error', ename: 'simpleError', evalue: 'boom' };
    expect(await executeSilently(kernel.port, 'stop()', never())).toEqual({ kind: 'error', ename: 'simpleError', evalue: 'boom' });
  });

  it('stops waiting when aborted', async () => {
    const kernel = new FakeKernel('R');
    kernel.executeReply = 'never';
    const controller = new AbortController();
    const pending = executeSilently(kernel.port, 'Sys.sleep(100)', controller.signal);
    controller.abort();
    expect(await pending).toEqual({ kind: 'aborted' });
  });
});

describe('KernelChannel (adapter selection)', () => {
  it('Python: uses the comm and runs no code when the extension is loaded', async () => {
    const kernel = new FakeKernel('python');
    const result = await new KernelChannel(kernel.port).deliver(request(), never());
    expect(result).toEqual({ kind: 'answered', acknowledged: ['data', 'later'], rejected: [], error: null });
    expect(kernel.executions).toEqual([]);
  });

  it('Python: a refused comm runs the documented bootstrap silently, then sends again', async () => {
    const kernel = new FakeKernel('python');
    kernel.extensionLoaded = false;
    const result = await new KernelChannel(kernel.port).deliver(request(), never());
    expect(result.kind).toBe('answered');
    expect(kernel.executions.map(e => e.content)).toEqual([
      { code: PYTHON_LOAD_EXTENSION_CODE, silent: true, store_history: false, allow_stdin: false, stop_on_error: false }
    ]);
    expect(kernel.comms).toHaveLength(2);
    expect(kernel.received).toHaveLength(1);
  });

  it('Python: a missing package (ModuleNotFoundError) is a kernel problem with the reason', async () => {
    const kernel = new FakeKernel('python');
    kernel.extensionLoaded = false;
    kernel.extensionInstalled = false;
    expect(await new KernelChannel(kernel.port).deliver(request(), never())).toEqual({
      kind: 'kernel-problem',
      reason: MODULE_MISSING_REASON
    });
  });

  it('Python: a comm refused even after the bootstrap is a kernel problem', async () => {
    const kernel = new FakeKernel('python');
    kernel.extensionLoaded = false;
    kernel.extensionInstalled = true;
    kernel.requestExecute = (content => {
      kernel.executions.push({ content });
      return { done: Promise.resolve({ content: { status: 'ok' } }) };
    }) as FakeKernel['requestExecute'];
    expect(await new KernelChannel(kernel.port).deliver(request(), never())).toEqual({
      kind: 'kernel-problem',
      reason: REFUSED_AFTER_LOAD_REASON
    });
  });

  it('R: runs the generated code silently; an error reply fails with its evalue', async () => {
    const kernel = new FakeKernel('R');
    const channel = new KernelChannel(kernel.port);
    const result = await channel.deliver(request(), never());
    expect(result).toEqual({ kind: 'answered', acknowledged: ['data', 'later'], rejected: [], error: null });
    expect(kernel.executions[0].content.code).toBe(generateInjection('R', request()).code);
    expect(kernel.comms).toEqual([]);

    kernel.executeReply = { status: 'error', ename: 'simpleError', evalue: 'cannot open file' };
    const failed = await channel.deliver(request(), never());
    expect(failed.kind === 'answered' && failed.error).toBe('the kernel reported simpleError: cannot open file');
  });

  it('R: names invalid in R are rejected before anything runs', async () => {
    const kernel = new FakeKernel('R');
    const bad = request();
    bad.dids = [{ ...bad.dids[0], variableName: '_hidden' }];
    const result = await new KernelChannel(kernel.port).deliver(bad, never());
    expect(result.kind === 'answered' && result.rejected.map(r => r.code)).toEqual(['invalid-name']);
    expect(kernel.executions).toEqual([]);
  });

  it('other languages: nothing is sent, the reason names the language', async () => {
    const kernel = new FakeKernel('julia');
    const result = await new KernelChannel(kernel.port).deliver(request(), never());
    expect(result.kind).toBe('kernel-problem');
    expect(result.kind === 'kernel-problem' && result.reason).toMatch(/\(julia\) is not supported/);
    expect(kernel.comms).toEqual([]);
    expect(kernel.executions).toEqual([]);
  });
});
