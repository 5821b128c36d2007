// jsdom lacks DragEvent, which @lumino/dragdrop (pulled in by @jupyterlab/ui-components) extends at load.
if (typeof MouseEvent !== 'undefined' && typeof (globalThis as { DragEvent?: unknown }).DragEvent === 'undefined') {
  (globalThis as { DragEvent?: unknown }).DragEvent = class DragEvent extends MouseEvent {};
}
export {};
// jsdom lacks matchMedia, which the Jupyter web components query when they load.
if (typeof window !== 'undefined' && typeof window.matchMedia !== 'function') {
  window.matchMedia = (query: string): MediaQueryList =>
    ({
      matches: false,
      media: query,
      onchange: null,
      addListener: () => undefined,
      removeListener: () => undefined,
      addEventListener: () => undefined,
      removeEventListener: () => undefined,
      dispatchEvent: () => false
    }) as MediaQueryList;
}
// jsdom lacks requestIdleCallback, which ReactWidget uses to render (e.g. a Dialog's body).
if (typeof window !== 'undefined' && typeof window.requestIdleCallback !== 'function') {
  window.requestIdleCallback = (callback: IdleRequestCallback): number =>
    window.setTimeout(() => callback({ didTimeout: false, timeRemaining: () => 0 }), 0);
  window.cancelIdleCallback = (handle: number): void => window.clearTimeout(handle);
}
