// @vitest-environment jsdom
import React from 'react';
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { vi } from 'vitest';

vi.mock('../../src/api/instances', () => ({
  getInstances: vi.fn(),
  getStoredCredentials: vi.fn(),
  setActiveInstance: vi.fn(),
  saveCredentials: vi.fn()
}));
vi.mock('../../src/api/dids', () => ({
  searchDids: vi.fn(),
  listScopes: vi.fn(),
  getDidStatus: vi.fn(),
  makeAvailable: vi.fn(),
  retryDid: vi.fn()
}));
vi.mock('../../src/api/misc', () => ({
  listTransfers: vi.fn(),
  cancelTransfer: vi.fn(),
  purgeCache: vi.fn(),
  listDirectory: vi.fn()
}));

import { getDidStatus, makeAvailable, searchDids } from '../../src/api/dids';
import { errorFromResponse } from '../../src/api/errors';
import { getInstances } from '../../src/api/instances';
import type { ISearchResultItem } from '../../src/api/types';
import { RucioPanel } from '../../src/components/RucioPanel';
import { PanelModel } from '../../src/model/panel';
import { FakeNotebook, FakeNotifier, instance, status } from '../helpers';

let model: PanelModel;

beforeEach(() => {
  vi.resetAllMocks();
  model = new PanelModel(new FakeNotifier());
});
afterEach(() => model.dispose());

async function ready(): Promise<void> {
  vi.mocked(getInstances).mockResolvedValue({ active_instance: 'sandbox', auth_type: 'userpass', instances: [instance()] });
  render(<RucioPanel model={model} />);
  await act(() => model.session.load());
}

describe('RucioPanel', () => {
  it('says how to fix a missing backend, and recovers on Retry', async () => {
    vi.mocked(getInstances).mockRejectedValueOnce(errorFromResponse(404, '<html>Not Found</html>'));
    render(<RucioPanel model={model} />);
    await act(() => model.session.load());
    expect(screen.getByText('Rucio backend not available')).toBeTruthy();
    expect(screen.getByRole('alert').textContent).toMatch(/rucio_jupyterlab.*restart Jupyter/);

    vi.mocked(getInstances).mockResolvedValue({ active_instance: 'sandbox', auth_type: 'userpass', instances: [instance()] });
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    });
    await vi.waitFor(() => expect(screen.getByRole('tab', { name: 'Explore' })).toBeTruthy());
    expect(screen.getByText('Sandbox')).toBeTruthy();
  });

  it('opens on Settings, with the data tabs disabled, when no instance is active', async () => {
    vi.mocked(getInstances).mockResolvedValue({ active_instance: null, auth_type: null, instances: [instance()] });
    render(<RucioPanel model={model} />);
    await act(() => model.session.load());
    expect((screen.getByRole('tab', { name: 'Explore' }) as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByRole('tab', { name: 'Settings' }).getAttribute('aria-selected')).toBe('true');
  });

  it('renders only a window of 100,000 results', async () => {
    const many: ISearchResultItem[] = Array.from({ length: 100_000 }, (_, i) => ({
      did: `user.root:file_${String(i).padStart(6, '0')}`,
      size: i,
      type: 'file'
    }));
    vi.mocked(searchDids).mockImplementation(async (_q, onItems) => onItems(many));
    await ready();
    fireEvent.change(screen.getByLabelText(/Data identifier/), { target: { value: 'user.root:*' } });
    await act(async () => {
      fireEvent.keyDown(screen.getByLabelText(/Data identifier/), { key: 'Enter' });
    });
    await vi.waitFor(() => expect(screen.getByText(/^100,000 results/)).toBeTruthy());
    const rows = document.querySelectorAll('.jp-Rucio-didRow');
    expect(rows.length).toBeGreaterThan(10);
    expect(rows.length).toBeLessThan(100);
    expect(rows[0].textContent).toContain('user.root:file_000000');
  });

  it('expands a dataset to its status and makes it available', async () => {
    vi.mocked(searchDids).mockImplementation(async (_q, onItems) =>
      onItems([{ did: 'user.root:ds', size: null, type: 'dataset' }])
    );
    vi.mocked(getDidStatus).mockResolvedValue(status());
    vi.mocked(makeAvailable).mockResolvedValue({ success: true, rule_id: 'r1' });
    await ready();
    fireEvent.change(screen.getByLabelText(/Data identifier/), { target: { value: 'user.root:*' } });
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Search' }));
    });
    await act(async () => {
      fireEvent.keyDown(screen.getByRole('button', { name: /user\.root:ds/ }), { key: 'Enter' });
    });
    await vi.waitFor(() => expect(screen.getByText('Not available')).toBeTruthy());
    vi.mocked(getDidStatus).mockResolvedValue(
      status({
        status: 'REPLICATING',
        counts: { total: 2, ok: 1, replicating: 1, stuck: 0, failed: 0, not_available: 0 },
        bytes: { total: 2048, ok: 1024 }
      })
    );
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Make Available' }));
    });
    await vi.waitFor(() => expect(screen.getByText('Replicating: 1 of 2 files')).toBeTruthy());
    expect(screen.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('50');
    expect(screen.getByText('1 KiB of 2 KiB')).toBeTruthy();
    expect(makeAvailable).toHaveBeenCalledWith('sandbox', 'user.root:ds');
  });

  it('attaches a DID to the active notebook under a validated name', async () => {
    const notebook = new FakeNotebook();
    model.attachments.setNotebook(notebook);
    vi.mocked(searchDids).mockImplementation(async (_q, onItems) => onItems([{ did: 'user.root:f.root', size: 5, type: 'file' }]));
    vi.mocked(getDidStatus).mockResolvedValue(status({ type: 'file', status: 'AVAILABLE' }));
    await ready();
    fireEvent.change(screen.getByLabelText(/Data identifier/), { target: { value: 'user.root:f.root' } });
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Search' }));
    });
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: /user\.root:f\.root/ }));
    });
    await vi.waitFor(() => expect(screen.getByText('Available')).toBeTruthy());
    fireEvent.click(screen.getByRole('button', { name: 'Add to Notebook' }));
    const input = screen.getByLabelText(/Variable name/) as HTMLInputElement;
    expect(input.value).toBe('f');
    fireEvent.change(input, { target: { value: 'for' } });
    expect(screen.getByText(/Python keyword/)).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Add' }) as HTMLButtonElement).disabled).toBe(true);
    fireEvent.change(input, { target: { value: 'events' } });
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(notebook.metadata.get('rucio_attachments')).toEqual([{ did: 'user.root:f.root', variableName: 'events', type: 'file' }]);
    expect(screen.getByText('events')).toBeTruthy();

    fireEvent.click(screen.getByRole('tab', { name: 'Notebook' }));
    const list = screen.getByRole('list', { name: 'Attached DIDs' });
    expect(within(list).getByText('user.root:f.root')).toBeTruthy();
    fireEvent.click(within(list).getByRole('button', { name: 'Detach user.root:f.root' }));
    expect(notebook.metadata.has('rucio_attachments')).toBe(false);
  });
});
