// `./demo --smoke`: what a newcomer does first — log in with the demo account and see the demo data in the panel.
import assert from 'node:assert/strict';
import { ROOT_CREDENTIALS, RucioBackend, RucioPanel } from '../lib/rucio-panel.mjs';

export default {
  name: 'demo-smoke',
  needs: ['lab', 'rucio'],
  async run({ lab, page, api, shot }) {
    await new RucioBackend(api).useInstanceAs('sandbox');

    await lab.open();
    const panel = new RucioPanel({ page, lab });
    await panel.open();
    const form = await panel.submitUserpass(ROOT_CREDENTIALS);
    await form.locator('.jp-Rucio-success').waitFor({ state: 'visible' });
    await shot('logged-in');

    await panel.search('opendata:*');
    for (const did of ['opendata:higgs_2012', 'opendata:higgs_diphoton_2012', 'opendata:higgs_4lepton_2012', 'opendata:calibration_2012']) {
      await panel.didRow(did).waitFor({ state: 'visible' });
    }
    // All results share the scope, so rows show the names alone (the scope stays in the row's title).
    const row = panel.didRow('opendata:higgs_diphoton_2012');
    assert.match(await row.innerText(), /higgs_diphoton_2012/);
    assert.equal(await row.getAttribute('title'), 'opendata:higgs_diphoton_2012');
    await shot('demo-data-listed');
  },
};
