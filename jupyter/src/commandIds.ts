/**
 * Command and plugin identifiers. A leaf module (imports nothing) so that any file can use the ids
 * without creating an import cycle.
 */
export const PLUGIN_ID = 'rucio-jupyterlab:plugin';
export const PANEL_ID = 'rucio-jupyterlab:panel';

export namespace CommandIds {
  export const openPanel = 'rucio-jupyterlab:open-panel';
  export const focusSearch = 'rucio-jupyterlab:focus-search';
  export const purgeCache = 'rucio-jupyterlab:purge-cache';
  /** File browser context menu; the existing extension's id. */
  export const uploadFiles = 'rucio-jupyterlab:upload-file';
  /** Args `{id}`; the existing extension's id. */
  export const openUploadLog = 'rucio-jupyterlab:open-upload-log';
  /** Injects the current notebook's attachments into its kernel again. */
  export const injectAttachments = 'rucio-jupyterlab:inject-attachments';
}

/** Notebook metadata key holding the attached DIDs; the existing extension uses the same key. */
export const ATTACHMENTS_METADATA_KEY = 'rucio_attachments';

/** Name of the notebook toolbar item showing the kernel injection state. */
export const KERNEL_INDICATOR_TOOLBAR_ID = 'rucio-kernel-status';
