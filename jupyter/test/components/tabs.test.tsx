// @vitest-environment jsdom
import React from 'react';
import { act, fireEvent, render, screen } from '@testing-library/react';
import { vi } from 'vitest';

vi.mock('../../src/api/instances', () => ({
  getInstances: vi.fn(),
  getStoredCredentials: vi.fn(),
  setActiveInstance: vi.fn(),
  saveCredentials: vi.fn()
}));
vi.mock('../../src/api/misc', () => ({
  listTransfers: vi.fn(),
  cancelTransfer: vi.fn(),
  purgeCache: vi.fn(),
  listDirectory: vi.fn()
}));

import { errorFromResponse } from '../../src/api/errors';
import { getInstances, getStoredCredentials, saveCredentials, setActiveInstance } from '../../src/api/instances';
import { cancelTransfer, listDirectory, listTransfers } from '../../src/api/misc';
import { RucioPanel } from '../../src/components/RucioPanel';
import { successText } from '../../src/components/settings/CredentialsForm';
import { StatusView } from '../../src/components/explore/StatusView';
import { DidStatusCache } from '../../src/model/didStatus';
import { PanelModel } from '../../src/model/panel';
import { FakeNotifier, instance, status } from '../helpers';

let model: PanelModel;

beforeEach(() => {
  vi.resetAllMocks();
  model = new PanelModel(new FakeNotifier());
});
afterEach(() => model.dispose());

async function openTab(name: string, oidc = false): Promise<void> {
  vi.mocked(getInstances).mockResolvedValue({
    active_instance: 'sandbox',
    auth_type: 'userpass',
    instances: [instance({ oidc_enabled: oidc })]
  });
  render(<RucioPanel model={model} />);
  await act(() => model.session.load());
  await act(async () => {
    fireEvent.click(screen.getByRole('tab', { name }));
  });
}

describe('Settings tab', () => {
  it('never shows the stored password and offers OIDC only when configured', async () => {
    vi.mocked(getStoredCredentials).mockResolvedValue({ username: 'root', account: 'root', password_set: true });
    await openTab('Settings');
    const password = (await screen.findByLabelText('Password')) as HTMLInputElement;
    expect(password.value).toBe('');
    expect(password.type).toBe('password');
    expect(password.placeholder).toMatch(/^set/);
    expect((screen.getByLabelText('Username') as HTMLInputElement).value).toBe('root');
    const methods = Array.from((screen.getByLabelText('Authentication') as HTMLSelectElement).options).map(o => o.value);
    expect(methods).toEqual(['userpass', 'x509', 'x509_proxy']);
  });

  it('saves, shows the account and token lifetime, and keeps an unchanged password out of the request', async () => {
    vi.mocked(getStoredCredentials).mockResolvedValue({ username: 'root', account: 'root', password_set: true });
    vi.mocked(saveCredentials).mockResolvedValue({
      success: true,
      account: 'root',
      lifetime: new Date(Date.now() + 3 * 3600_000 + 30 * 60_000 + 30_000).toISOString()
    });
    await openTab('Settings');
    await screen.findByLabelText('Password');
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Save and validate' }));
    });
    expect(saveCredentials).toHaveBeenCalledWith('sandbox', 'userpass', { username: 'root', account: 'root' });
    expect(screen.getByRole('status').textContent).toBe('Connected to Rucio as root. Token valid for 3h 30m.');
    expect(setActiveInstance).not.toHaveBeenCalled();
  });

  it("shows Rucio's refusal with its exception class in the details", async () => {
    vi.mocked(getStoredCredentials).mockResolvedValue(null);
    vi.mocked(saveCredentials).mockRejectedValue(
      errorFromResponse(
        401,
        '{"success":false,"error":"Rucio refused the username or password.","exception_class":"CannotAuthenticate","exception_message":"Cannot authenticate to account root with given credentials"}'
      )
    );
    await openTab('Settings');
    fireEvent.change(await screen.findByLabelText('Username'), { target: { value: 'root' } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'wrong' } });
    fireEvent.change(screen.getByLabelText('Account'), { target: { value: 'root' } });
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Save and validate' }));
    });
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toMatch(/Rucio refused the username or password/);
    expect(alert.getAttribute('title')).toBe('CannotAuthenticate: Cannot authenticate to account root with given credentials');
  });

  it('picks a certificate path with the server-side file browser', async () => {
    vi.mocked(getStoredCredentials).mockResolvedValue(null);
    vi.mocked(listDirectory).mockResolvedValue([
      { type: 'file', name: 'usercert.pem', path: '/home/u/.globus/usercert.pem' },
      { type: 'dir', name: 'certs', path: '/home/u/.globus/certs' }
    ]);
    await openTab('Settings');
    fireEvent.change(screen.getByLabelText('Authentication'), { target: { value: 'x509' } });
    const browse = await screen.findByRole('button', { name: 'Browse for certificate file' });
    await act(async () => {
      fireEvent.click(browse);
    });
    const entries = screen.getAllByRole('listitem').map(li => li.textContent);
    expect(entries).toEqual(['certs/', 'usercert.pem']);
    fireEvent.click(screen.getByRole('button', { name: 'usercert.pem' }));
    expect((screen.getByLabelText('Certificate file') as HTMLInputElement).value).toBe('/home/u/.globus/usercert.pem');
  });

  it('success text without a lifetime', () => {
    expect(successText(null, null, 0)).toBe('Connected to Rucio.');
  });
});

describe('Transfers tab', () => {
  it('shows progress and cancels a running download', async () => {
    vi.mocked(listTransfers).mockResolvedValue([
      {
        id: 'j1',
        kind: 'download',
        did: 'user.root:ds',
        status: 'RUNNING',
        bytes_done: 512,
        bytes_total: 2048,
        files_done: 1,
        files_total: 4,
        error: null,
        started_at: null,
        finished_at: null
      }
    ]);
    vi.mocked(cancelTransfer).mockResolvedValue(undefined);
    await openTab('Transfers');
    model.setVisible(true);
    await act(() => model.transfers.refresh());
    expect(screen.getByText('1 of 4 files')).toBeTruthy();
    expect(screen.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('25');
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    });
    expect(cancelTransfer).toHaveBeenCalledWith('sandbox', 'j1');
  });
});

describe('StatusView', () => {
  const cache = new DidStatusCache({ namespace: () => 'sandbox', notifier: new FakeNotifier() }, 10000);
  const entry = (s: ReturnType<typeof status>) => ({
    did: s.did,
    status: s,
    loading: false,
    error: null,
    pages: new Map(),
    stalePages: new Set<number>(),
    loadingPages: new Set<number>(),
    action: null,
    actionError: null
  });

  it('links an available DID to its rule in the WebUI', () => {
    const s = status({
      status: 'AVAILABLE',
      counts: { total: 2, ok: 2, replicating: 0, stuck: 0, failed: 0, not_available: 0 },
      rules: [{ id: 'r1', state: 'OK', rse_expression: 'LOCAL', expires_at: null, error: null, webui_url: 'https://webui/rule?rule_id=r1' }]
    });
    render(<StatusView did={s.did} entry={entry(s)} statuses={cache} />);
    const link = screen.getByRole('link', { name: 'Available: all 2 files' });
    expect(link.getAttribute('href')).toBe('https://webui/rule?rule_id=r1');
    expect(link.getAttribute('rel')).toContain('noopener');
  });

  it("shows why a rule is stuck and offers Retry", () => {
    const s = status({ status: 'STUCK', reason: 'No source replica is reachable (LOCAL-RSE2 is blocklisted).' });
    render(<StatusView did={s.did} entry={entry(s)} statuses={cache} />);
    expect(screen.getByText('Stuck')).toBeTruthy();
    expect(screen.getByText(/LOCAL-RSE2 is blocklisted/)).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Retry' })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Make Available' })).toBeNull();
  });

  it('shows a failed download with its error', () => {
    const s = status({
      status: 'FAILED',
      mode: 'download',
      files: [{ did: 's:f', status: 'FAILED', size: 1, path: null, pfn: null, error: 'Checksum mismatch for s:f.' }]
    });
    render(<StatusView did={s.did} entry={entry(s)} statuses={cache} />);
    expect(screen.getByText('Checksum mismatch for s:f.')).toBeTruthy();
  });
});
