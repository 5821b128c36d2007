import { vi } from 'vitest';

vi.mock('../src/api/dids', () => ({ getDidStatus: vi.fn(), makeAvailable: vi.fn(), retryDid: vi.fn() }));

import { getDidStatus, makeAvailable, retryDid } from '../src/api/dids';
import { ApiError } from '../src/api/errors';
import { DidStatusCache, FILES_PAGE_SIZE, isInProgress } from '../src/model/didStatus';
import { FakeNotifier, status } from './helpers';

const getStatus = vi.mocked(getDidStatus);
const postMakeAvailable = vi.mocked(makeAvailable);
const postRetry = vi.mocked(retryDid);
const INTERVAL = 10_000;

let notifier: FakeNotifier;
let cache: DidStatusCache;

function replicating() {
  return status({
    status: 'REPLICATING',
    counts: { total: 2, ok: 1, replicating: 1, stuck: 0, failed: 0, not_available: 0 },
    bytes: { total: 2048, ok: 1024 }
  });
}

beforeEach(() => {
  vi.useFakeTimers();
  // Poll's backoff is random between the interval and the grown interval: pin it to the top.
  vi.spyOn(Math, 'random').mockReturnValue(0.999999);
  getStatus.mockReset();
  postMakeAvailable.mockReset();
  postRetry.mockReset();
  notifier = new FakeNotifier();
  cache = new DidStatusCache({ namespace: () => 'sandbox', notifier }, INTERVAL);
});

afterEach(() => {
  cache.dispose();
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('DidStatusCache', () => {
  it('fetches a watched DID once and keeps its first page of files', async () => {
    getStatus.mockResolvedValue(status({ files: [{ did: 's:f1', status: 'OK', size: 1, path: '/p', pfn: null, error: null }] }));
    cache.watch('user.root:ds');
    await vi.advanceTimersByTimeAsync(0);
    expect(getStatus).toHaveBeenCalledTimes(1);
    expect(getStatus.mock.calls[0][0]).toEqual({ namespace: 'sandbox', did: 'user.root:ds', refresh: false, offset: 0, limit: FILES_PAGE_SIZE });
    expect(cache.get('user.root:ds')?.status?.status).toBe('NOT_AVAILABLE');
    expect(cache.get('user.root:ds')?.pages.get(0)?.[0].did).toBe('s:f1');
  });

  it('polls replicating DIDs with fresh data only while the panel is visible, and stops when done', async () => {
    getStatus.mockResolvedValue(replicating());
    cache.watch('user.root:ds');
    await vi.advanceTimersByTimeAsync(0);
    expect(getStatus).toHaveBeenCalledTimes(1);

    // Hidden panel: no polling however long we wait.
    await vi.advanceTimersByTimeAsync(5 * INTERVAL);
    expect(getStatus).toHaveBeenCalledTimes(1);

    cache.setVisible(true);
    await vi.advanceTimersByTimeAsync(1);
    expect(getStatus).toHaveBeenCalledTimes(2);
    expect(getStatus.mock.calls[1][0].refresh).toBe(true);
    await vi.advanceTimersByTimeAsync(INTERVAL);
    expect(getStatus).toHaveBeenCalledTimes(3);

    getStatus.mockResolvedValue(status({ status: 'AVAILABLE', counts: { total: 2, ok: 2, replicating: 0, stuck: 0, failed: 0, not_available: 0 } }));
    await vi.advanceTimersByTimeAsync(INTERVAL);
    expect(getStatus).toHaveBeenCalledTimes(4);
    await vi.advanceTimersByTimeAsync(5 * INTERVAL);
    expect(getStatus).toHaveBeenCalledTimes(4);
    expect(cache.get('user.root:ds')?.status?.status).toBe('AVAILABLE');
  });

  it('backs off while the backend fails and resumes the normal pace after', async () => {
    getStatus.mockResolvedValue(replicating());
    cache.setVisible(true);
    cache.watch('user.root:ds');
    await vi.advanceTimersByTimeAsync(0);
    await vi.advanceTimersByTimeAsync(1);
    const before = getStatus.mock.calls.length;

    getStatus.mockRejectedValue(new ApiError({ status: 503, kind: 'unreachable', message: 'down' }));
    await vi.advanceTimersByTimeAsync(INTERVAL); // fails: next wait grows
    const afterFirstFailure = getStatus.mock.calls.length;
    expect(afterFirstFailure).toBe(before + 1);
    await vi.advanceTimersByTimeAsync(2 * INTERVAL);
    expect(getStatus.mock.calls.length).toBe(afterFirstFailure);
    // Waits are bounded by 12 intervals.
    await vi.advanceTimersByTimeAsync(12 * INTERVAL);
    expect(getStatus.mock.calls.length).toBeGreaterThan(afterFirstFailure);
    expect(cache.get('user.root:ds')?.error?.message).toBe('down');

    getStatus.mockResolvedValue(replicating());
    await vi.advanceTimersByTimeAsync(12 * INTERVAL);
    const recovered = getStatus.mock.calls.length;
    await vi.advanceTimersByTimeAsync(INTERVAL);
    expect(getStatus.mock.calls.length).toBe(recovered + 1);
    expect(cache.get('user.root:ds')?.error).toBeNull();
  });

  it('Make Available notifies, refreshes at once and starts polling', async () => {
    getStatus.mockResolvedValueOnce(status());
    cache.setVisible(true);
    cache.watch('user.root:ds');
    await vi.advanceTimersByTimeAsync(0);
    postMakeAvailable.mockResolvedValue({ success: true, rule_id: 'r1' });
    getStatus.mockResolvedValue(replicating());
    const completed: string[] = [];
    cache.actionCompleted.connect((_, r) => completed.push(r.did));
    await cache.makeAvailable('user.root:ds');
    expect(postMakeAvailable).toHaveBeenCalledWith('sandbox', 'user.root:ds');
    expect(notifier.messages).toEqual([{ kind: 'success', message: 'Replication requested for user.root:ds.' }]);
    expect(completed).toEqual(['user.root:ds']);
    expect(isInProgress(cache.get('user.root:ds')!.status)).toBe(true);
    const calls = getStatus.mock.calls.length;
    await vi.advanceTimersByTimeAsync(INTERVAL + 1);
    expect(getStatus.mock.calls.length).toBeGreaterThan(calls);
  });

  it('keeps Rucio errors of an action on the entry and in a toast', async () => {
    postMakeAvailable.mockRejectedValue(
      new ApiError({ status: 409, kind: 'conflict', message: 'Quota exceeded.', exceptionClass: 'InsufficientAccountLimit' })
    );
    await cache.makeAvailable('user.root:ds');
    const entry = cache.get('user.root:ds')!;
    expect(entry.actionError?.message).toBe('Quota exceeded.');
    expect(entry.action).toBeNull();
    expect(notifier.messages[0]).toEqual({ kind: 'error', message: 'Quota exceeded.', details: 'InsufficientAccountLimit' });
  });

  it('loads further file pages on demand and marks them stale when the status changes', async () => {
    getStatus.mockResolvedValue(status({ files_total: 450 }));
    cache.watch('s:big');
    await vi.advanceTimersByTimeAsync(0);
    cache.ensurePage('s:big', 2);
    cache.ensurePage('s:big', 2); // in flight: not asked twice
    await vi.advanceTimersByTimeAsync(0);
    expect(getStatus).toHaveBeenCalledTimes(2);
    expect(getStatus.mock.calls[1][0]).toMatchObject({ offset: 400, limit: FILES_PAGE_SIZE });
    cache.ensurePage('s:big', 2);
    expect(getStatus).toHaveBeenCalledTimes(2);

    getStatus.mockResolvedValue(status({ files_total: 450, status: 'REPLICATING' }));
    await cache.fetch('s:big', true);
    expect(cache.get('s:big')!.stalePages.has(2)).toBe(true);
    cache.ensurePage('s:big', 2);
    expect(getStatus).toHaveBeenCalledTimes(4);
  });

  it('clear() drops answers that belong to the previous instance', async () => {
    let resolve: (v: ReturnType<typeof status>) => void = () => undefined;
    getStatus.mockImplementationOnce(() => new Promise(r => (resolve = r)));
    getStatus.mockResolvedValue(status({ status: 'AVAILABLE' }));
    const pending = cache.fetch('s:x');
    cache.clear();
    resolve(status({ status: 'STUCK' }));
    await pending;
    expect(cache.get('s:x')).toBeUndefined();
  });

  it('retry posts to the rule retry route', async () => {
    postRetry.mockResolvedValue(undefined);
    getStatus.mockResolvedValue(replicating());
    await cache.retry('s:x');
    expect(postRetry).toHaveBeenCalledWith('sandbox', 's:x');
    expect(notifier.messages[0].message).toBe('Retry requested for s:x.');
  });
});
