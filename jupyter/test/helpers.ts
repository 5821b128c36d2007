/** Fixtures shared by the tests. */
import { Signal } from '@lumino/signaling';

import type { IDidStatus, IInstance } from '../src/api/types';
import type { INotebookDocument } from '../src/model/attachments';
import type { INotifier } from '../src/model/notifier';

export function instance(overrides: Partial<IInstance> = {}): IInstance {
  return {
    name: 'sandbox',
    display_name: 'Sandbox',
    mode: 'replica',
    oidc_enabled: false,
    webui_url: null,
    wildcard_enabled: true,
    ...overrides
  };
}

export function status(overrides: Partial<IDidStatus> = {}): IDidStatus {
  return {
    did: 'user.root:ds',
    type: 'dataset',
    mode: 'replica',
    status: 'NOT_AVAILABLE',
    counts: { total: 2, ok: 0, replicating: 0, stuck: 0, failed: 0, not_available: 2 },
    bytes: { total: 2048, ok: 0 },
    rules: [],
    reason: null,
    files: [],
    files_total: 2,
    refreshed_at: '2026-01-01T00:00:00Z',
    ...overrides
  };
}

export class FakeNotifier implements INotifier {
  readonly messages: { kind: 'success' | 'error' | 'info'; message: string; details?: string }[] = [];
  success(message: string): void {
    this.messages.push({ kind: 'success', message });
  }
  error(message: string, details?: string): void {
    this.messages.push({ kind: 'error', message, details });
  }
  info(message: string): void {
    this.messages.push({ kind: 'info', message });
  }
}

/** An in-memory notebook whose metadata behaves like JupyterLab's (change signal on every write). */
export class FakeNotebook implements INotebookDocument {
  readonly metadata = new Map<string, unknown>();
  private readonly _changed = new Signal<this, unknown>(this);
  constructor(
    readonly id = 'nb-1',
    readonly name = 'analysis.ipynb'
  ) {}
  get metadataChanged() {
    return this._changed;
  }
  getMetadata(key: string): unknown {
    return this.metadata.get(key);
  }
  setMetadata(key: string, value: unknown): void {
    this.metadata.set(key, JSON.parse(JSON.stringify(value)));
    this._changed.emit(key);
  }
  deleteMetadata(key: string): void {
    this.metadata.delete(key);
    this._changed.emit(key);
  }
}

/** Waits until `check` passes (microtasks and short timers), failing after a deadline. */
export async function eventually(check: () => void, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      check();
      return;
    } catch (error) {
      if (Date.now() > deadline) {
        throw error;
      }
      await new Promise(resolve => setTimeout(resolve, 5));
    }
  }
}
