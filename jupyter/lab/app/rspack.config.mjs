// Builds the JupyterLab core (static/) and the theme stylesheets (themes/) with rspack.
// The core is a module-federation host: prebuilt extensions listed in page config
// "federated_extensions" join its "default" share scope at start-up (see src/bootstrap.js).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { rspack } from '@rspack/core';
import { readManifest, sharedConfig, checkResolutions, writeGeneratedModules, themeEntries, collectSchemas }
  from './scripts/manifest.mjs';
import { IndexHtmlPlugin } from './scripts/index-html-plugin.mjs';

const appDir = path.dirname(fileURLToPath(import.meta.url));
const manifest = readManifest(appDir);
checkResolutions(manifest);
writeGeneratedModules(manifest, path.join(appDir, 'build'));
collectSchemas(manifest, path.join(appDir, 'schemas'));

const svgFromCss = { test: /\.svg(\?.*)?$/, issuer: /\.css$/, type: 'asset/inline' };
const binaryAssets = { test: /\.(cur|png|jpe?g|gif|ttf|woff2?|eot)(\?.*)?$/, type: 'asset/resource' };
// Rspack's native CSS pipeline is bypassed on purpose: JupyterLab's cascade relies on style-loader's
// import-order injection, and themes are extracted to plain files the server hands out.
const cssRule = use => ({ test: /\.css$/, type: 'javascript/auto', use });

export default (env, argv) => {
  const mode = argv.mode ?? 'production';
  const production = mode === 'production';

  const core = {
    name: 'core',
    mode,
    context: appDir,
    entry: { bootstrap: './src/bootstrap.js' },
    output: {
      path: path.join(appDir, 'static'),
      filename: production ? '[name].[contenthash].js' : '[name].js',
      chunkFilename: production ? '[name].[contenthash].js' : '[name].js',
      assetModuleFilename: 'assets/[contenthash][ext]',
      // The real public path (the server's static URL) is set at run time in bootstrap.js.
      publicPath: '',
      clean: true,
    },
    devtool: production ? 'source-map' : 'eval-cheap-module-source-map',
    resolve: {
      extensions: ['.js', '.mjs', '.json'],
      // Node-only branches of @jupyterlab/coreutils and services; never reached in a browser.
      fallback: { path: false, url: false, fs: false, crypto: false, buffer: false },
      alias: { ws: false },
    },
    module: {
      rules: [
        cssRule(['style-loader', 'css-loader']),
        svgFromCss,
        { test: /\.svg(\?.*)?$/, issuer: { not: /\.css$/ }, type: 'asset/source' },
        binaryAssets,
        { test: /\.m?js$/, resolve: { fullySpecified: false } },
      ],
    },
    // mathjax-full references __dirname in a Node-only path; the browser gets webpack's usual "/".
    node: { __dirname: 'mock' },
    optimization: { runtimeChunk: false, moduleIds: 'deterministic' },
    performance: { hints: false },
    plugins: [
      new rspack.container.ModuleFederationPluginV1({
        // The library/name mirror what prebuilt extensions expect of a JupyterLab core.
        library: { type: 'var', name: ['_JUPYTERLAB', 'CORE_LIBRARY_FEDERATION'] },
        name: 'CORE_FEDERATION',
        shared: sharedConfig(manifest),
      }),
      new IndexHtmlPlugin({ template: path.join(appDir, 'templates', 'index.html'), entry: 'bootstrap',
        packageJson: manifest.pkg }),
    ],
  };

  const themes = themeEntries(manifest).map(({ name, entry }) => ({
    name: `theme:${name}`,
    mode: 'production',
    context: appDir,
    entry: { index: entry },
    output: { path: path.join(appDir, 'themes', name), filename: '[name].js', assetModuleFilename: '[name][ext]', clean: true },
    module: {
      rules: [cssRule([rspack.CssExtractRspackPlugin.loader, 'css-loader']), { ...svgFromCss, issuer: undefined }, { ...binaryAssets, type: 'asset/inline' }],
    },
    plugins: [new rspack.CssExtractRspackPlugin({ filename: '[name].css' })],
    performance: { hints: false },
  }));

  fs.mkdirSync(path.join(appDir, 'themes'), { recursive: true });
  return [core, ...themes];
};
