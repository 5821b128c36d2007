// Issue 4 §3 (1): a scientist enters username & password, finds a dataset, makes it available on the
// mounted RSE and watches Replicating with progress turn into Available; the files really land on CERN-EOS.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { ROOT_CREDENTIALS, RucioPanel } from '../lib/rucio-panel.mjs';
import { adler32, Sandbox } from '../lib/sandbox.mjs';
import { softAssertions } from '../lib/soft-assert.mjs';

const SCOPE = 'opendata';
const NAME = 'higgs_4lepton_2012';
const DID = `${SCOPE}:${NAME}`;

export default {
  name: 'replica-make-available',
  needs: ['lab', 'rucio'],
  async run({ lab, page, shot, log }) {
    const soft = softAssertions();
    const sandbox = Sandbox.fromEnv();
    const files = await sandbox.filesOf(SCOPE, NAME);
    assert.equal(files.length, 4, `${DID} has 4 files in the demo seed`);
    for (const file of files) {
      assert.equal(sandbox.replicaFile('CERN-EOS', file.scope, file.name), null, `${file.name} is not on CERN-EOS before`);
    }

    await lab.open();
    const panel = new RucioPanel({ page, lab });
    await panel.open();
    await shot('panel-opened');

    await panel.chooseInstance('Sandbox');
    const form = await panel.submitUserpass(ROOT_CREDENTIALS);
    const outcome = await form.locator('.jp-Rucio-success, .jp-Rucio-error').first().innerText();
    assert.match(outcome, /^Connected to Rucio/, `Save shows success (${outcome})`);
    await soft(() => assert.match(outcome, /^Connected to Rucio as root\. Token valid for .+\.$/,
      'Save shows the account and the token\'s remaining lifetime'));
    assert.equal(await form.getByLabel('Password', { exact: true }).inputValue(), '', 'the password is write-only');
    await shot('settings-saved');

    const explore = await panel.search('opendata:*');
    const header = await explore.locator('.jp-Rucio-resultsHeader').innerText();
    assert.match(header, /^\d+ results?/, `a result count is shown (${header})`);
    await panel.didRow(DID).waitFor({ state: 'visible' });
    await shot('search-results');

    const details = await panel.expand(DID);
    await panel.waitForStatus(details, /^Not available$/);
    await shot('not-available');

    const started = performance.now();
    await details.getByRole('button', { name: 'Make Available' }).click();
    const replicating = await panel.waitForStatus(details, /^Replicating: \d+ of 4 files$/, { timeoutMs: 30_000 });
    assert.ok(await details.getByRole('progressbar', { name: `Progress of ${DID}` }).isVisible(), 'a progress bar is shown');
    assert.match(await details.locator('.jp-Rucio-status-progress').innerText(), / of 12\.63 KiB$/,
      'the byte progress names the dataset size (12,935 bytes)');
    await shot('replicating');

    const available = await panel.waitForStatus(details, /^Available: all 4 files$/, { timeoutMs: 90_000 });
    log(`make available: ${replicating} → ${available} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    await shot('available');

    // The Sandbox's transfer worker copied every file into the mounted RSE directory, byte for byte.
    for (const file of files) {
      const local = sandbox.replicaFile('CERN-EOS', file.scope, file.name);
      assert.ok(local, `${file.name} exists in the CERN-EOS directory`);
      const bytes = fs.readFileSync(local);
      assert.equal(bytes.length, file.bytes, `${file.name} has Rucio's size`);
      assert.equal(adler32(bytes), file.adler32, `${file.name} has Rucio's adler32`);
    }
    const rules = await sandbox.rulesOf(SCOPE, NAME);
    assert.ok(rules.some(r => r.rse_expression === 'CERN-EOS' && r.account === 'root' && r.state === 'OK'),
      'Rucio holds an OK rule of root on CERN-EOS');
    soft.throwIfAny();
  },
};
