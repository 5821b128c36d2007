// Creates the JupyterLab application from the core extensions listed in package.json and the
// prebuilt extensions whose containers bootstrap.js has already initialised.
import { JupyterLab } from '@jupyterlab/application';
import { PageConfig } from '@jupyterlab/coreutils';
import { IConnectionStatus, IServiceManager } from '@jupyterlab/services';
import { PluginRegistry } from '@lumino/coreutils';
import { coreExtensions, coreMimeExtensions } from '../build/extensions.js';
import { PluginCollector } from './plugins.js';

async function federatedModule(scope, moduleName) {
  const factory = await window._JUPYTERLAB[scope].get(moduleName);
  return factory();
}

// Loads one piece ("extension", "mimeExtension" or "style") of every prebuilt extension that has it.
// Failures are reported per extension, so one bad extension leaves the others working.
async function loadFederated(federated, key) {
  const wanted = federated.filter(ext => typeof ext[key] === 'string');
  const results = await Promise.allSettled(wanted.map(ext => federatedModule(ext.name, ext[key])));
  const loaded = [];
  results.forEach((result, i) => {
    if (result.status === 'fulfilled') {
      loaded.push({ name: wanted[i].name, module: result.value });
    } else {
      console.error(`Prebuilt extension ${wanted[i].name}: loading its ${key} failed:`, result.reason);
    }
  });
  return loaded;
}

async function loadCore(entries, overridden) {
  // A prebuilt extension with the same package name replaces the bundled one, as in stock JupyterLab.
  const active = entries.filter(entry => !overridden.has(entry.name));
  return Promise.all(active.map(async entry => ({ name: entry.name, module: await entry.load() })));
}

function patterns(key) {
  try {
    const value = JSON.parse(PageConfig.getOption(key) || '[]');
    return Array.isArray(value) ? value : [];
  } catch {
    return [];
  }
}

export async function main(federated) {
  const overridden = new Set(federated.map(ext => ext.name));
  await import('../build/style.js');
  const [core, coreMime, fedExtensions, fedMime] = await Promise.all([
    loadCore(coreExtensions, overridden),
    loadCore(coreMimeExtensions, overridden),
    loadFederated(federated, 'extension'),
    loadFederated(federated, 'mimeExtension'),
    loadFederated(federated, 'style'),
  ]);

  const collector = new PluginCollector();
  for (const { name, module } of [...core, ...fedExtensions]) collector.add(name, module, 'plugin');
  for (const { name, module } of [...coreMime, ...fedMime]) collector.add(name, module, 'mime');

  // JupyterLab 4.4+ builds its service manager from plugins (services-extension), so the registry
  // is filled first and the manager resolved from it before the application object exists.
  const pluginRegistry = new PluginRegistry();
  pluginRegistry.registerPlugins(collector.plugins);
  const serviceManager = await pluginRegistry.resolveRequiredService(IServiceManager);
  const connectionStatus = await pluginRegistry.resolveOptionalService(IConnectionStatus);

  const lab = new JupyterLab({
    pluginRegistry,
    serviceManager,
    connectionStatus: connectionStatus ?? undefined,
    mimeExtensions: collector.mimeExtensions,
    disabled: { matches: collector.disabled, patterns: patterns('disabledExtensions') },
    deferred: { matches: collector.deferred, patterns: patterns('deferredExtensions') },
    availablePlugins: collector.available,
  });

  // Tests and the browser console reach the app through window.jupyterapp when the server allows it.
  const expose = (PageConfig.getOption('exposeAppInBrowser') || '').toLowerCase() === 'true';
  if (expose || PageConfig.getOption('devMode').toLowerCase() === 'true') {
    window.jupyterapp = lab;
  }
  await lab.start({ ignorePlugins: collector.ignored, bubblingKeydown: true });
  await lab.restored;
}
