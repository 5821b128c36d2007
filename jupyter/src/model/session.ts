/**
 * Which Rucio instance is active and how the user authenticates to it, plus whether the backend is
 * there at all. Every other model asks this one for the namespace of its requests.
 */
import { ISignal, Signal } from '@lumino/signaling';

import { getInstances, getStoredCredentials, setActiveInstance } from '../api/instances';
import { ApiError, isBackendDown } from '../api/errors';
import type { AuthType, IConfigProblem, IInstance, IInstancesResponse } from '../api/types';
import { ObservableModel } from './observable';

export type SessionStatus = 'loading' | 'ready' | 'backend-down' | 'error';

export const AUTH_TYPES: readonly AuthType[] = ['userpass', 'x509', 'x509_proxy', 'oidc'];

export const AUTH_LABELS: Record<AuthType, string> = {
  userpass: 'Username & password',
  x509: 'X.509 user certificate',
  x509_proxy: 'X.509 proxy certificate',
  oidc: 'OpenID Connect'
};

export class SessionModel extends ObservableModel {
  private _status: SessionStatus = 'loading';
  private _error: ApiError | null = null;
  private _data: IInstancesResponse | null = null;
  private readonly _activeInstanceChanged = new Signal<this, IInstance | null>(this);

  get status(): SessionStatus {
    return this._status;
  }

  get error(): ApiError | null {
    return this._error;
  }

  get instances(): readonly IInstance[] {
    return this._data?.instances ?? [];
  }

  get problems(): readonly IConfigProblem[] {
    return this._data?.problems ?? [];
  }

  get activeInstance(): IInstance | null {
    const name = this._data?.active_instance;
    return this.instances.find(i => i.name === name) ?? null;
  }

  /** The active instance's name, sent as `namespace` on every data route. */
  get namespace(): string | null {
    return this.activeInstance?.name ?? null;
  }

  get authType(): AuthType | null {
    return this._data?.auth_type ?? null;
  }

  /** Emitted when the active instance changes: cached statuses and results belong to the old one. */
  get activeInstanceChanged(): ISignal<this, IInstance | null> {
    return this._activeInstanceChanged;
  }

  /** Methods offered for an instance: OpenID Connect only when the operator configured it. */
  authTypesFor(instance: IInstance | null): AuthType[] {
    return AUTH_TYPES.filter(t => t !== 'oidc' || instance?.oidc_enabled === true);
  }

  async load(): Promise<void> {
    const before = this.namespace;
    const wasReady = this._status === 'ready';
    if (!wasReady) {
      this._status = 'loading';
      this.emitChanged();
    }
    try {
      this._data = await getInstances();
      this._status = 'ready';
      this._error = null;
    } catch (error) {
      this._error =
        error instanceof ApiError
          ? error
          : new ApiError({ status: 0, kind: 'server', message: 'The list of Rucio instances could not be read.' });
      this._status = isBackendDown(error) ? 'backend-down' : 'error';
    }
    this.emitChanged();
    if (this.namespace !== before) {
      this._activeInstanceChanged.emit(this.activeInstance);
    }
  }

  /**
   * Makes `name` the active instance with the method already used for it (the first one with stored
   * credentials), or the instance's default choice when none is stored yet.
   */
  async selectInstance(name: string): Promise<void> {
    const instance = this.instances.find(i => i.name === name);
    if (!instance) {
      return;
    }
    const candidates = this.authTypesFor(instance);
    let chosen: AuthType | null = null;
    for (const type of candidates) {
      if ((await getStoredCredentials(name, type)) !== null) {
        chosen = type;
        break;
      }
    }
    chosen ??= instance.oidc_enabled ? 'oidc' : 'userpass';
    await setActiveInstance(name, chosen);
    await this.load();
  }

  /** Records the method the user just saved credentials for (stored per instance by the backend). */
  async setAuthType(type: AuthType): Promise<void> {
    const name = this.namespace;
    if (!name || type === this.authType) {
      return;
    }
    await setActiveInstance(name, type);
    await this.load();
  }
}
