/** Upload: routes and request shapes, dialog validation, and the transfers model's upload jobs. */
import { vi } from 'vitest';

vi.mock('../src/api/request', () => ({ requestAPI: vi.fn(), requestJsonArrayStream: vi.fn() }));

import { ApiError } from '../src/api/errors';
import { requestAPI } from '../src/api/request';
import { deleteUploadJob, getUploadLog, listUploadJobs, listWritableRses, startUpload } from '../src/api/upload';
import { AUTH_WARNING, UploadFormModel } from '../src/model/uploadForm';
import { UploadLogModel } from '../src/model/uploadLog';

const request = vi.mocked(requestAPI);

beforeEach(() => {
  request.mockReset();
});

describe('upload routes', () => {
  it('lists writable RSEs from list-rses/details, sorted and unique', async () => {
    request.mockResolvedValueOnce([{ rse: 'XRD2' }, { rse: 'XRD1', rse_type: 'DISK' }, { rse: 'XRD2' }, { other: 1 }]);
    expect(await listWritableRses('sandbox')).toEqual(['XRD1', 'XRD2']);
    expect(request).toHaveBeenCalledWith('list-rses/details', {
      query: { namespace: 'sandbox', expression: 'availability_write=True' },
      signal: undefined
    });
  });

  it('falls back to list-rses (names) when the details route is missing', async () => {
    request.mockRejectedValueOnce(new ApiError({ status: 404, kind: 'backend-missing', message: 'missing' }));
    request.mockResolvedValueOnce(['B', 'A']);
    expect(await listWritableRses('sandbox')).toEqual(['A', 'B']);
    expect(request.mock.calls[1][0]).toBe('list-rses');
    expect(request.mock.calls[1][1]).toMatchObject({ query: { namespace: 'sandbox', expression: 'availability_write=True' } });
  });

  it('starts uploads and reads, follows and deletes jobs', async () => {
    request.mockResolvedValueOnce({ success: true, job_ids: [7, 'u-8'] });
    const body = {
      file_paths: ['a.txt'],
      rse: 'XRD1',
      scope: 'user.root',
      add_to_dataset: false,
      dataset_scope: null,
      dataset_name: null,
      lifetime: null
    };
    expect(await startUpload('sandbox', body)).toEqual(['7', 'u-8']);
    expect(request).toHaveBeenLastCalledWith('upload', { method: 'POST', query: { namespace: 'sandbox' }, body });

    request.mockResolvedValueOnce([{ id: 7, did: 'user.root:a.txt', path: 'a.txt', rse: 'XRD1' }]);
    expect(await listUploadJobs('sandbox')).toHaveLength(1);
    expect(request.mock.calls[1][0]).toBe('upload/jobs');

    request.mockResolvedValueOnce({ text: 'line 1\nline 2' });
    expect(await getUploadLog('sandbox', '7')).toBe('line 1\nline 2');
    expect(request.mock.calls[2]).toEqual(['upload/jobs/log', { query: { namespace: 'sandbox', id: '7' }, signal: undefined }]);

    request.mockResolvedValueOnce({ success: true });
    await deleteUploadJob('sandbox', '7');
    expect(request.mock.calls[3]).toEqual(['upload/jobs/details', { method: 'DELETE', query: { namespace: 'sandbox', id: '7' } }]);
  });
});

describe('UploadFormModel', () => {
  function form(authType: 'userpass' | 'x509' | 'x509_proxy' | 'oidc' = 'userpass') {
    return new UploadFormModel(['data/a.txt', 'results'], { namespace: 'sandbox', authType });
  }

  it('warns unless the user authenticates with X.509', () => {
    expect(form('userpass').authWarning).toBe(AUTH_WARNING);
    expect(form('oidc').authWarning).toBe(AUTH_WARNING);
    expect(form('x509').authWarning).toBeNull();
    expect(form('x509_proxy').authWarning).toBeNull();
  });

  it('loads RSEs and scopes and preselects a single choice', async () => {
    request.mockImplementation(async endpoint =>
      endpoint === 'list-scopes' ? { scopes: ['user.root'] } : [{ rse: 'XRD1' }, { rse: 'XRD2' }]
    );
    const model = form();
    await model.load();
    expect(model.rses).toEqual(['XRD1', 'XRD2']);
    expect(model.scopes).toEqual(['user.root']);
    expect(model.rse).toBe('');
    expect(model.scope).toBe('user.root');
  });

  it('validates every field with a sentence', () => {
    const model = form();
    expect(model.errors()).toEqual({ rse: 'Choose a destination RSE.', scope: 'Choose a scope.' });
    model.update({ rse: 'XRD1', scope: 'user.root' });
    expect(model.valid).toBe(true);
    for (const bad of ['0', '-3', '1.5', 'ten', '36501']) {
      model.update({ lifetimeDays: bad });
      expect(model.errors().lifetime).toMatch(/whole number of days/);
    }
    model.update({ lifetimeDays: ' 30 ', addToDataset: true });
    expect(model.errors()).toEqual({ dataset: 'Enter the dataset scope and name.' });
    model.update({ datasetName: 'my data' });
    expect(model.errors().dataset).toMatch(/without spaces/);
    model.update({ datasetName: 'results_2024' });
    expect(model.valid).toBe(true);
  });

  it('builds the request: lifetime in seconds (days × 86400), dataset scope defaulting to the scope', () => {
    const model = form();
    model.update({ rse: 'XRD1', scope: 'user.root', lifetimeDays: '7', addToDataset: true, datasetName: 'results' });
    expect(model.request()).toEqual({
      file_paths: ['data/a.txt', 'results'],
      rse: 'XRD1',
      scope: 'user.root',
      add_to_dataset: true,
      dataset_scope: 'user.root',
      dataset_name: 'results',
      lifetime: 7 * 86400
    });
    model.update({ addToDataset: false, lifetimeDays: '' });
    expect(model.request()).toMatchObject({ add_to_dataset: false, dataset_scope: null, dataset_name: null, lifetime: null });
  });

  it('does not send an invalid form, and keeps the backend refusal for the dialog', async () => {
    const model = form();
    expect(await model.submit()).toBeNull();
    expect(model.showErrors).toBe(true);
    expect(request).not.toHaveBeenCalled();

    model.update({ rse: 'XRD1', scope: 'user.root' });
    request.mockRejectedValueOnce(new ApiError({ status: 401, kind: 'auth', message: 'Rucio did not accept your credentials.' }));
    expect(await model.submit()).toBeNull();
    expect(model.submitError?.message).toBe('Rucio did not accept your credentials.');

    request.mockResolvedValueOnce({ success: true, job_ids: ['j1'] });
    expect(await model.submit()).toEqual(['j1']);
    expect(model.submitError).toBeNull();
  });
});

describe('UploadLogModel', () => {
  it('reads the log and says when there is none', async () => {
    const model = new UploadLogModel({ namespace: 'sandbox', id: '7', isActive: () => false });
    request.mockResolvedValueOnce({ text: 'Upload failed: no space' });
    await model.refresh();
    expect(model.text).toBe('Upload failed: no space');
    request.mockRejectedValueOnce(new ApiError({ status: 404, kind: 'not-found', message: 'x' }));
    await expect(model.refresh()).rejects.toThrow(/no log/);
    expect(model.error?.message).toBe('This job has no log (it may have been removed).');
    model.dispose();
  });
});
