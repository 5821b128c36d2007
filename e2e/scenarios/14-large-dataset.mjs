// Issue 4 §3 (5): a 100,000-file dataset expands, its first file rows appear, and the list scrolls deep and to
// the end while only a window of rows is in the DOM. Prints the time to first rows for the run log.
import assert from 'node:assert/strict';
import { RucioBackend, RucioPanel } from '../lib/rucio-panel.mjs';

const COUNT = Number(process.env.E2E_LARGE_FILES || 100000);
const DID = `user.root:large_${COUNT}`;
const FILE_NAME = /^large_\d+\.file_\d{6}\.txt$/;

// Names of the loaded file rows in the DOM, with their row index (from the row key).
async function loadedFileRows(panel) {
  return panel.fileRows(DID).evaluateAll(rows => rows.map(row => ({
    index: Number(row.getAttribute('data-row-key').split('#').pop()),
    name: row.querySelector('.jp-Rucio-didName')?.textContent ?? null,
  })).filter(r => r.name !== null));
}

export default {
  name: 'large-dataset',
  needs: ['lab', 'rucio'],
  async run({ lab, page, api, shot, waitUntil, log }) {
    await new RucioBackend(api).useInstanceAs('sandbox');
    await lab.open();
    const panel = new RucioPanel({ page, lab });
    await panel.open();

    const explore = await panel.search(DID);
    assert.match(await explore.locator('.jp-Rucio-resultsHeader').innerText(), /^1 result$/);
    await shot('found');

    const started = performance.now();
    await panel.didRow(DID).click();
    const first = await waitUntil('the first file rows', async () => {
      const rows = await loadedFileRows(panel);
      return rows.length >= 5 ? rows : null;
    }, { timeoutMs: 90_000, intervalMs: 50 });
    const firstRowsS = (performance.now() - started) / 1000;
    const details = panel.details(DID);
    const status = await panel.waitForStatus(details, /\S/);
    log(`time to first rows of ${DID}: ${firstRowsS.toFixed(2)} s (status: ${status})`);
    assert.ok(first.every(r => FILE_NAME.test(r.name)), `file rows show file names (${first[0].name})`);
    assert.match(status, /^Not available$/, 'the dataset lives on DESY only');
    await shot('first-rows');

    // Deep scroll: the list scrolls to 90 %, and that part of the file list is loaded and shown.
    const list = panel.root.locator('.jp-Rucio-results');
    const scrollTo = async fraction => {
      await list.evaluate((el, fraction) => { el.scrollTop = (el.scrollHeight - el.clientHeight) * fraction; }, fraction);
    };
    const deepStarted = performance.now();
    await scrollTo(0.9);
    const deep = await waitUntil('file rows near 90 %', async () => {
      const rows = (await loadedFileRows(panel)).filter(r => r.index > COUNT * 0.8);
      return rows.length >= 5 ? rows : null;
    }, { timeoutMs: 60_000, intervalMs: 50 });
    log(`rows near index ${deep[0].index} loaded ${((performance.now() - deepStarted) / 1000).toFixed(2)} s after the scroll`);
    assert.ok(deep.every(r => FILE_NAME.test(r.name)));
    assert.ok(deep.every(r => !first.some(f => f.name === r.name)), 'deep rows are other files than the first ones');
    await shot('scrolled-deep');

    await scrollTo(1);
    const last = await waitUntil('the last file row', async () => {
      const rows = await loadedFileRows(panel);
      return rows.find(r => r.index === COUNT - 1) ?? null;
    }, { timeoutMs: 60_000, intervalMs: 50 });
    assert.match(last.name, FILE_NAME);
    const inDom = await panel.fileRows(DID).count();
    assert.ok(inDom < 300, `the list is virtualised (${inDom} file rows in the DOM for ${COUNT} files)`);
    await shot('scrolled-to-end');
  },
};
