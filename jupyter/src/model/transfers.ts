/**
 * Transfer jobs (downloads of download mode, uploads) with their progress, polled while the panel is
 * visible and either the Transfers tab is open or a job is still running. Upload jobs are completed
 * with their path and RSE from `upload/jobs` when there are any.
 */
import { IPoll, Poll } from '@lumino/polling';

import { ApiError, messageOf } from '../api/errors';
import { cancelTransfer, listTransfers } from '../api/misc';
import type { ITransfer } from '../api/types';
import { deleteUploadJob, IUploadJob, listUploadJobs } from '../api/upload';
import type { INotifier } from './notifier';
import { ObservableModel } from './observable';

export function isActiveTransfer(transfer: ITransfer): boolean {
  return transfer.status === 'QUEUED' || transfer.status === 'RUNNING';
}

export interface ITransfersContext {
  namespace(): string | null;
  notifier: INotifier;
}

export class TransfersModel extends ObservableModel {
  private _transfers: ITransfer[] = [];
  private _error: ApiError | null = null;
  private _loaded = false;
  private _panelVisible = false;
  private _tabVisible = false;
  private readonly _cancelling = new Set<string>();
  private readonly _removing = new Set<string>();
  private _uploadJobs = new Map<string, IUploadJob>();
  private readonly _poll: Poll;

  constructor(
    private readonly _context: ITransfersContext,
    intervalMs: number
  ) {
    super();
    this._poll = new Poll({
      auto: false,
      factory: () => this.refresh(),
      frequency: TransfersModel.frequency(intervalMs),
      standby: () => !this._panelVisible || !(this._tabVisible || this.hasActive),
      name: 'rucio-jupyterlab:transfers'
    });
    void this._poll.start();
  }

  get transfers(): readonly ITransfer[] {
    return this._transfers;
  }
  get error(): ApiError | null {
    return this._error;
  }
  get loaded(): boolean {
    return this._loaded;
  }
  get hasActive(): boolean {
    return this._transfers.some(isActiveTransfer);
  }
  isCancelling(id: string): boolean {
    return this._cancelling.has(id);
  }
  isRemoving(id: string): boolean {
    return this._removing.has(id);
  }
  /** The upload job behind a transfer of kind "upload" (path and RSE), when the backend listed it. */
  uploadJob(id: string): IUploadJob | undefined {
    return this._uploadJobs.get(id);
  }
  /** Whether a transfer is still queued or running (e.g. for a log view that follows it). */
  isActive(id: string): boolean {
    const transfer = this._transfers.find(t => t.id === id);
    return transfer !== undefined && isActiveTransfer(transfer);
  }

  setInterval(intervalMs: number): void {
    this._poll.frequency = TransfersModel.frequency(intervalMs);
  }

  setVisibility(panelVisible: boolean, tabVisible: boolean): void {
    const wasPolling = this._panelVisible && this._tabVisible;
    this._panelVisible = panelVisible;
    this._tabVisible = tabVisible;
    if (panelVisible && tabVisible && !wasPolling) {
      void this._poll.refresh();
    }
  }

  /** Asks the poll for an immediate tick (e.g. a download just started). */
  poke(): void {
    void this._poll.refresh();
  }

  async refresh(): Promise<void> {
    const namespace = this._context.namespace();
    if (!namespace) {
      this._transfers = [];
      this.emitChanged();
      return;
    }
    try {
      this._transfers = await listTransfers(namespace);
      this._error = null;
      if (this._transfers.some(t => t.kind === 'upload')) {
        // Only details: a failure here keeps the previous ones instead of failing the poll.
        const jobs = await listUploadJobs(namespace).catch(() => null);
        if (jobs) {
          this._uploadJobs = new Map(jobs.map(job => [String(job.id), job]));
        }
      }
    } catch (error) {
      this._error = error instanceof ApiError ? error : new ApiError({ status: 0, kind: 'server', message: messageOf(error) });
      throw this._error;
    } finally {
      this._loaded = true;
      this.emitChanged();
    }
  }

  async cancel(id: string): Promise<void> {
    const namespace = this._context.namespace();
    if (!namespace || this._cancelling.has(id)) {
      return;
    }
    this._cancelling.add(id);
    this.emitChanged();
    try {
      await cancelTransfer(namespace, id);
      this._context.notifier.info('Transfer cancelled.');
      await this.refresh().catch(() => undefined);
    } catch (error) {
      const apiError = error instanceof ApiError ? error : null;
      this._context.notifier.error(messageOf(error), apiError?.details);
    } finally {
      this._cancelling.delete(id);
      this.emitChanged();
    }
  }

  /** Forgets a finished upload job and its log (`DELETE upload/jobs/details`). */
  async removeUpload(id: string): Promise<void> {
    const namespace = this._context.namespace();
    if (!namespace || this._removing.has(id)) {
      return;
    }
    this._removing.add(id);
    this.emitChanged();
    try {
      await deleteUploadJob(namespace, id);
      this._transfers = this._transfers.filter(t => t.id !== id);
      this._uploadJobs.delete(id);
      await this.refresh().catch(() => undefined);
    } catch (error) {
      this._context.notifier.error(messageOf(error), error instanceof ApiError ? error.details : undefined);
    } finally {
      this._removing.delete(id);
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

  private static frequency(intervalMs: number): IPoll.Frequency {
    const interval = Math.max(1000, intervalMs);
    return { interval, backoff: true, max: interval * 12 };
  }
}
