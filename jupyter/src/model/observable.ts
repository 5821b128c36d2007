/** Base of the panel's models: a `changed` signal and a version number React views subscribe to. */
import type { IDisposable } from '@lumino/disposable';
import { ISignal, Signal } from '@lumino/signaling';

export abstract class ObservableModel implements IDisposable {
  private readonly _changed = new Signal<this, void>(this);
  private _version = 0;
  private _disposed = false;

  /** Emitted after any state change. */
  get changed(): ISignal<this, void> {
    return this._changed;
  }

  /** Increases on every change, so views can tell cheaply whether to re-render. */
  get version(): number {
    return this._version;
  }

  get isDisposed(): boolean {
    return this._disposed;
  }

  dispose(): void {
    if (this._disposed) {
      return;
    }
    this._disposed = true;
    Signal.clearData(this);
  }

  protected emitChanged(): void {
    if (this._disposed) {
      return;
    }
    this._version++;
    this._changed.emit();
  }
}
