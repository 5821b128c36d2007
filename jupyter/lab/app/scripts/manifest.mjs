// Reads the app's package.json and derives everything the build needs from it: the extension lists,
// the module-federation share configuration, theme entries, and the generated entry modules.
// package.json stays the single source of truth, so adding an extension is a one-line change there.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

export function readManifest(appDir) {
  const pkg = JSON.parse(fs.readFileSync(path.join(appDir, 'package.json'), 'utf8'));
  const lab = pkg.jupyterlab ?? {};
  const requireFromApp = createRequire(path.join(appDir, 'package.json'));
  // Looks the package up along node's search path rather than with require.resolve: packages whose
  // "exports" map hides ./package.json (CodeMirror, Lezer) would otherwise be unreachable.
  const packageJsonOf = name => {
    for (const base of requireFromApp.resolve.paths(name) ?? []) {
      const file = path.join(base, name, 'package.json');
      if (fs.existsSync(file)) return { dir: path.dirname(file), data: JSON.parse(fs.readFileSync(file, 'utf8')) };
    }
    throw new Error(`${name} is not installed`);
  };
  return {
    pkg,
    extensions: Object.keys(lab.extensions ?? {}),
    mimeExtensions: Object.keys(lab.mimeExtensions ?? {}),
    singletons: new Set(lab.singletonPackages ?? []),
    packageJsonOf,
  };
}

// Every package the core offers to prebuilt extensions. build-labextension marks the core's
// dependencies and resolutions as "import: false" in the extension, so the core must share all of them.
export function sharedConfig(manifest) {
  const { pkg, singletons } = manifest;
  const wanted = { ...pkg.dependencies, ...(pkg.resolutions ?? {}) };
  const shared = {};
  for (const [name, range] of Object.entries(wanted)) {
    shared[name] = { requiredVersion: range, singleton: singletons.has(name) };
  }
  return shared;
}

// Fails the build early when resolutions no longer describe node_modules (e.g. after a version bump
// without re-running scripts/sync-resolutions.mjs): a stale list would let extensions ask for versions
// the core does not have.
export function checkResolutions(manifest) {
  const problems = [];
  for (const [name, range] of Object.entries(manifest.pkg.resolutions ?? {})) {
    let installed;
    try {
      installed = manifest.packageJsonOf(name).data.version;
    } catch {
      problems.push(`${name}: listed in resolutions but not installed`);
      continue;
    }
    if (range.replace(/^[~^]/, '') !== installed) {
      problems.push(`${name}: resolutions say ${range}, node_modules has ${installed}`);
    }
  }
  for (const name of manifest.singletons) {
    if (!(name in (manifest.pkg.resolutions ?? {}))) problems.push(`${name}: singleton but not in resolutions`);
  }
  if (problems.length > 0) {
    throw new Error(`package.json resolutions are out of date (run node scripts/sync-resolutions.mjs):\n  ${problems.join('\n  ')}`);
  }
}

function styleModuleOf(manifest, name) {
  const { data } = manifest.packageJsonOf(name);
  if (typeof data.styleModule === 'string') return `${name}/${data.styleModule}`;
  if (typeof data.style === 'string') return `${name}/${data.style}`;
  return null;
}

// Writes build/extensions.js and build/style.js, the only generated sources of the bundle.
export function writeGeneratedModules(manifest, outDir) {
  fs.mkdirSync(outDir, { recursive: true });
  const loader = name => `  { name: ${JSON.stringify(name)}, load: () => import(${JSON.stringify(name)}) }`;
  const extensionsJs = [
    '// Generated from package.json "jupyterlab" by scripts/manifest.mjs; do not edit.',
    'export const coreExtensions = [',
    manifest.extensions.map(loader).join(',\n'),
    '];',
    'export const coreMimeExtensions = [',
    manifest.mimeExtensions.map(loader).join(',\n'),
    '];',
    '',
  ].join('\n');
  const styles = [...manifest.extensions, ...manifest.mimeExtensions]
    .map(name => styleModuleOf(manifest, name))
    .filter(Boolean)
    .sort((a, b) => a.localeCompare(b));
  const styleJs = [
    '// Generated from package.json "jupyterlab" by scripts/manifest.mjs; do not edit.',
    ...styles.map(s => `import ${JSON.stringify(s)};`),
    '',
  ].join('\n');
  writeIfChanged(path.join(outDir, 'extensions.js'), extensionsJs);
  writeIfChanged(path.join(outDir, 'style.js'), styleJs);
}

// Theme packages carry a CSS entry ("themePath"); each is compiled on its own into themes/<name>/index.css,
// which is where the theme manager asks jupyterlab_server's themes handler for it.
export function themeEntries(manifest) {
  const themes = [];
  for (const name of manifest.extensions) {
    const { dir, data } = manifest.packageJsonOf(name);
    const themePath = data.jupyterlab?.themePath;
    if (themePath) themes.push({ name, entry: path.join(dir, themePath) });
  }
  return themes;
}

// Copies each extension's settings schemas to schemas/<name>/ plus package.json.orig, the layout
// jupyterlab_server's settings handler reads (it takes the schema version from package.json.orig).
export function collectSchemas(manifest, schemasDir) {
  fs.rmSync(schemasDir, { recursive: true, force: true });
  for (const name of [...manifest.extensions, ...manifest.mimeExtensions]) {
    const { dir, data } = manifest.packageJsonOf(name);
    const schemaDir = data.jupyterlab?.schemaDir;
    if (!schemaDir) continue;
    const destination = path.join(schemasDir, name);
    fs.mkdirSync(destination, { recursive: true });
    for (const file of fs.readdirSync(path.join(dir, schemaDir))) {
      if (file.endsWith('.json')) fs.copyFileSync(path.join(dir, schemaDir, file), path.join(destination, file));
    }
    fs.copyFileSync(path.join(dir, 'package.json'), path.join(destination, 'package.json.orig'));
  }
}

// Leaves unchanged files untouched so rspack's cache and file timestamps stay valid.
function writeIfChanged(file, content) {
  if (fs.existsSync(file) && fs.readFileSync(file, 'utf8') === content) return;
  fs.writeFileSync(file, content);
}
