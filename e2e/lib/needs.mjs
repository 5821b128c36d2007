// Prints, one per line, the services the given scenario files list in `needs` (the union), so that e2e/run
// can start the project's stack only when a selected scenario needs it.
// Usage: node e2e/lib/needs.mjs SCENARIO.mjs...
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const needs = new Set();
for (const file of process.argv.slice(2)) {
  const module = await import(pathToFileURL(path.resolve(file)).href);
  const scenario = module.default ?? module;
  for (const need of scenario.needs ?? ['lab']) needs.add(need);
}
for (const need of [...needs].sort()) console.log(need);
