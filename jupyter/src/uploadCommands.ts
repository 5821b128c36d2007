/** "Upload to Rucio" in the file browser's context menu, and the upload log viewer. */
import type { JupyterFrontEnd } from '@jupyterlab/application';
import type { MainAreaWidget } from '@jupyterlab/apputils';
import type { IFileBrowserFactory } from '@jupyterlab/filebrowser';
import type { ReactWidget } from '@jupyterlab/ui-components';

import { CommandIds } from './commandIds';
import { UploadDialog, uploadTitle } from './components/upload/UploadDialog';
import { createUploadLogWidget } from './components/upload/UploadLogView';
import { rucioIcon } from './icons';
import type { PanelModel } from './model/panel';
import { UploadFormModel } from './model/uploadForm';
import { UploadLogModel } from './model/uploadLog';

interface ISelection {
  paths: string[];
  includesFolder: boolean;
}

function selection(factory: IFileBrowserFactory): ISelection {
  const browser = factory.tracker.currentWidget;
  const items = browser ? Array.from(browser.selectedItems()) : [];
  return { paths: items.map(item => item.path), includesFolder: items.some(item => item.type === 'directory') };
}

async function upload({ paths, includesFolder }: ISelection, model: PanelModel): Promise<void> {
  const namespace = model.session.namespace;
  if (!namespace || paths.length === 0) {
    return;
  }
  const form = new UploadFormModel(paths, { namespace, authType: model.session.authType, includesFolder });
  const dialog = new UploadDialog(form, uploadTitle(paths));
  const loading = new AbortController();
  void form.load(loading.signal);
  try {
    await dialog.launch();
  } finally {
    loading.abort();
    form.dispose();
  }
  const jobs = dialog.jobIds;
  if (jobs) {
    model.notifier.success(
      `Upload started (${jobs.length} job${jobs.length === 1 ? '' : 's'}). Follow it in the Transfers tab of the Rucio panel.`
    );
    model.transfers.poke();
  }
}

export function addUploadCommands(app: JupyterFrontEnd, factory: IFileBrowserFactory | null, model: PanelModel): void {
  const logs = new Map<string, MainAreaWidget<ReactWidget>>();

  app.commands.addCommand(CommandIds.openUploadLog, {
    label: 'Show Upload Log',
    execute: args => {
      const id = typeof args.id === 'string' || typeof args.id === 'number' ? String(args.id) : '';
      const namespace = model.session.namespace;
      if (!id || !namespace) {
        return;
      }
      let widget = logs.get(id);
      if (!widget || widget.isDisposed) {
        const log = new UploadLogModel({ namespace, id, isActive: () => model.transfers.isActive(id) });
        widget = createUploadLogWidget(log);
        logs.set(id, widget);
        widget.disposed.connect(() => logs.delete(id));
        app.shell.add(widget, 'main');
      }
      app.shell.activateById(widget.id);
    }
  });
  model.openUploadLog = id => void app.commands.execute(CommandIds.openUploadLog, { id });

  if (!factory) {
    return;
  }
  app.commands.addCommand(CommandIds.uploadFiles, {
    label: 'Upload to Rucio',
    caption: 'Upload the selected files and folders to a Rucio storage element',
    icon: rucioIcon,
    isEnabled: () => model.session.namespace !== null && selection(factory).paths.length > 0,
    execute: () => upload(selection(factory), model)
  });
  app.contextMenu.addItem({ command: CommandIds.uploadFiles, selector: '.jp-DirListing-item', rank: 10 });
}
