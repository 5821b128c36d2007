/**
 * Wires kernel injection into JupyterLab: one injector per open notebook (its metadata and session context),
 * its toolbar indicator, and the active notebook's kernel language for name validation.
 */
import type { NotebookPanel, INotebookTracker } from '@jupyterlab/notebook';

import { KERNEL_INDICATOR_TOOLBAR_ID } from './commandIds';
import { KernelIndicatorWidget } from './components/kernel/KernelIndicator';
import type { NotebookInjector } from './kernel/injector';
import { KernelInjectionManager } from './kernel/manager';
import type { PanelModel } from './model/panel';
import { notebookDocument } from './notebookAdapter';

export interface INotebookKernels {
  readonly manager: KernelInjectionManager;
  injectorFor(panel: NotebookPanel | null): NotebookInjector | null;
}

export function trackNotebookKernels(tracker: INotebookTracker, model: PanelModel): INotebookKernels {
  const manager = new KernelInjectionManager({ session: model.session, statuses: model.statuses });
  const injectors = new WeakMap<NotebookPanel, NotebookInjector>();

  const setUp = async (panel: NotebookPanel) => {
    await panel.context.ready;
    const document = notebookDocument(panel);
    if (panel.isDisposed || !document || injectors.has(panel)) {
      return;
    }
    const sessionContext = panel.sessionContext;
    const injector = manager.track(document, {
      get kernel() {
        return sessionContext.session?.kernel ?? null;
      },
      kernelChanged: sessionContext.kernelChanged
    });
    injectors.set(panel, injector);
    // The kernel may have been connected before this injector existed.
    void sessionContext.ready.then(() => injector.syncKernel()).catch(() => undefined);
    injector.changed.connect(() => {
      if (model.attachments.notebook === document) {
        model.attachments.setKernelLanguage(injector.language);
      }
    });
    const indicator = new KernelIndicatorWidget(injector);
    if (!panel.toolbar.insertAfter('kernelName', KERNEL_INDICATOR_TOOLBAR_ID, indicator)) {
      panel.toolbar.addItem(KERNEL_INDICATOR_TOOLBAR_ID, indicator);
    }
    panel.disposed.connect(() => {
      injector.dispose();
      indicator.dispose();
    });
  };

  tracker.widgetAdded.connect((_, panel) => void setUp(panel));
  // Notebooks restored with the workspace may be there before this plugin activates.
  tracker.forEach(panel => void setUp(panel));

  return {
    manager,
    injectorFor: panel => (panel ? (injectors.get(panel) ?? null) : null)
  };
}
