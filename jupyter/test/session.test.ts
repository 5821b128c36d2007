import { vi } from 'vitest';

vi.mock('../src/api/instances', () => ({
  getInstances: vi.fn(),
  getStoredCredentials: vi.fn(),
  setActiveInstance: vi.fn()
}));
vi.mock('../src/api/misc', () => ({ listTransfers: vi.fn(), cancelTransfer: vi.fn(), purgeCache: vi.fn() }));

import { errorFromResponse } from '../src/api/errors';
import { getInstances, getStoredCredentials, setActiveInstance } from '../src/api/instances';
import { cancelTransfer, listTransfers } from '../src/api/misc';
import type { ITransfer } from '../src/api/types';
import { SessionModel } from '../src/model/session';
import { TransfersModel } from '../src/model/transfers';
import { FakeNotifier, instance } from './helpers';

const instances = vi.mocked(getInstances);
const stored = vi.mocked(getStoredCredentials);
const setActive = vi.mocked(setActiveInstance);

beforeEach(() => {
  vi.resetAllMocks();
});

describe('SessionModel', () => {
  it('loads the instances and reports instance changes', async () => {
    instances.mockResolvedValue({ active_instance: 'sandbox', auth_type: 'userpass', instances: [instance()] });
    const session = new SessionModel();
    const changes: (string | null)[] = [];
    session.activeInstanceChanged.connect((_, i) => changes.push(i?.name ?? null));
    await session.load();
    expect(session.status).toBe('ready');
    expect(session.namespace).toBe('sandbox');
    expect(changes).toEqual(['sandbox']);
    await session.load();
    expect(changes).toEqual(['sandbox']);
  });

  it('says the backend is down when the bridge is missing or unavailable', async () => {
    instances.mockRejectedValue(errorFromResponse(404, 'Not Found'));
    const session = new SessionModel();
    await session.load();
    expect(session.status).toBe('backend-down');
    expect(session.error?.kind).toBe('backend-missing');
    instances.mockRejectedValue(errorFromResponse(500, '{"error":"Bad config."}'));
    await session.load();
    expect(session.status).toBe('error');
  });

  it('offers OpenID Connect only when the operator configured it', () => {
    const session = new SessionModel();
    expect(session.authTypesFor(instance())).toEqual(['userpass', 'x509', 'x509_proxy']);
    expect(session.authTypesFor(instance({ oidc_enabled: true }))).toContain('oidc');
  });

  it('switches instance with the method that has stored credentials', async () => {
    instances.mockResolvedValue({
      active_instance: 'a',
      auth_type: 'userpass',
      instances: [instance({ name: 'a' }), instance({ name: 'b' })]
    });
    const session = new SessionModel();
    await session.load();
    stored.mockImplementation(async (_ns, type) => (type === 'x509' ? { certificate: '/c', key: '/k', account: 'me' } : null));
    await session.selectInstance('b');
    expect(setActive).toHaveBeenCalledWith('b', 'x509');
  });
});

describe('TransfersModel', () => {
  const job = (overrides: Partial<ITransfer>): ITransfer => ({
    id: 'j1',
    kind: 'download',
    did: 's:ds',
    status: 'RUNNING',
    bytes_done: 10,
    bytes_total: 100,
    files_done: 1,
    files_total: 4,
    error: null,
    started_at: null,
    finished_at: null,
    ...overrides
  });

  it('lists jobs and cancels one with a toast', async () => {
    vi.mocked(listTransfers).mockResolvedValueOnce([job({})]).mockResolvedValueOnce([job({ status: 'CANCELLED' })]);
    vi.mocked(cancelTransfer).mockResolvedValue(undefined);
    const notifier = new FakeNotifier();
    const model = new TransfersModel({ namespace: () => 'sandbox', notifier }, 5000);
    await model.refresh();
    expect(model.hasActive).toBe(true);
    await model.cancel('j1');
    expect(cancelTransfer).toHaveBeenCalledWith('sandbox', 'j1');
    expect(model.transfers[0].status).toBe('CANCELLED');
    expect(model.hasActive).toBe(false);
    expect(notifier.messages[0]).toEqual({ kind: 'info', message: 'Transfer cancelled.' });
    model.dispose();
  });

  it('keeps the error of a failed listing', async () => {
    vi.mocked(listTransfers).mockRejectedValue(errorFromResponse(502, '{"error":"Rucio is unreachable."}'));
    const model = new TransfersModel({ namespace: () => 'sandbox', notifier: new FakeNotifier() }, 5000);
    await expect(model.refresh()).rejects.toBeDefined();
    expect(model.error?.message).toBe('Rucio is unreachable.');
    model.dispose();
  });
});
