// @vitest-environment jsdom
/** The upload dialog (form, warning, validation, Upload that only closes on success) and uploads in Transfers. */
import React from 'react';
import { act, fireEvent, render, screen } from '@testing-library/react';
import { vi } from 'vitest';

vi.mock('../../src/api/upload', async importOriginal => ({
  ...(await importOriginal<typeof import('../../src/api/upload')>()),
  listWritableRses: vi.fn(),
  startUpload: vi.fn(),
  listUploadJobs: vi.fn(),
  deleteUploadJob: vi.fn(),
  getUploadLog: vi.fn()
}));
vi.mock('../../src/api/dids', () => ({ listScopes: vi.fn(), getDidStatus: vi.fn(), makeAvailable: vi.fn(), retryDid: vi.fn() }));
vi.mock('../../src/api/instances', () => ({ getInstances: vi.fn(), getStoredCredentials: vi.fn(), setActiveInstance: vi.fn() }));
vi.mock('../../src/api/misc', () => ({ listTransfers: vi.fn(), cancelTransfer: vi.fn(), purgeCache: vi.fn(), listDirectory: vi.fn() }));

import { listScopes } from '../../src/api/dids';
import { getInstances } from '../../src/api/instances';
import { listTransfers } from '../../src/api/misc';
import type { ITransfer } from '../../src/api/types';
import { deleteUploadJob, listUploadJobs, listWritableRses, startUpload } from '../../src/api/upload';
import { RucioPanel } from '../../src/components/RucioPanel';
import { UploadDialog, UploadForm, uploadTitle } from '../../src/components/upload/UploadDialog';
import { PanelModel } from '../../src/model/panel';
import { AUTH_WARNING, UploadFormModel } from '../../src/model/uploadForm';
import { eventually, FakeNotifier, instance } from '../helpers';

beforeEach(() => {
  vi.resetAllMocks();
  vi.mocked(listWritableRses).mockResolvedValue(['XRD1', 'XRD2']);
  vi.mocked(listScopes).mockResolvedValue(['user.root', 'user.other']);
});

async function loadedForm(authType: 'userpass' | 'x509' = 'userpass'): Promise<UploadFormModel> {
  const form = new UploadFormModel(['home/a.txt'], { namespace: 'sandbox', authType });
  await form.load();
  return form;
}

describe('UploadForm', () => {
  it('explains folder uploads only when a folder is selected', async () => {
    const hint = 'Folders are uploaded with everything in them.';
    const file = new UploadFormModel(['home/a.txt'], { namespace: 'sandbox', authType: 'x509', includesFolder: false });
    const { unmount } = render(<UploadForm form={file} />);
    expect(screen.queryByText(hint)).toBeNull();
    unmount();

    const folder = new UploadFormModel(['home/results'], { namespace: 'sandbox', authType: 'x509', includesFolder: true });
    render(<UploadForm form={folder} />);
    expect(screen.getByText(hint)).toBeTruthy();
  });

  it('shows the authentication warning, the choices, and validation after the first attempt', async () => {
    const form = await loadedForm();
    render(<UploadForm form={form} />);
    expect(screen.getByRole('note').textContent).toBe(`Warning: ${AUTH_WARNING}`);
    const rse = screen.getByLabelText('Destination RSE') as HTMLSelectElement;
    expect(Array.from(rse.options).map(o => o.value)).toEqual(['', 'XRD1', 'XRD2']);
    expect(screen.queryAllByRole('alert')).toEqual([]);

    await act(() => form.submit());
    expect(screen.getAllByRole('alert').map(a => a.textContent)).toEqual(['Choose a destination RSE.', 'Choose a scope.']);
    expect(startUpload).not.toHaveBeenCalled();

    fireEvent.change(rse, { target: { value: 'XRD2' } });
    fireEvent.change(screen.getByLabelText('Scope'), { target: { value: 'user.root' } });
    fireEvent.change(screen.getByLabelText('Lifetime (days)'), { target: { value: 'soon' } });
    expect(screen.getAllByRole('alert').map(a => a.textContent)).toEqual([
      'Enter the lifetime as a whole number of days (1 to 36500), or leave it empty for no expiry.'
    ]);
    fireEvent.click(screen.getByLabelText('Add the files to a dataset'));
    expect(screen.getByText('The dataset is created if it does not exist.')).toBeTruthy();
    form.dispose();
  });

  it('has no warning with X.509, and falls back to text fields when the lists cannot be read', async () => {
    vi.mocked(listWritableRses).mockRejectedValue(new Error('Rucio is down'));
    const form = await loadedForm('x509');
    render(<UploadForm form={form} />);
    expect(screen.queryByRole('note')).toBeNull();
    expect(screen.getByRole('alert').textContent).toContain('Rucio is down');
    expect((screen.getByLabelText('Destination RSE') as HTMLElement).tagName).toBe('INPUT');
    form.dispose();
  });

  it('names the item in the title, or counts them', () => {
    expect(uploadTitle(['home/rdimaria_test.txt'])).toBe('Upload rdimaria_test.txt to Rucio');
    expect(uploadTitle(['results/'])).toBe('Upload results to Rucio');
    expect(uploadTitle(['a', 'b'])).toBe('Upload 2 items to Rucio');
  });
});

describe('UploadDialog', () => {
  it('stays open while the form is invalid or the backend refuses, and closes with the job ids', async () => {
    const form = await loadedForm();
    const dialog = new UploadDialog(form, 'Upload a.txt to Rucio');
    let closed = false;
    let result: ReturnType<typeof dialog.launch> | undefined;
    // The Dialog renders its React body itself (on idle): inside act(), which flushes that render when it ends.
    await act(async () => {
      result = dialog.launch().then(r => {
        closed = true;
        return r;
      });
      await eventually(() => expect(document.querySelector('.jp-Rucio-uploadDialog')).not.toBeNull());
      await new Promise(resolve => setTimeout(resolve, 0));
    });
    expect(document.querySelector('.jp-Rucio-uploadForm')).not.toBeNull();
    // jsdom does not open <dialog>, so its buttons are not in the accessibility tree: find Upload by class.
    const upload = document.querySelector('.jp-Dialog-button.jp-mod-accept') as HTMLButtonElement;
    expect(upload.textContent).toBe('Upload');

    await act(async () => {
      fireEvent.click(upload);
      await eventually(() => expect(form.showErrors).toBe(true));
    });
    expect(closed).toBe(false);

    vi.mocked(startUpload).mockRejectedValueOnce(new Error('quota exceeded'));
    await act(async () => {
      form.update({ rse: 'XRD1', scope: 'user.root' });
      fireEvent.click(upload);
      await eventually(() => expect(form.submitError?.message).toBe('quota exceeded'));
    });
    expect(document.body.textContent).toContain('quota exceeded');
    expect(closed).toBe(false);

    vi.mocked(startUpload).mockResolvedValueOnce(['42']);
    await act(async () => {
      fireEvent.click(upload);
      await result;
    });
    const answer = await result!;
    expect(answer.button.accept).toBe(true);
    expect(dialog.jobIds).toEqual(['42']);
    expect(vi.mocked(startUpload).mock.calls[1]).toEqual([
      'sandbox',
      {
        file_paths: ['home/a.txt'],
        rse: 'XRD1',
        scope: 'user.root',
        add_to_dataset: false,
        dataset_scope: null,
        dataset_name: null,
        lifetime: null
      }
    ]);
    form.dispose();
  });
});

describe('Transfers tab with uploads', () => {
  it('shows path → RSE, Show log and Remove for upload jobs', async () => {
    const upload: ITransfer = {
      id: '42',
      kind: 'upload',
      did: 'user.root:a.txt',
      status: 'FAILED',
      bytes_done: 0,
      bytes_total: 10,
      files_done: 0,
      files_total: 1,
      error: 'Upload failed',
      started_at: null,
      finished_at: null
    };
    vi.mocked(getInstances).mockResolvedValue({ active_instance: 'sandbox', auth_type: 'userpass', instances: [instance()] });
    vi.mocked(listTransfers).mockResolvedValue([upload]);
    vi.mocked(listUploadJobs).mockResolvedValue([{ id: 42, did: 'user.root:a.txt', path: 'home/a.txt', rse: 'XRD1' }]);
    vi.mocked(deleteUploadJob).mockResolvedValue(undefined);
    const model = new PanelModel(new FakeNotifier());
    const openLog = vi.fn();
    model.openUploadLog = openLog;
    render(<RucioPanel model={model} />);
    await act(() => model.session.load());
    await act(async () => {
      fireEvent.click(screen.getByRole('tab', { name: 'Transfers' }));
    });
    await act(() => model.transfers.refresh());
    expect(screen.getByText('home/a.txt → XRD1')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Show log' }));
    expect(openLog).toHaveBeenCalledWith('42');
    expect(screen.queryByRole('button', { name: 'Cancel' })).toBeNull();

    vi.mocked(listTransfers).mockResolvedValue([]);
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Remove' }));
    });
    await eventually(() => expect(deleteUploadJob).toHaveBeenCalledWith('sandbox', '42'));
    await eventually(() => expect(screen.queryByText('home/a.txt → XRD1')).toBeNull());
    model.dispose();
  });
});
