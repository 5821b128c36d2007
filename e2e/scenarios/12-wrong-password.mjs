// Issue 4 §3 (3): a wrong password gives a clear sentence in the panel (Rucio's exception class on hover),
// the credentials stored before are kept, and the rest of the panel goes on working.
import assert from 'node:assert/strict';
import { ROOT_CREDENTIALS, RucioBackend, RucioPanel } from '../lib/rucio-panel.mjs';

const WRONG_PASSWORD = 'Not-The-Password-42';

export default {
  name: 'wrong-password',
  needs: ['lab', 'rucio'],
  allow: [
    {
      kind: 'http',
      match: /^401 PUT \S+\/rucio-jupyterlab\/auth(\?\d*)?$/,
      reason: 'the scenario submits a wrong password on purpose; the contract answers 401 with the error sentence',
    },
    {
      kind: 'console.error',
      match: /status of 401 .*\/rucio-jupyterlab\/auth\b/,
      reason: 'Chromium echoes that same intended 401 of PUT auth as a console line',
    },
  ],
  async run({ lab, page, api, shot }) {
    await new RucioBackend(api).useInstanceAs('sandbox');

    await lab.open();
    const panel = new RucioPanel({ page, lab });
    await panel.open();
    const form = await panel.submitUserpass({ ...ROOT_CREDENTIALS, password: WRONG_PASSWORD });
    const error = form.locator('.jp-Rucio-error');
    await error.waitFor({ state: 'visible' });
    const sentence = (await error.locator('.jp-Rucio-error-text').innerText()).trim();
    assert.match(sentence, /^[A-Z][^{}\n]{15,}[.!]$/, `the error is one human sentence: "${sentence}"`);
    assert.match(sentence, /password|credential|user ?name|refused|authenticat/i, `the sentence says what is wrong: "${sentence}"`);
    assert.doesNotMatch(sentence, /undefined|null|\[object|Exception:|Traceback/, 'no programmer text');
    assert.equal(await form.locator('.jp-Rucio-success').count(), 0, 'no success is shown');
    const hover = (await error.getAttribute('title')) ?? '';
    assert.match(hover, /IdentityNotFound|CannotAuthenticate/, `Rucio's exception class is on hover: "${hover}"`);
    const panelText = await panel.root.innerText();
    assert.ok(!panelText.includes(WRONG_PASSWORD), 'the password is never shown');
    await shot('wrong-password-error');
    await error.locator('summary', { hasText: 'Details' }).click();
    await shot('error-details');

    // Nothing else broke: the stored credentials still work for a search, and the tabs still switch.
    const explore = await panel.search('opendata:higgs*');
    for (const did of ['opendata:higgs_2012', 'opendata:higgs_4lepton_2012', 'opendata:higgs_diphoton_2012']) {
      await panel.didRow(did).waitFor({ state: 'visible' });
    }
    assert.match(await explore.locator('.jp-Rucio-resultsHeader').innerText(), /^3 results$/);
    await shot('search-still-works');

    const settings = await panel.tab('Settings');
    const password = settings.getByRole('form', { name: 'Credentials' }).getByLabel('Password', { exact: true });
    assert.equal(await password.getAttribute('placeholder'), 'set (type to replace)', 'the good password is still stored');
    assert.equal(await settings.getByLabel('Username', { exact: true }).inputValue(), ROOT_CREDENTIALS.username);
  },
};
