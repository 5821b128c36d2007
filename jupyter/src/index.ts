/**
 * The JupyterLab plugin: adds the Rucio panel to the left sidebar, its commands and preferences, the
 * kernel injection of attached DIDs (with a notebook toolbar indicator) and "Upload to Rucio".
 */
import { ILayoutRestorer, JupyterFrontEnd, JupyterFrontEndPlugin } from '@jupyterlab/application';
import { ICommandPalette } from '@jupyterlab/apputils';
import { IFileBrowserFactory } from '@jupyterlab/filebrowser';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';
import { ISettingRegistry } from '@jupyterlab/settingregistry';

import { CommandIds, PANEL_ID, PLUGIN_ID } from './commandIds';
import { rucioIcon } from './icons';
import { DEFAULT_PREFERENCES, IPanelPreferences, PanelModel } from './model/panel';
import { notebookDocument } from './notebookAdapter';
import { INotebookKernels, trackNotebookKernels } from './notebookKernels';
import { labNotifier } from './notify';
import { addUploadCommands } from './uploadCommands';
import { RucioSidebar } from './widget';

const PALETTE_CATEGORY = 'Rucio';

function readPreferences(settings: ISettingRegistry.ISettings): IPanelPreferences {
  const poll = settings.get('pollIntervalSeconds').composite;
  const limit = settings.get('searchLimit').composite;
  return {
    pollIntervalSeconds: typeof poll === 'number' ? poll : DEFAULT_PREFERENCES.pollIntervalSeconds,
    searchLimit: typeof limit === 'number' ? limit : DEFAULT_PREFERENCES.searchLimit
  };
}

function trackActiveNotebook(tracker: INotebookTracker, model: PanelModel, kernels: INotebookKernels): void {
  const follow = async (panel: NotebookPanel | null) => {
    if (!panel) {
      model.attachments.setNotebook(null);
      return;
    }
    await panel.context.ready;
    // Another notebook may have become current while this one was loading.
    if (tracker.currentWidget === panel) {
      model.attachments.setNotebook(notebookDocument(panel));
      model.attachments.setKernelLanguage(kernels.injectorFor(panel)?.language ?? null);
    }
  };
  tracker.currentChanged.connect((_, panel) => void follow(panel));
  void follow(tracker.currentWidget);
}

function addCommands(
  app: JupyterFrontEnd,
  model: PanelModel,
  palette: ICommandPalette | null,
  tracker: INotebookTracker | null,
  kernels: INotebookKernels | null
): void {
  app.commands.addCommand(CommandIds.openPanel, {
    label: 'Open the Rucio Panel',
    icon: rucioIcon,
    execute: () => app.shell.activateById(PANEL_ID)
  });
  app.commands.addCommand(CommandIds.focusSearch, {
    label: 'Search Rucio',
    execute: () => {
      app.shell.activateById(PANEL_ID);
      model.setTab('explore');
      // The field exists once React has rendered the Explore tab.
      requestAnimationFrame(() => model.focusSearchField?.());
    }
  });
  app.commands.addCommand(CommandIds.purgeCache, {
    label: 'Purge the Rucio Cache',
    isEnabled: () => !model.purging,
    execute: () => model.purgeCache()
  });
  app.commands.addCommand(CommandIds.injectAttachments, {
    label: 'Attach Rucio DIDs to the Kernel Again',
    isEnabled: () => Boolean(kernels?.injectorFor(tracker?.currentWidget ?? null)),
    execute: () => kernels?.injectorFor(tracker?.currentWidget ?? null)?.reinjectAll()
  });
  for (const command of [CommandIds.openPanel, CommandIds.focusSearch, CommandIds.purgeCache, CommandIds.injectAttachments]) {
    palette?.addItem({ command, category: PALETTE_CATEGORY });
  }
}

const plugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description: 'Explore Rucio data and attach it to notebooks.',
  autoStart: true,
  optional: [ICommandPalette, INotebookTracker, ISettingRegistry, ILayoutRestorer, IFileBrowserFactory],
  activate: (
    app: JupyterFrontEnd,
    palette: ICommandPalette | null,
    tracker: INotebookTracker | null,
    settingRegistry: ISettingRegistry | null,
    restorer: ILayoutRestorer | null,
    fileBrowserFactory: IFileBrowserFactory | null
  ) => {
    const model = new PanelModel(labNotifier);
    const sidebar = new RucioSidebar(model);
    // The panel is added even if the backend is down: it then says so and how to fix it.
    app.shell.add(sidebar, 'left', { rank: 900 });
    restorer?.add(sidebar, PANEL_ID);
    void model.session.load();

    const kernels = tracker ? trackNotebookKernels(tracker, model) : null;
    if (tracker && kernels) {
      trackActiveNotebook(tracker, model, kernels);
    }
    addCommands(app, model, palette, tracker, kernels);
    addUploadCommands(app, fileBrowserFactory, model);

    if (settingRegistry) {
      settingRegistry
        .load(PLUGIN_ID)
        .then(settings => {
          model.setPreferences(readPreferences(settings));
          settings.changed.connect(() => model.setPreferences(readPreferences(settings)));
        })
        .catch(reason => console.warn('Rucio panel: preferences could not be loaded, using defaults.', reason));
    }
  }
};

export default plugin;
