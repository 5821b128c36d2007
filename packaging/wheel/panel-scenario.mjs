// Issue 7 §2: the Rucio panel of an INSTALLED wheel works in a real browser. check_installed.py runs this file with
// e2e/lib/run-scenario.mjs against jupyter-server started from the wheel's virtual environment, whose RucioConfig
// is the demo Sandbox's (`--seed demo`). It lives here, not in e2e/scenarios/, because `e2e/run` runs every
// e2e/scenarios/*.mjs against the repository's sources, where this check would prove nothing about the wheel.
//
// Prints one line per step on stdout, "PASS browser: <step> (1.2s)" or "FAIL browser: <step>: <reason>";
// steps after a failure are reported as not reached. check_installed.py counts these lines.
import assert from 'node:assert/strict';
import { ROOT_CREDENTIALS, RucioPanel } from '../../e2e/lib/rucio-panel.mjs';

const INSTANCE = 'sandbox';
const INSTANCE_DISPLAY_NAME = 'Sandbox';
const SEARCH = 'opendata:*';
const DATASET = 'opendata:higgs_diphoton_2012';
// What `--seed demo` puts in the opendata scope (src/Rucio.Sandbox/Seeding/SandboxSeeder.cs): one container, three
// datasets, and their 5 + 4 + 3 files, which a search for "Everything" (the default) lists as well.
const DEMO_DIDS = ['opendata:calibration_2012', 'opendata:higgs_2012', 'opendata:higgs_4lepton_2012', DATASET];
const DATASET_FILES = [201000, 201113, 201226, 201339, 201452].map(run => `diphoton_run${run}.csv`);
const DEMO_RESULT_COUNT = DEMO_DIDS.length + 5 + 4 + 3;
const LONG_MS = 60_000;

// Runs the steps in order and reports each; a failed step makes the later ones meaningless, so they are
// reported as not reached and the first error is rethrown (the harness then saves a failure screenshot).
async function runSteps(steps, redact) {
  let failedStep = null;
  let firstError = null;
  for (const [what, action] of steps) {
    if (failedStep) {
      console.log(`FAIL browser: ${what}: not reached (the step "${failedStep}" failed)`);
      continue;
    }
    const started = performance.now();
    try {
      await action();
      console.log(`PASS browser: ${what} (${((performance.now() - started) / 1000).toFixed(1)}s)`);
    } catch (error) {
      const reason = redact(error?.message ?? String(error)).split('\n').slice(0, 6).join('\n    ');
      console.log(`FAIL browser: ${what}: ${reason}`);
      failedStep = what;
      firstError = error;
    }
  }
  if (firstError) throw firstError;
}

// The names and states the file rows of an expanded dataset show, once every row has loaded.
async function shownFiles(panel, did) {
  return panel.fileRows(did).evaluateAll(rows => rows.map(row => ({
    name: row.querySelector('.jp-Rucio-didName')?.textContent ?? null,
    state: row.querySelector('.jp-Rucio-srOnly')?.textContent ?? null,
  })));
}

export default {
  name: 'wheel-panel',
  needs: ['lab', 'rucio'],
  async run({ lab, page, problems, shot, waitUntil, redact }) {
    const panel = new RucioPanel({ page, lab });
    await runSteps([
      ['JupyterLab opens in headless Chromium', async () => {
        await lab.open();
        await shot('lab');
      }],
      ['the Rucio panel (the wheel\'s labextension) opens in the left sidebar', async () => {
        await panel.open();
        await shot('panel');
      }],
      [`logging in to the demo Sandbox as ${ROOT_CREDENTIALS.username} (account ${ROOT_CREDENTIALS.account})`,
        async () => {
          await panel.chooseInstance(INSTANCE_DISPLAY_NAME);
          const form = await panel.submitUserpass(ROOT_CREDENTIALS);
          const error = form.locator('.jp-Rucio-error');
          if (await error.count()) throw new Error(`the panel shows an error: ${await error.first().innerText()}`);
          await form.locator('.jp-Rucio-success').waitFor({ state: 'visible', timeout: LONG_MS });
          await shot('logged-in');
        }],
      [`searching ${SEARCH} lists the demo DIDs`, async () => {
        const explore = await panel.search(SEARCH);
        const error = explore.locator('.jp-Rucio-error');
        if (await error.count()) throw new Error(`the search shows an error: ${await error.first().innerText()}`);
        for (const did of DEMO_DIDS) await panel.didRow(did).waitFor({ state: 'visible', timeout: LONG_MS });
        const header = await explore.locator('.jp-Rucio-resultsHeader').innerText();
        assert.match(header, new RegExp(`^${DEMO_RESULT_COUNT} results$`), `the results header reads "${header}"`);
        await shot('demo-dids');
      }],
      [`expanding ${DATASET} shows its ${DATASET_FILES.length} files`, async () => {
        const details = await panel.expand(DATASET);
        await panel.waitForStatus(details, new RegExp(`^Available: all ${DATASET_FILES.length} files$`));
        const files = await waitUntil(`${DATASET_FILES.length} loaded file rows of ${DATASET}`, async () => {
          const rows = await shownFiles(panel, DATASET);
          return rows.length === DATASET_FILES.length && rows.every(r => r.name !== null) ? rows : null;
        }, { timeoutMs: LONG_MS, intervalMs: 100 });
        assert.deepEqual(files.map(f => f.name).sort(), DATASET_FILES, 'the file rows name the dataset\'s files');
        // Replica mode with CERN-EOS (which holds a copy) as destination: every file is there already.
        assert.deepEqual(files.map(f => f.state), DATASET_FILES.map(() => 'available'), 'every file reads available');
        await shot('dataset-files');
      }],
      ['the browser reported no console error or warning, page error or failed request', async () => {
        problems.assertClean('while the panel was used');
      }],
    ], redact);
  },
};
