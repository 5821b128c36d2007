// Maintenance tool, run by hand after changing versions in package.json and re-installing:
//   node scripts/sync-resolutions.mjs
// Rewrites "resolutions" (what the core shares, with the installed versions) and
// "jupyterlab.singletonPackages" from node_modules. build-labextension reads both to decide which
// packages a prebuilt extension must take from the core instead of bundling its own copy.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pkgFile = path.join(appDir, 'package.json');
const pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8'));
const lock = JSON.parse(fs.readFileSync(path.join(appDir, 'package-lock.json'), 'utf8'));

// Shared: the JupyterLab and Lumino families plus the third-party libraries whose state or
// identity must be unique on a page (React, Yjs, CodeMirror state/view, FAST design tokens).
const SHARED_PREFIXES = ['@jupyterlab/', '@lumino/', '@jupyter/', '@codemirror/'];
const SHARED_EXACT = new Set(['@lezer/common', '@lezer/highlight', '@microsoft/fast-element',
  '@microsoft/fast-foundation', 'react', 'react-dom', 'yjs']);
const EXTRA_SINGLETONS = new Set(['@codemirror/language', '@codemirror/state', '@codemirror/view',
  '@jupyter/ydoc', '@jupyter/react-components', '@jupyter/web-components', ...SHARED_EXACT]);

const installed = new Map();
for (const [key, entry] of Object.entries(lock.packages)) {
  const match = key.match(/^node_modules\/((?:@[^/]+\/)?[^/]+)$/);
  if (match && !entry.dev) installed.set(match[1], entry.version);
}
const isShared = name => SHARED_EXACT.has(name) || SHARED_PREFIXES.some(p => name.startsWith(p));
const resolutions = {};
for (const name of [...installed.keys()].filter(isShared).sort()) {
  // JupyterLab's own packages move in lockstep, so "~" there; other libraries follow semver, so "^".
  const prefix = name.startsWith('@jupyterlab/') ? '~' : '^';
  resolutions[name] = prefix + installed.get(name);
}
const singletons = Object.keys(resolutions).filter(name =>
  (name.startsWith('@jupyterlab/') && !name.endsWith('-extension')) || name.startsWith('@lumino/') || EXTRA_SINGLETONS.has(name));

pkg.resolutions = resolutions;
pkg.jupyterlab.singletonPackages = singletons;
fs.writeFileSync(pkgFile, JSON.stringify(pkg, null, 2) + '\n');
console.log(`resolutions: ${Object.keys(resolutions).length} packages, singletons: ${singletons.length}`);
