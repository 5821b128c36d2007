// Issue 4 §3 (4): jdoe has 10 kB of quota on the mounted RSE; asking for a 16 kB dataset gives a clear quota
// message (Rucio's InsufficientAccountLimit on hover) and leaves the dataset Not available, with no rule.
import assert from 'node:assert/strict';
import { JDOE_CREDENTIALS, RucioBackend, RucioPanel } from '../lib/rucio-panel.mjs';
import { Sandbox } from '../lib/sandbox.mjs';
import { softAssertions } from '../lib/soft-assert.mjs';
import { QUOTA_DATASET } from '../setup/fixture-datasets.mjs';

const DID = `${QUOTA_DATASET.scope}:${QUOTA_DATASET.name}`;

export default {
  name: 'quota',
  needs: ['lab', 'rucio'],
  allow: [
    {
      kind: 'http',
      match: /^409 POST \S+\/rucio-jupyterlab\/did\/make-available\?/,
      reason: 'the scenario exceeds the quota on purpose; the contract answers 409 with the quota sentence',
    },
    {
      kind: 'console.error',
      match: /status of 409 .*\/rucio-jupyterlab\/did\/make-available\b/,
      reason: 'Chromium echoes that same intended 409 as a console line',
    },
  ],
  async run({ lab, page, api, shot }) {
    const soft = softAssertions();
    await new RucioBackend(api).selectInstance('sandbox');
    const sandbox = Sandbox.fromEnv();
    const bytes = (await sandbox.filesOf(QUOTA_DATASET.scope, QUOTA_DATASET.name)).reduce((sum, f) => sum + f.bytes, 0);
    assert.ok(bytes > 10_000, `the dataset (${bytes} bytes) is larger than jdoe's 10 kB quota`);

    await lab.open();
    const panel = new RucioPanel({ page, lab });
    await panel.open();
    const form = await panel.submitUserpass(JDOE_CREDENTIALS);
    const outcome = await form.locator('.jp-Rucio-success').innerText();
    await soft(() => assert.match(outcome, /^Connected to Rucio as jdoe\./, 'Save names the account'));
    await shot('signed-in-as-jdoe');

    await panel.search('user.jdoe:*');
    const details = await panel.expand(DID);
    await panel.waitForStatus(details, /^Not available$/);
    await details.getByRole('button', { name: 'Make Available' }).click();

    const error = details.locator('.jp-Rucio-error');
    await error.waitFor({ state: 'visible', timeout: 30_000 });
    const sentence = (await error.locator('.jp-Rucio-error-text').innerText()).trim();
    assert.match(sentence, /quota/i, `the message speaks of the quota: "${sentence}"`);
    assert.match(sentence, /^[A-Z][^{}\n]{15,}[.!]$/, `the message is a sentence: "${sentence}"`);
    assert.match((await error.getAttribute('title')) ?? '', /InsufficientAccountLimit/, 'Rucio\'s exception class is on hover');
    await panel.waitForStatus(details, /^Not available$/);
    assert.ok(await details.getByRole('button', { name: 'Make Available' }).isEnabled(), 'Make Available can be tried again');
    await shot('quota-message');

    const rules = await sandbox.rulesOf(QUOTA_DATASET.scope, QUOTA_DATASET.name);
    assert.ok(!rules.some(r => r.account === 'jdoe'), 'no rule of jdoe was created');
    soft.throwIfAny();
  },
};
