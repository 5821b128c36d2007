// JupyterLab loads, a Python 3 notebook runs a cell and is saved; the browser reports no problem at all.
import assert from 'node:assert/strict';

export default {
  name: 'lab-smoke',
  needs: ['lab'],
  async run({ lab, api, shot, page, scenarioPath }) {
    await lab.open();
    assert.ok(await page.locator('.jp-Launcher').isVisible(), 'the launcher is visible');
    await shot('launcher');

    const path = await lab.newNotebook({ dir: scenarioPath, kernelName: 'python3' });
    assert.match(path, new RegExp(`^${scenarioPath}/.+\\.ipynb$`));
    await page.locator('.jp-Notebook .jp-Cell').first().waitFor({ state: 'visible' });
    await shot('notebook-kernel-idle');

    const result = await lab.runCell('print(6*7)');
    assert.equal(result.text, '42\n', 'the cell prints 42');
    assert.equal(result.domText.trim(), '42', 'the output area shows 42');
    assert.equal(result.executionCount, 1);
    await shot('cell-output');

    await lab.save();
    const saved = await api.contents(path);
    const cells = saved.content.cells;
    assert.equal(cells[0].cell_type, 'code');
    assert.equal(cells[0].source, 'print(6*7)', 'the saved notebook has the cell source');
    assert.deepEqual(
      cells[0].outputs.map(o => [o.output_type, o.text]),
      [['stream', '42\n']],
      'the saved notebook has the output',
    );
    assert.equal(saved.content.metadata.kernelspec.name, 'python3');
    await shot('saved');
  },
};
