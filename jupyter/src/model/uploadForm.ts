/**
 * State and validation of the "Upload to Rucio" dialog, apart from its view: destination RSE, scope, rule
 * lifetime in days, optional dataset; it builds the `POST upload` request and sends it.
 */
import { ApiError, messageOf } from '../api/errors';
import { listScopes } from '../api/dids';
import type { AuthType } from '../api/types';
import { IUploadRequest, listWritableRses, startUpload } from '../api/upload';
import { ObservableModel } from './observable';

/** The existing extension's warning (seed 003), shown unless the user authenticates with X.509. */
export const AUTH_WARNING =
  'You are not using X509 as the authentication method, upload may fail if the destination RSE does not ' +
  'support your authentication method.';

export const SECONDS_PER_DAY = 86400;
/** A rule lifetime above this is almost certainly a typo (100 years). */
export const MAX_LIFETIME_DAYS = 36500;

export type UploadField = 'rse' | 'scope' | 'lifetime' | 'dataset';

export interface IUploadFormContext {
  namespace: string;
  authType: AuthType | null;
  /** Whether a selected path is a folder; unknown counts as yes (the hint about folders is then shown). */
  includesFolder?: boolean;
}

export class UploadFormModel extends ObservableModel {
  rse = '';
  scope = '';
  lifetimeDays = '';
  addToDataset = false;
  datasetScope = '';
  datasetName = '';
  private _rses: string[] | null = null;
  private _scopes: string[] | null = null;
  private _loadError: ApiError | null = null;
  private _submitting = false;
  private _submitError: ApiError | null = null;
  private _showErrors = false;

  constructor(
    readonly paths: readonly string[],
    private readonly _context: IUploadFormContext
  ) {
    super();
  }

  get rses(): readonly string[] | null {
    return this._rses;
  }
  get scopes(): readonly string[] | null {
    return this._scopes;
  }
  get loadError(): ApiError | null {
    return this._loadError;
  }
  get submitting(): boolean {
    return this._submitting;
  }
  get submitError(): ApiError | null {
    return this._submitError;
  }
  /** Errors are shown after the first attempt to upload (not while the user is still filling in the form). */
  get showErrors(): boolean {
    return this._showErrors;
  }
  get includesFolder(): boolean {
    return this._context.includesFolder ?? true;
  }
  get authWarning(): string | null {
    const type = this._context.authType;
    return type === 'x509' || type === 'x509_proxy' ? null : AUTH_WARNING;
  }

  /** Reads the writable RSEs and the scopes; the only choice is preselected. */
  async load(signal?: AbortSignal): Promise<void> {
    const namespace = this._context.namespace;
    try {
      const [rses, scopes] = await Promise.all([listWritableRses(namespace, signal), listScopes(namespace, signal)]);
      this._rses = rses;
      this._scopes = scopes;
      this._loadError = null;
      if (rses.length === 1 && !this.rse) {
        this.rse = rses[0];
      }
      if (scopes.length === 1 && !this.scope) {
        this.scope = scopes[0];
      }
    } catch (error) {
      this._loadError = toApiError(error);
    }
    this.emitChanged();
  }

  /** Changes fields and re-renders (the view calls this for every edit). */
  update(change: Partial<Pick<UploadFormModel, 'rse' | 'scope' | 'lifetimeDays' | 'addToDataset' | 'datasetScope' | 'datasetName'>>): void {
    Object.assign(this, change);
    this._submitError = null;
    this.emitChanged();
  }

  /** A sentence per invalid field (empty when the form can be sent). */
  errors(): Partial<Record<UploadField, string>> {
    const errors: Partial<Record<UploadField, string>> = {};
    if (!this.rse.trim()) {
      errors.rse = 'Choose a destination RSE.';
    }
    if (!this.scope.trim()) {
      errors.scope = 'Choose a scope.';
    }
    const lifetime = this.lifetimeDays.trim();
    if (lifetime !== '') {
      const days = Number(lifetime);
      if (!/^[0-9]+$/.test(lifetime) || days < 1 || days > MAX_LIFETIME_DAYS) {
        errors.lifetime = `Enter the lifetime as a whole number of days (1 to ${MAX_LIFETIME_DAYS}), or leave it empty for no expiry.`;
      }
    }
    if (this.addToDataset) {
      const scope = this.datasetScope.trim() || this.scope.trim();
      const name = this.datasetName.trim();
      if (!scope || !name) {
        errors.dataset = 'Enter the dataset scope and name.';
      } else if (/[\s:]/.test(name) || name.length > 250) {
        errors.dataset = 'A dataset name has at most 250 characters, without spaces or ":".';
      }
    }
    return errors;
  }

  get valid(): boolean {
    return Object.keys(this.errors()).length === 0;
  }

  /** The `POST upload` body, or null when the form is not valid. */
  request(): IUploadRequest | null {
    if (!this.valid) {
      return null;
    }
    const lifetime = this.lifetimeDays.trim();
    return {
      file_paths: [...this.paths],
      rse: this.rse.trim(),
      scope: this.scope.trim(),
      add_to_dataset: this.addToDataset,
      dataset_scope: this.addToDataset ? this.datasetScope.trim() || this.scope.trim() : null,
      dataset_name: this.addToDataset ? this.datasetName.trim() : null,
      lifetime: lifetime === '' ? null : Number(lifetime) * SECONDS_PER_DAY
    };
  }

  /** Sends the upload; the job ids, or null when the form is invalid or the backend refused (see submitError). */
  async submit(): Promise<string[] | null> {
    if (this._submitting) {
      return null;
    }
    this._showErrors = true;
    const request = this.request();
    if (!request) {
      this.emitChanged();
      return null;
    }
    this._submitting = true;
    this._submitError = null;
    this.emitChanged();
    try {
      return await startUpload(this._context.namespace, request);
    } catch (error) {
      this._submitError = toApiError(error);
      return null;
    } finally {
      this._submitting = false;
      this.emitChanged();
    }
  }
}

function toApiError(error: unknown): ApiError {
  return error instanceof ApiError ? error : new ApiError({ status: 0, kind: 'server', message: messageOf(error) });
}
