/** The log of one upload job (`GET upload/jobs/log`), followed while the job runs and the log is shown. */
import { Poll } from '@lumino/polling';

import { ApiError, messageOf } from '../api/errors';
import { getUploadLog } from '../api/upload';
import { ObservableModel } from './observable';

export const LOG_POLL_INTERVAL_MS = 5000;

export interface IUploadLogContext {
  namespace: string;
  id: string;
  /** Whether the job is still running (its log may still grow). */
  isActive(): boolean;
}

export class UploadLogModel extends ObservableModel {
  private _text: string | null = null;
  private _error: ApiError | null = null;
  private _loading = false;
  private _visible = false;
  private readonly _poll: Poll;

  constructor(private readonly _context: IUploadLogContext) {
    super();
    this._poll = new Poll({
      auto: false,
      factory: () => this.refresh(),
      frequency: { interval: LOG_POLL_INTERVAL_MS, backoff: true, max: LOG_POLL_INTERVAL_MS * 12 },
      standby: () => !this._visible || !this._context.isActive(),
      name: 'rucio-jupyterlab:upload-log'
    });
    void this._poll.start();
  }

  get id(): string {
    return this._context.id;
  }
  get text(): string | null {
    return this._text;
  }
  get error(): ApiError | null {
    return this._error;
  }
  get loading(): boolean {
    return this._loading;
  }

  setVisible(visible: boolean): void {
    this._visible = visible;
  }

  async refresh(): Promise<void> {
    this._loading = true;
    this.emitChanged();
    try {
      this._text = await getUploadLog(this._context.namespace, this._context.id);
      this._error = null;
    } catch (error) {
      this._error =
        error instanceof ApiError && error.kind === 'not-found'
          ? new ApiError({ status: 404, kind: 'not-found', message: 'This job has no log (it may have been removed).' })
          : error instanceof ApiError
            ? error
            : new ApiError({ status: 0, kind: 'server', message: messageOf(error) });
      throw this._error;
    } finally {
      this._loading = false;
      this.emitChanged();
    }
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._poll.dispose();
    super.dispose();
  }
}
