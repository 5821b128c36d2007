// Issue 4 §3 (2): on a download-mode instance, Make Available downloads the dataset into the user's own
// space (~/rucio/... of the Jupyter user) and the files on disk carry Rucio's checksums.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT_CREDENTIALS, RucioBackend, RucioPanel } from '../lib/rucio-panel.mjs';
import { adler32, Sandbox } from '../lib/sandbox.mjs';

const INSTANCE = 'sandbox-download';
const SCOPE = 'opendata';
const NAME = 'calibration_2012';
const DID = `${SCOPE}:${NAME}`;

function filesUnder(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter(entry => entry.isFile())
    .map(entry => path.join(entry.parentPath ?? entry.path, entry.name));
}

export default {
  name: 'download-mode',
  needs: ['lab', 'rucio'],
  async run({ lab, page, api, shot, log }) {
    const home = process.env.E2E_SERVER_HOME;
    assert.ok(home, 'the stack gives the server a home of its own (E2E_SERVER_HOME)');
    const downloads = path.join(home, 'rucio');
    const sandbox = Sandbox.fromEnv();
    const files = await sandbox.filesOf(SCOPE, NAME);
    assert.equal(files.length, 3);
    const names = new Set(files.map(f => f.name));
    assert.deepEqual(filesUnder(downloads).filter(f => names.has(path.basename(f))), [], 'nothing is downloaded before');

    // Precondition: the user has credentials for both instances; the sandbox instance is active.
    const backend = new RucioBackend(api);
    await backend.saveUserpass(INSTANCE, ROOT_CREDENTIALS);
    await backend.useInstanceAs('sandbox');

    await lab.open();
    const panel = new RucioPanel({ page, lab });
    await panel.open();
    await panel.chooseInstance('Sandbox (download)');
    assert.equal(await panel.root.locator('.jp-Rucio-instance').innerText(), 'Sandbox (download)', 'the header names the instance');
    await shot('download-instance');

    await panel.search(DID);
    const details = await panel.expand(DID);
    await panel.waitForStatus(details, /^Not available$/);
    await shot('not-downloaded');

    const started = performance.now();
    await details.getByRole('button', { name: 'Make Available' }).click();
    const available = await panel.waitForStatus(details, /^Available: all 3 files$/, { timeoutMs: 90_000 });
    log(`download: ${available} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    await shot('downloaded');

    // The Transfers tab lists the finished download.
    const transfers = await panel.tab('Transfers');
    const job = transfers.locator('.jp-Rucio-transfer', { hasText: DID });
    await job.waitFor({ state: 'visible', timeout: 30_000 });
    assert.equal(await job.locator('.jp-Rucio-badge').textContent(), 'Download');
    assert.equal(await job.locator('.jp-Rucio-transferStatus').textContent(), 'Done');
    assert.match(await job.innerText(), /3 of 3 files/);
    await shot('transfers');

    // On disk, in the user's space: every file once, with Rucio's size and adler32, identical to the replica.
    const local = filesUnder(downloads).filter(f => names.has(path.basename(f)));
    assert.equal(local.length, 3, `the 3 files are under ~/rucio (found: ${local.map(f => path.relative(home, f)).join(', ')})`);
    for (const file of files) {
      const target = local.find(f => path.basename(f) === file.name);
      const bytes = fs.readFileSync(target);
      assert.equal(bytes.length, file.bytes, `${file.name}: size`);
      assert.equal(adler32(bytes), file.adler32, `${file.name}: adler32`);
      const replica = sandbox.replicaFile('DESY-DCACHE', file.scope, file.name);
      assert.ok(bytes.equals(fs.readFileSync(replica)), `${file.name}: same bytes as the replica`);
    }
    log(`downloaded into ${[...new Set(local.map(f => path.dirname(path.relative(home, f))))].join(', ')} (relative to the server's home)`);
  },
};
