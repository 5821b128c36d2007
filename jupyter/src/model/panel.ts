/**
 * The panel's root model: owns the other models and the user preferences, and keeps them consistent
 * when the active instance changes or the cache is purged.
 */
import { ApiError, messageOf } from '../api/errors';
import { purgeCache } from '../api/misc';
import { AttachmentsModel } from './attachments';
import { DidStatusCache } from './didStatus';
import type { INotifier } from './notifier';
import { ObservableModel } from './observable';
import { SearchModel } from './search';
import { SessionModel } from './session';
import { TransfersModel } from './transfers';

export type TabId = 'explore' | 'notebook' | 'transfers' | 'settings';

export interface IPanelPreferences {
  /** Seconds between status polls of DIDs in progress. */
  pollIntervalSeconds: number;
  /** Most DIDs one search returns. */
  searchLimit: number;
}

export const DEFAULT_PREFERENCES: IPanelPreferences = { pollIntervalSeconds: 10, searchLimit: 10000 };

export class PanelModel extends ObservableModel {
  readonly session = new SessionModel();
  readonly search: SearchModel;
  readonly statuses: DidStatusCache;
  readonly transfers: TransfersModel;
  readonly attachments = new AttachmentsModel();
  private _preferences: IPanelPreferences = { ...DEFAULT_PREFERENCES };
  private _tab: TabId = 'explore';
  private _visible = false;
  private _purging = false;
  /** Set by the search field so that the "focus search" command can reach it. */
  focusSearchField: (() => void) | null = null;
  /** Set by the plugin: opens an upload job's log in the main area. */
  openUploadLog: ((id: string) => void) | null = null;

  constructor(readonly notifier: INotifier) {
    super();
    const namespace = () => this.session.namespace;
    this.search = new SearchModel({
      instance: () => this.session.activeInstance,
      limit: () => this._preferences.searchLimit
    });
    const intervalMs = this._preferences.pollIntervalSeconds * 1000;
    this.statuses = new DidStatusCache({ namespace, notifier }, intervalMs);
    this.transfers = new TransfersModel({ namespace, notifier }, intervalMs);
    this.statuses.actionCompleted.connect((_, result) => {
      if (result.response?.job_id) {
        this.transfers.poke();
      }
    });
    this.session.activeInstanceChanged.connect(() => {
      this.search.reset();
      this.statuses.clear();
      void this.transfers.refresh().catch(() => undefined);
    });
    this.session.changed.connect(this._onSessionChanged, this);
  }

  get preferences(): IPanelPreferences {
    return this._preferences;
  }

  get tab(): TabId {
    return this._tab;
  }

  get visible(): boolean {
    return this._visible;
  }

  get purging(): boolean {
    return this._purging;
  }

  /** Tabs that need an active instance are unavailable without one. */
  isTabEnabled(tab: TabId): boolean {
    return tab === 'settings' || this.session.activeInstance !== null;
  }

  setTab(tab: TabId): void {
    if (!this.isTabEnabled(tab) || tab === this._tab) {
      return;
    }
    this._tab = tab;
    this._updateVisibility();
    this.emitChanged();
  }

  setVisible(visible: boolean): void {
    this._visible = visible;
    this._updateVisibility();
  }

  setPreferences(preferences: Partial<IPanelPreferences>): void {
    this._preferences = { ...this._preferences, ...preferences };
    const intervalMs = this._preferences.pollIntervalSeconds * 1000;
    this.statuses.setInterval(intervalMs);
    this.transfers.setInterval(intervalMs);
    this.emitChanged();
  }

  /** Empties the backend's caches and the panel's own. */
  async purgeCache(): Promise<boolean> {
    this._purging = true;
    this.emitChanged();
    try {
      await purgeCache(this.session.namespace);
      this.statuses.clear();
      this.notifier.success('Rucio cache purged.');
      return true;
    } catch (error) {
      this.notifier.error(messageOf(error), error instanceof ApiError ? error.details : undefined);
      return false;
    } finally {
      this._purging = false;
      this.emitChanged();
    }
  }

  dispose(): void {
    if (this.isDisposed) {
      return;
    }
    this.search.dispose();
    this.statuses.dispose();
    this.transfers.dispose();
    this.attachments.dispose();
    this.session.dispose();
    super.dispose();
  }

  private _onSessionChanged(): void {
    // Without an active instance only Settings makes sense (like the existing panel's first run).
    if (this.session.status === 'ready' && !this.isTabEnabled(this._tab)) {
      this._tab = 'settings';
      this._updateVisibility();
    }
    this.emitChanged();
  }

  private _updateVisibility(): void {
    this.statuses.setVisible(this._visible);
    this.transfers.setVisibility(this._visible, this._tab === 'transfers');
  }
}
