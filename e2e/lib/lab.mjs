// Drives JupyterLab in the browser through the UI where a person would (clicks, typing) and reads state
// through window.jupyterapp, which rucio_lab exposes (page config exposeAppInBrowser).

const DEFAULT_TIMEOUT_MS = 60_000;

export class Lab {
  constructor({ page, baseUrl, token, redact, timeoutMs = DEFAULT_TIMEOUT_MS }) {
    this.page = page;
    this.baseUrl = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
    this.token = token;
    this.redact = redact;
    this.timeoutMs = timeoutMs;
  }

  // Opens /lab with a reset workspace (no notebooks from an earlier session, no kernel dialogs) and
  // waits until the application is restored and the launcher is visible.
  async open({ path = 'lab', expectLauncher = true } = {}) {
    const url = `${this.baseUrl}${path}?reset&token=${encodeURIComponent(this.token)}`;
    await this.#guard('opening JupyterLab', async () => {
      await this.page.goto(url, { waitUntil: 'domcontentloaded', timeout: this.timeoutMs });
      await this.page.waitForFunction(() => window.jupyterapp !== undefined, null, { timeout: this.timeoutMs });
      await this.page.evaluate(() => window.jupyterapp.restored);
      if (expectLauncher) {
        await this.page.locator('.jp-Launcher').first().waitFor({ state: 'visible', timeout: this.timeoutMs });
      }
    });
  }

  // Creates a notebook in dir (relative to the server root) with the given kernel, waits until its kernel
  // is connected and idle, and returns the notebook's path.
  async newNotebook({ dir = '', kernelName = 'python3' } = {}) {
    const path = await this.#guard('creating a notebook', () =>
      this.page.evaluate(async ({ dir, kernelName }) => {
        const panel = await window.jupyterapp.commands.execute('notebook:create-new', { cwd: dir, kernelName });
        await panel.context.ready;
        return panel.context.path;
      }, { dir, kernelName }));
    await this.waitForKernelIdle(path);
    return path;
  }

  // A kernel must be connected before typing: keys pressed earlier execute nothing (seen under JupyterHub).
  async waitForKernelIdle(path) {
    await this.#guard(`waiting for the kernel of ${path}`, () =>
      this.page.waitForFunction(path => {
        for (const widget of window.jupyterapp.shell.widgets('main')) {
          if (widget.context?.path !== path) continue;
          const kernel = widget.sessionContext?.session?.kernel;
          return kernel?.connectionStatus === 'connected' && kernel.status === 'idle';
        }
        return false;
      }, path, { timeout: this.timeoutMs, polling: 100 }));
  }

  // Types code into the active cell of the current notebook, runs it with Shift+Enter and returns the
  // cell's outputs once the execution finished: { text, outputs, domText, executionCount }.
  async runCell(code) {
    const page = this.page;
    const index = await page.evaluate(() => window.jupyterapp.shell.currentWidget.content.activeCellIndex);
    const editor = page.locator('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell.jp-mod-active .cm-content');
    await editor.click();
    if (code.includes('\n')) {
      // Typing would be re-indented by the editor; multi-line code is set on the model instead.
      await page.evaluate(code => window.jupyterapp.shell.currentWidget.content.activeCell.model.sharedModel.setSource(code), code);
    } else {
      await page.keyboard.type(code);
    }
    await page.keyboard.press('Shift+Enter');
    await this.#guard(`running cell ${index}`, () =>
      page.waitForFunction(index => {
        const model = window.jupyterapp.shell.currentWidget.content.widgets[index]?.model;
        return model && model.executionCount !== null && model.executionState === 'idle';
      }, index, { timeout: this.timeoutMs, polling: 100 }));
    return page.evaluate(index => {
      const cell = window.jupyterapp.shell.currentWidget.content.widgets[index];
      const outputs = cell.model.outputs.toJSON();
      const join = value => (Array.isArray(value) ? value.join('') : String(value ?? ''));
      const text = outputs.map(o => {
        if (o.output_type === 'stream') return join(o.text);
        if (o.output_type === 'error') return `${o.ename}: ${o.evalue}\n`;
        return join(o.data?.['text/plain']);
      }).join('');
      const dom = cell.node.querySelector('.jp-OutputArea');
      return { text, outputs, domText: dom ? dom.innerText : '', executionCount: cell.model.executionCount };
    }, index);
  }

  // Saves the current document with Ctrl+S, as a person would, and waits until it is no longer dirty.
  async save() {
    await this.page.keyboard.press('Control+s');
    await this.#guard('saving the current document', () =>
      this.page.waitForFunction(() => {
        const widget = window.jupyterapp.shell.currentWidget;
        return widget?.context && !widget.context.model.dirty;
      }, null, { timeout: this.timeoutMs, polling: 100 }));
  }

  // Opens the left/right sidebar panel whose widget id is given and returns a locator for it.
  async openSidebar(id) {
    await this.#guard(`opening sidebar panel ${id}`, async () => {
      const known = await this.page.evaluate(id => {
        const app = window.jupyterapp;
        const all = [...app.shell.widgets('left'), ...app.shell.widgets('right')];
        if (!all.some(w => w.id === id)) return false;
        app.shell.activateById(id);
        return true;
      }, id);
      if (!known) throw new Error(`no sidebar widget with id ${id}`);
      await this.page.locator(`[id="${id}"]`).waitFor({ state: 'visible', timeout: this.timeoutMs });
    });
    return this.page.locator(`[id="${id}"]`);
  }

  // Ids of the widgets in the left sidebar, e.g. to check that an extension added its panel.
  async sidebarIds(area = 'left') {
    return this.page.evaluate(area => [...window.jupyterapp.shell.widgets(area)].map(w => w.id), area);
  }

  // Wraps a step so that its failure says which step failed, and carries no token.
  async #guard(step, action) {
    try {
      return await action();
    } catch (error) {
      throw new Error(this.redact(`${step} failed: ${error.message}`));
    }
  }
}
