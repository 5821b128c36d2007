/**
 * Cache of `did/status` answers for the DIDs the panel shows, polled through @lumino/polling while
 * any of them is replicating: with backoff when the backend fails, and on standby when the panel is
 * hidden or nothing is in progress. Background watches (attachments waiting to be injected into a
 * kernel) are polled even while the panel is hidden.
 */
import { IDisposable } from '@lumino/disposable';
import { IPoll, Poll } from '@lumino/polling';
import { ISignal, Signal } from '@lumino/signaling';

import { getDidStatus, makeAvailable, retryDid } from '../api/dids';
import { ApiError, messageOf } from '../api/errors';
import type { IDidStatus, IFileStatus, IMakeAvailableResponse } from '../api/types';
import type { INotifier } from './notifier';
import { ObservableModel } from './observable';

export const FILES_PAGE_SIZE = 200;
/** Backoff never waits longer than this many polling intervals. */
const MAX_BACKOFF_FACTOR = 12;

export type DidAction = 'make-available' | 'retry';

export interface IStatusEntry {
  readonly did: string;
  status: IDidStatus | null;
  loading: boolean;
  error: ApiError | null;
  /** Files by page index (FILES_PAGE_SIZE per page); page 0 arrives with every status. */
  readonly pages: Map<number, IFileStatus[]>;
  /** Pages whose content predates the latest status and is re-read when shown again. */
  readonly stalePages: Set<number>;
  readonly loadingPages: Set<number>;
  action: DidAction | null;
  actionError: ApiError | null;
}

export interface IActionResult {
  did: string;
  action: DidAction;
  response: IMakeAvailableResponse | null;
}

/** A DID's aggregate status changed (`previous` is null for the first answer). */
export interface IStatusTransition {
  did: string;
  previous: string | null;
  current: string;
}

export interface IWatchOptions {
  /** Keep polling while the panel is hidden (something outside the panel waits for the DID). */
  background?: boolean;
}

export interface IStatusContext {
  namespace(): string | null;
  notifier: INotifier;
}

/** Whether a status is still moving, so that it is worth polling. */
export function isInProgress(status: IDidStatus | null): boolean {
  return status !== null && (status.status === 'REPLICATING' || status.counts.replicating > 0);
}

function toApiError(error: unknown): ApiError {
  return error instanceof ApiError ? error : new ApiError({ status: 0, kind: 'server', message: messageOf(error) });
}

export class DidStatusCache extends ObservableModel {
  private readonly _entries = new Map<string, IStatusEntry>();
  private readonly _watchers = new Map<string, number>();
  private readonly _backgroundWatchers = new Map<string, number>();
  private readonly _poll: Poll;
  private readonly _actionCompleted = new Signal<this, IActionResult>(this);
  private readonly _statusTransition = new Signal<this, IStatusTransition>(this);
  private _visible = false;
  /** Bumped on clear(), so answers for a previous instance are dropped. */
  private _generation = 0;

  constructor(
    private readonly _context: IStatusContext,
    intervalMs: number
  ) {
    super();
    this._poll = new Poll({
      auto: false,
      factory: () => this._refreshInProgress(),
      frequency: Private.frequency(intervalMs),
      standby: () => this._pollTargets().length === 0,
      name: 'rucio-jupyterlab:did-status'
    });
    void this._poll.start();
  }

  /** Emitted after Make Available / Retry succeeded (e.g. to refresh the transfers of download mode). */
  get actionCompleted(): ISignal<this, IActionResult> {
    return this._actionCompleted;
  }

  /** Emitted when a DID's aggregate status changes, e.g. REPLICATING → AVAILABLE. */
  get statusTransition(): ISignal<this, IStatusTransition> {
    return this._statusTransition;
  }

  get poll(): Poll {
    return this._poll;
  }

  get(did: string): IStatusEntry | undefined {
    return this._entries.get(did);
  }

  setInterval(intervalMs: number): void {
    this._poll.frequency = Private.frequency(intervalMs);
  }

  /** The panel is shown or hidden: a hidden panel does not poll. */
  setVisible(visible: boolean): void {
    if (visible === this._visible) {
      return;
    }
    this._visible = visible;
    if (visible && this._hasWatchedInProgress()) {
      void this._poll.refresh();
    }
  }

  /** Declares interest in a DID (expanded row, attachment) until the returned handle is disposed. */
  watch(did: string, options: IWatchOptions = {}): IDisposable {
    const watchers = options.background ? this._backgroundWatchers : this._watchers;
    watchers.set(did, (watchers.get(did) ?? 0) + 1);
    if (!this._entries.has(did)) {
      void this.fetch(did).catch(() => undefined);
    }
    let disposed = false;
    return {
      get isDisposed() {
        return disposed;
      },
      dispose: () => {
        if (disposed) {
          return;
        }
        disposed = true;
        const count = (watchers.get(did) ?? 1) - 1;
        if (count <= 0) {
          watchers.delete(did);
        } else {
          watchers.set(did, count);
        }
      }
    };
  }

  /** Reads the status (and first page of files); `refresh` asks the backend for fresh data. */
  async fetch(did: string, refresh = false): Promise<void> {
    const namespace = this._context.namespace();
    if (!namespace) {
      return;
    }
    const entry = this._entry(did);
    const generation = this._generation;
    entry.loading = true;
    this.emitChanged();
    try {
      const status = await getDidStatus({ namespace, did, refresh, offset: 0, limit: FILES_PAGE_SIZE });
      if (generation !== this._generation) {
        return;
      }
      this._store(entry, status, 0);
      entry.error = null;
    } catch (error) {
      if (generation !== this._generation) {
        return;
      }
      entry.error = toApiError(error);
      throw entry.error;
    } finally {
      if (generation === this._generation) {
        entry.loading = false;
        this.emitChanged();
      }
    }
  }

  /** Loads a page of a collection's files when it is shown and missing or stale. */
  ensurePage(did: string, page: number): void {
    const entry = this._entries.get(did);
    const namespace = this._context.namespace();
    if (!entry || !entry.status || !namespace || entry.loadingPages.has(page)) {
      return;
    }
    if (entry.pages.has(page) && !entry.stalePages.has(page)) {
      return;
    }
    const generation = this._generation;
    entry.loadingPages.add(page);
    getDidStatus({ namespace, did, offset: page * FILES_PAGE_SIZE, limit: FILES_PAGE_SIZE })
      .then(status => {
        if (generation === this._generation) {
          this._store(entry, status, page);
        }
      })
      .catch(error => {
        if (generation === this._generation) {
          entry.error = toApiError(error);
        }
      })
      .finally(() => {
        if (generation === this._generation) {
          entry.loadingPages.delete(page);
          this.emitChanged();
        }
      });
  }

  makeAvailable(did: string): Promise<void> {
    return this._act(did, 'make-available', async namespace => makeAvailable(namespace, did));
  }

  retry(did: string): Promise<void> {
    return this._act(did, 'retry', async namespace => {
      await retryDid(namespace, did);
      return null;
    });
  }

  /** Forgets everything (instance changed, cache purged). */
  clear(): void {
    this._generation++;
    this._entries.clear();
    this.emitChanged();
    for (const did of new Set([...this._watchers.keys(), ...this._backgroundWatchers.keys()])) {
      void this.fetch(did).catch(() => undefined);
    }
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this._poll.dispose();
    super.dispose();
  }

  private async _act(
    did: string,
    action: DidAction,
    call: (namespace: string) => Promise<IMakeAvailableResponse | null>
  ): Promise<void> {
    const namespace = this._context.namespace();
    if (!namespace) {
      return;
    }
    const entry = this._entry(did);
    entry.action = action;
    entry.actionError = null;
    this.emitChanged();
    try {
      const response = await call(namespace);
      const verb = action === 'retry' ? 'Retry requested' : response?.job_id ? 'Download started' : 'Replication requested';
      this._context.notifier.success(`${verb} for ${did}.`);
      this._actionCompleted.emit({ did, action, response });
      // Fresh data right away rather than one polling interval late.
      await this.fetch(did, true).catch(() => undefined);
      void this._poll.refresh();
    } catch (error) {
      entry.actionError = toApiError(error);
      this._context.notifier.error(entry.actionError.message, entry.actionError.details);
    } finally {
      entry.action = null;
      this.emitChanged();
    }
  }

  private _entry(did: string): IStatusEntry {
    let entry = this._entries.get(did);
    if (!entry) {
      entry = {
        did,
        status: null,
        loading: false,
        error: null,
        pages: new Map(),
        stalePages: new Set(),
        loadingPages: new Set(),
        action: null,
        actionError: null
      };
      this._entries.set(did, entry);
    }
    return entry;
  }

  private _store(entry: IStatusEntry, status: IDidStatus, page: number): void {
    const previous = entry.status;
    const changed =
      previous === null ||
      previous.status !== status.status ||
      previous.files_total !== status.files_total ||
      JSON.stringify(previous.counts) !== JSON.stringify(status.counts);
    entry.status = status;
    if (changed) {
      // Other pages were read under the previous status; re-read them when they are shown.
      for (const index of entry.pages.keys()) {
        if (index !== page) {
          entry.stalePages.add(index);
        }
      }
    }
    entry.pages.set(page, status.files ?? []);
    entry.stalePages.delete(page);
    if (previous?.status !== status.status) {
      this._statusTransition.emit({ did: entry.did, previous: previous?.status ?? null, current: status.status });
    }
  }

  private _hasWatchedInProgress(): boolean {
    for (const did of this._watchers.keys()) {
      if (isInProgress(this._entries.get(did)?.status ?? null)) {
        return true;
      }
    }
    return false;
  }

  /** In-progress DIDs worth a poll now: every watched one while the panel shows, else background ones only. */
  private _pollTargets(): string[] {
    const dids = new Set(this._backgroundWatchers.keys());
    if (this._visible) {
      for (const did of this._watchers.keys()) {
        dids.add(did);
      }
    }
    return [...dids].filter(did => isInProgress(this._entries.get(did)?.status ?? null));
  }

  private async _refreshInProgress(): Promise<void> {
    const targets = this._pollTargets();
    const results = await Promise.allSettled(targets.map(did => this.fetch(did, true)));
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure) {
      // Rejecting makes the Poll back off instead of hammering a failing backend.
      throw failure.reason;
    }
  }
}

namespace Private {
  export function frequency(intervalMs: number): IPoll.Frequency {
    const interval = Math.max(1000, intervalMs);
    return { interval, backoff: true, max: interval * MAX_BACKOFF_FACTOR };
  }
}
