// Issue 6 §2/§4: a result file goes back into the data lake from JupyterLab's file browser (right-click →
// Upload to Rucio), the upload completes in the Transfers tab and the Explore search finds the new DID.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { RucioBackend, RucioPanel } from '../lib/rucio-panel.mjs';
import { adler32, Sandbox } from '../lib/sandbox.mjs';
import { softAssertions } from '../lib/soft-assert.mjs';

const RSE = 'SCRATCH-DISK';
const SCOPE = 'user.root';

// Chooses `value` in a dialog field, whether the dialog renders it as a <select> or as a text/combo box.
async function choose(field, value) {
  const tag = await field.evaluate(el => el.tagName);
  if (tag === 'SELECT') {
    await field.selectOption({ label: value }).catch(() => field.selectOption(value));
    return;
  }
  await field.fill(value);
}

export default {
  name: 'upload',
  needs: ['lab', 'rucio'],
  async run({ lab, page, api, shot, scenarioPath, scenarioDir, waitUntil, log }) {
    const soft = softAssertions();
    await new RucioBackend(api).useInstanceAs('sandbox');
    const sandbox = Sandbox.fromEnv();
    // A fresh name per run, so a kept Sandbox never makes this an "already exists" case.
    const fileName = `dimuon_fit_${Date.now().toString(36)}.csv`;
    const content = `mass,events\n${Array.from({ length: 40 }, (_, i) => `${(80 + i * 0.5).toFixed(1)},${(i * 37) % 101}`).join('\n')}\n`;
    fs.writeFileSync(path.join(scenarioDir, fileName), content);
    const did = `${SCOPE}:${fileName}`;

    await lab.open();
    await page.evaluate(path => window.jupyterapp.commands.execute('filebrowser:go-to-path', { path }), `${scenarioPath}/`);
    const item = page.locator('.jp-DirListing-item', { hasText: fileName });
    await item.waitFor({ state: 'visible', timeout: 30_000 });
    await item.click({ button: 'right' });
    const menuItem = page.locator('.lm-Menu').getByRole('menuitem', { name: /Upload to Rucio/ });
    await menuItem.waitFor({ state: 'visible', timeout: 10_000 });
    await shot('context-menu');
    await menuItem.click();

    const dialog = page.locator('.jp-Dialog');
    await dialog.waitFor({ state: 'visible', timeout: 10_000 });
    // The dialog loads the writable RSEs and the scopes; an error there is the reason to report.
    const loaded = await waitUntil(`${RSE} among the destination RSEs of the dialog`, async () => {
      const problem = await dialog.locator('.jp-Rucio-error-text').first().textContent({ timeout: 100 }).catch(() => null);
      if (problem) return { problem };
      return (await dialog.locator('option', { hasText: RSE }).count()) > 0 ? { problem: null } : null;
    }, { timeoutMs: 30_000, intervalMs: 200 });
    if (loaded.problem) {
      // Reported, then carried on the way a person would: the dialog falls back to typing the names.
      await shot('upload-dialog-error');
      await soft(() => assert.fail(`the upload dialog cannot list ${RSE}; it shows: ${loaded.problem}`));
    }
    await choose(dialog.getByLabel(/RSE/i).first(), RSE);
    await choose(dialog.getByLabel(/^Scope/i).first(), SCOPE);
    await shot('upload-dialog');
    await dialog.getByRole('button', { name: /^Upload/ }).click();
    // The dialog closes once the backend accepted the upload; otherwise it keeps the error.
    const submitted = await waitUntil('the upload to be accepted', async () => {
      if (!(await dialog.isVisible())) return { problem: null };
      const problems = await dialog.locator('.jp-Rucio-error-text').allTextContents().catch(() => []);
      const problem = problems.find(text => text !== loaded.problem);
      return problem ? { problem } : null;
    }, { timeoutMs: 30_000, intervalMs: 200 });
    if (submitted.problem) {
      await shot('upload-refused');
      throw new Error(`the upload was not accepted; the dialog shows: ${submitted.problem}`);
    }

    const panel = new RucioPanel({ page, lab });
    await panel.open();
    const transfers = await panel.tab('Transfers');
    const job = transfers.locator('.jp-Rucio-transfer', { hasText: did });
    await job.waitFor({ state: 'visible', timeout: 30_000 });
    assert.equal(await job.locator('.jp-Rucio-badge').textContent(), 'Upload');
    const started = performance.now();
    const status = await waitUntil('the upload to finish', async () => {
      const text = await job.locator('.jp-Rucio-transferStatus').textContent();
      return ['Done', 'Failed', 'Cancelled'].includes(text) ? text : null;
    }, { timeoutMs: 90_000, intervalMs: 200 });
    const error = await job.locator('.jp-Rucio-error-text').innerText({ timeout: 500 }).catch(() => '');
    assert.equal(status, 'Done', `the upload job ends Done${error ? ` (error: ${error})` : ''}`);
    log(`upload done ${((performance.now() - started) / 1000).toFixed(1)} s after it was listed`);
    await shot('upload-done');

    await panel.search(did);
    await panel.didRow(did).waitFor({ state: 'visible' });
    await shot('found-in-explore');

    const truth = await sandbox.file(SCOPE, fileName);
    assert.equal(truth.bytes, Buffer.byteLength(content));
    assert.equal(truth.adler32, adler32(Buffer.from(content)));
    const replica = (await sandbox.replicas(SCOPE, fileName))[0];
    assert.equal(replica?.states?.[RSE], 'AVAILABLE', `the replica on ${RSE} is AVAILABLE`);
    assert.ok(fs.readFileSync(sandbox.replicaFile(RSE, SCOPE, fileName)).equals(Buffer.from(content)), 'the RSE holds the bytes');
    soft.throwIfAny();
  },
};
