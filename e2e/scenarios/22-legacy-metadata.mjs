// Issue 5 §1: a notebook saved by the existing extension (metadata `rucio_attachments: [{did, variableName,
// type}]`, reference §9) opens here with its attachments listed in the Notebook tab and resolved into the
// kernel; saving keeps the metadata in the same format, so the notebook can travel back.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RucioBackend, RucioPanel, waitForInjection } from '../lib/rucio-panel.mjs';

const FIXTURE = fileURLToPath(new URL('../fixtures/legacy-attachments.ipynb', import.meta.url));

export default {
  name: 'legacy-metadata',
  needs: ['lab', 'rucio'],
  async run({ lab, page, api, shot, scenarioPath, scenarioDir, waitUntil }) {
    await new RucioBackend(api).useInstanceAs('sandbox');
    const legacy = JSON.parse(fs.readFileSync(FIXTURE, 'utf8')).metadata.rucio_attachments;
    fs.copyFileSync(FIXTURE, path.join(scenarioDir, 'legacy-attachments.ipynb'));
    const notebookPath = `${scenarioPath}/legacy-attachments.ipynb`;

    await lab.open();
    await page.evaluate(path => window.jupyterapp.commands.execute('docmanager:open', { path, factory: 'Notebook' }), notebookPath);
    await lab.waitForKernelIdle(notebookPath);

    const panel = new RucioPanel({ page, lab });
    await panel.open();
    const tab = await panel.tab('Notebook');
    await tab.getByRole('heading', { name: 'Attached to legacy-attachments.ipynb' }).waitFor({ state: 'visible', timeout: 30_000 });
    const items = tab.getByRole('list', { name: 'Attached DIDs' }).locator('.jp-Rucio-attachment');
    assert.equal(await items.count(), 2, 'both attachments of the old notebook are listed');
    const expected = [
      ['diphoton', 'opendata:higgs_diphoton_2012', /^Available: all 5 files$/],
      ['photon_scale', 'opendata:photon_energy_scale_2012.txt', /^Available$/],
    ];
    for (const [variable, did, status] of expected) {
      const item = items.filter({ has: page.locator('.jp-Rucio-varName', { hasText: new RegExp(`^${variable}$`) }) });
      assert.equal(await item.locator('.jp-Rucio-didName').innerText(), did);
      await panel.waitForStatus(item, status);
    }
    await waitForInjection(page, waitUntil);
    await shot('legacy-attachments-listed');

    // Run the notebook's own cell, as its author wrote it.
    await page.evaluate(() => { window.jupyterapp.shell.currentWidget.content.activeCellIndex = 1; });
    const result = await lab.runCell('');
    assert.equal(result.text, '5 # photon_energy_scale calibration constants, 2012 data taking (sandbox demo)\n',
      'the variables were resolved into the kernel');
    await shot('legacy-cell-ran');

    await lab.save();
    const saved = await api.contents(notebookPath);
    assert.deepEqual(saved.content.metadata.rucio_attachments, legacy, 'the metadata keeps the existing extension\'s format');
  },
};
