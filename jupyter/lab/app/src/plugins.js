// Turns extension modules into the plugin lists JupyterLab needs, honouring the page-config
// "disabledExtensions"/"deferredExtensions" settings the way the stock JupyterLab does.
import { PageConfig } from '@jupyterlab/coreutils';

function pluginsOf(module) {
  // ES modules export the plugin(s) as default; CommonJS builds may export them directly.
  const exported = module && typeof module === 'object' && 'default' in module ? module.default : module;
  return Array.isArray(exported) ? exported : [exported];
}

export class PluginCollector {
  constructor() {
    this.plugins = [];
    this.mimeExtensions = [];
    this.disabled = [];
    this.deferred = [];
    this.ignored = [];
    this.available = [];
  }

  // kind is 'plugin' for regular extensions, 'mime' for rendermime extensions.
  add(extensionName, module, kind) {
    for (const plugin of pluginsOf(module)) {
      if (!plugin || typeof plugin.id !== 'string') {
        console.error(`${extensionName} exports something that is not a plugin; skipped.`);
        continue;
      }
      const disabled = PageConfig.Extension.isDisabled(plugin.id);
      this.available.push({
        id: plugin.id,
        description: plugin.description,
        requires: plugin.requires ?? [],
        optional: plugin.optional ?? [],
        provides: plugin.provides ?? null,
        autoStart: plugin.autoStart,
        enabled: !disabled,
        extension: extensionName,
      });
      if (disabled) {
        this.disabled.push(plugin.id);
        continue;
      }
      if (PageConfig.Extension.isDeferred(plugin.id)) {
        this.deferred.push(plugin.id);
        this.ignored.push(plugin.id);
      }
      (kind === 'mime' ? this.mimeExtensions : this.plugins).push(plugin);
    }
  }
}
