/**
 * Owns the injectors of all open notebooks and the triggers that concern them all: the active instance
 * switching (inject everything again), the configuration finishing to load, and a DID becoming available
 * (the status poll sees REPLICATING → OK/AVAILABLE: inject that DID again wherever it is attached). DIDs that
 * are attached but not available yet are watched in the background, so the poll runs while the panel is hidden.
 */
import type { IDisposable } from '@lumino/disposable';

import { resolveForNotebook } from '../api/dids';
import type { INotebookDocument } from '../model/attachments';
import type { DidStatusCache, IStatusTransition } from '../model/didStatus';
import type { SessionModel } from '../model/session';
import { IKernelSource, NotebookInjector } from './injector';
import { isAvailableStatus } from './resolve';
import type { INotebookResolveResponse } from '../api/types';

export interface IManagerContext {
  session: SessionModel;
  statuses: DidStatusCache;
  /** Defaults to the backend route; tests pass a fake. */
  resolve?: (namespace: string, did: string, signal: AbortSignal) => Promise<INotebookResolveResponse>;
}

export class KernelInjectionManager implements IDisposable {
  private readonly _injectors = new Set<NotebookInjector>();
  private readonly _watches = new Map<string, IDisposable>();
  private _disposed = false;

  constructor(private readonly _context: IManagerContext) {
    _context.session.activeInstanceChanged.connect(this.reinjectAll, this);
    _context.session.changed.connect(this._onSessionChanged, this);
    _context.statuses.statusTransition.connect(this._onStatusTransition, this);
  }

  get isDisposed(): boolean {
    return this._disposed;
  }

  get injectors(): readonly NotebookInjector[] {
    return [...this._injectors];
  }

  /** Starts keeping a notebook's kernel in step; dispose the injector when the notebook closes. */
  track(document: INotebookDocument, source: IKernelSource): NotebookInjector {
    const session = this._context.session;
    const resolve = this._context.resolve ?? resolveForNotebook;
    const injector = new NotebookInjector(document, source, {
      namespace: () => (session.status === 'loading' ? undefined : session.namespace),
      resolve
    });
    this._injectors.add(injector);
    injector.changed.connect(this._updateWatches, this);
    injector.disposed.connect(() => {
      this._injectors.delete(injector);
      this._updateWatches();
    });
    return injector;
  }

  reinjectAll(): void {
    for (const injector of this._injectors) {
      injector.reinjectAll();
    }
  }

  dispose(): void {
    if (this._disposed) {
      return;
    }
    this._disposed = true;
    this._context.session.activeInstanceChanged.disconnect(this.reinjectAll, this);
    this._context.session.changed.disconnect(this._onSessionChanged, this);
    this._context.statuses.statusTransition.disconnect(this._onStatusTransition, this);
    for (const injector of [...this._injectors]) {
      injector.dispose();
    }
    for (const watch of this._watches.values()) {
      watch.dispose();
    }
    this._watches.clear();
  }

  private _onSessionChanged(): void {
    // The configuration finished loading without an instance switch (e.g. no instance at all): tell the
    // injectors that were waiting for it.
    if (this._context.session.status === 'loading') {
      return;
    }
    for (const injector of this._injectors) {
      if (injector.waitingForConfiguration) {
        injector.reinjectAll();
      }
    }
  }

  private _onStatusTransition(_: DidStatusCache, transition: IStatusTransition): void {
    if (!isAvailableStatus(transition.current) || isAvailableStatus(transition.previous)) {
      return;
    }
    for (const injector of this._injectors) {
      const variable = injector.variables.find(v => v.did === transition.did);
      if (variable && variable.available === false && variable.phase !== 'resolving' && variable.phase !== 'attaching') {
        injector.reinjectDid(transition.did);
      }
    }
  }

  /** Watches exactly the attached DIDs that the kernel holds as "not available yet". */
  private _updateWatches(): void {
    const wanted = new Set<string>();
    for (const injector of this._injectors) {
      for (const variable of injector.variables) {
        if (variable.available === false) {
          wanted.add(variable.did);
        }
      }
    }
    for (const [did, watch] of this._watches) {
      if (!wanted.has(did)) {
        watch.dispose();
        this._watches.delete(did);
      }
    }
    for (const did of wanted) {
      if (!this._watches.has(did)) {
        this._watches.set(did, this._context.statuses.watch(did, { background: true }));
      }
    }
  }
}
