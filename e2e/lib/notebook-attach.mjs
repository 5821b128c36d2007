// The steps every kernel language's "attach a dataset to a notebook" scenario shares: a fresh notebook with
// the Rucio panel open, a DID attached as a variable (waiting for the toolbar's Ready), and a dataset that is
// made available after attaching, whose variable the kernel must receive without any user action.

import { kernelProbe, RucioBackend, RucioPanel, waitForInjection } from './rucio-panel.mjs';

const MAKE_AVAILABLE_TIMEOUT_MS = 90_000;
const REINJECTION_TIMEOUT_MS = 30_000;

export class NotebookAttach {
  constructor(ctx, panel) {
    this.ctx = ctx;
    this.panel = panel;
  }

  // Logs in to the Sandbox instance as root, opens a new notebook on `kernelName` in the scenario's folder and
  // the Rucio panel next to it.
  static async open(ctx, { kernelName }) {
    const { lab, page, api, scenarioPath } = ctx;
    await new RucioBackend(api).useInstanceAs('sandbox');
    await lab.open();
    await lab.newNotebook({ dir: scenarioPath, kernelName });
    const panel = new RucioPanel({ page, lab });
    await panel.open();
    return new NotebookAttach(ctx, panel);
  }

  // Finds `did`, waits until its status line matches `status`, adds it to the notebook as `variableName` and
  // waits until the notebook toolbar shows the injection Ready. Returns the DID's expanded details.
  async attach(did, variableName, status) {
    await this.panel.search(did);
    const details = await this.panel.expand(did);
    await this.panel.waitForStatus(details, status);
    await this.panel.addToNotebook(did, variableName);
    await waitForInjection(this.ctx.page, this.ctx.waitUntil);
    return details;
  }

  // Presses Make Available in `details` and waits until the panel's status matches `status`; then, with no
  // click and no cell, until `probe` (code run silently in the kernel) prints `expected`, i.e. the kernel got
  // the re-injected variable `variableName`; and finally for the toolbar to show Ready again.
  async makeAvailable(details, { status, variableName, probe, expected, what }) {
    const { page, waitUntil, log } = this.ctx;
    await details.getByRole('button', { name: 'Make Available' }).click();
    await this.panel.waitForStatus(details, status, { timeoutMs: MAKE_AVAILABLE_TIMEOUT_MS });
    const becameAvailable = performance.now();
    await waitUntil(what, async () => {
      const result = await kernelProbe(page, probe);
      return result.stdout.trim() === expected;
    }, { timeoutMs: REINJECTION_TIMEOUT_MS, intervalMs: 250 });
    log(`${variableName} re-injected ${((performance.now() - becameAvailable) / 1000).toFixed(1)} s after the panel showed Available`);
    await waitForInjection(page, waitUntil);
  }
}
