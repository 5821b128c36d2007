// Adds the datasets the browser scenarios use on top of the Sandbox's demo seed, so that every scenario has
// data of its own and no scenario depends on what another one changed (e.g. made available).
// Usage: node e2e/setup/seed-fixtures.mjs   (E2E_SANDBOX_URL, E2E_SANDBOX_DIR set by rucio-stack.sh)
import { Sandbox } from '../lib/sandbox.mjs';
import { FIXTURE_DATASETS } from './fixture-datasets.mjs';

const sandbox = Sandbox.fromEnv();
for (const dataset of FIXTURE_DATASETS) {
  await sandbox.addDataset(dataset);
  const files = await sandbox.filesOf(dataset.scope, dataset.name);
  if (files.length !== dataset.files.length) {
    throw new Error(`${dataset.scope}:${dataset.name} has ${files.length} files after seeding, expected ${dataset.files.length}`);
  }
}
console.log(`seeded ${FIXTURE_DATASETS.map(d => `${d.scope}:${d.name}`).join(', ')}`);
