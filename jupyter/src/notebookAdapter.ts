/** Adapts JupyterLab's NotebookPanel to the attachments model's small INotebookDocument interface. */
import type { NotebookPanel } from '@jupyterlab/notebook';
import type { PartialJSONValue } from '@lumino/coreutils';

import type { INotebookDocument } from './model/attachments';

const adapters = new WeakMap<NotebookPanel, INotebookDocument>();

/** The same adapter object for the same panel, so that the model can tell when nothing changed. */
export function notebookDocument(panel: NotebookPanel): INotebookDocument | null {
  const model = panel.model;
  if (!model) {
    return null;
  }
  let adapter = adapters.get(panel);
  if (!adapter) {
    adapter = {
      id: panel.id,
      get name() {
        return panel.context.path.split('/').pop() || panel.context.path;
      },
      getMetadata: key => model.getMetadata(key),
      setMetadata: (key, value) => model.setMetadata(key, value as PartialJSONValue),
      deleteMetadata: key => model.deleteMetadata(key),
      metadataChanged: model.metadataChanged
    };
    adapters.set(panel, adapter);
  }
  return adapter;
}
