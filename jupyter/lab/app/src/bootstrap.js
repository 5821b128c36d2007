// Entry point of the JupyterLab core bundle.
//
// Module federation: prebuilt ("federated") extensions ship their own remoteEntry.js. Each must be loaded
// and initialised with the core's "default" share scope BEFORE any shared module (@jupyterlab/*, @lumino/*,
// react, ...) is consumed, so that the version negotiation sees every provider. That is why this file
// imports nothing shared and the application itself is loaded afterwards through a dynamic import.

function pageConfig() {
  const element = document.getElementById('jupyter-config-data');
  return element ? JSON.parse(element.textContent || '{}') : {};
}

const config = pageConfig();

// Chunks are served from the server's static URL for this app, which depends on base_url.
__webpack_public_path__ = `${String(config.fullStaticUrl ?? '').replace(/\/$/, '')}/`;

function loadScript(url) {
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = url;
    script.async = true;
    script.onload = () => resolve();
    script.onerror = () => reject(new Error(`could not load ${url}`));
    document.head.appendChild(script);
  });
}

async function initialiseContainer(extension, labextensionsUrl) {
  await loadScript(`${labextensionsUrl}/${extension.name}/${extension.load}`);
  const container = window._JUPYTERLAB?.[extension.name];
  if (!container) {
    throw new Error(`${extension.name}: its remote entry registered no container`);
  }
  await container.init(__webpack_share_scopes__.default);
}

async function bootstrap() {
  const federated = Array.isArray(config.federated_extensions) ? config.federated_extensions : [];
  const labextensionsUrl = String(config.fullLabextensionsUrl ?? '').replace(/\/$/, '');
  await __webpack_init_sharing__('default');
  const results = await Promise.allSettled(federated.map(ext => initialiseContainer(ext, labextensionsUrl)));
  const ready = [];
  results.forEach((result, i) => {
    if (result.status === 'fulfilled') {
      ready.push(federated[i]);
    } else {
      // One broken extension must not take the whole lab down; it is reported and skipped.
      console.error(`Prebuilt extension ${federated[i].name} failed to load:`, result.reason);
    }
  });
  const { main } = await import('./index.js');
  await main(ready);
}

bootstrap().catch(error => {
  console.error('JupyterLab failed to start:', error);
});
