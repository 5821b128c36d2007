// Drives the Rucio panel as a person does (tabs, fields, buttons found by their visible labels) and sets
// preconditions through the backend's REST API from node (e.g. "root's credentials are stored"), so that each
// scenario exercises the UI it is about and does not depend on what an earlier scenario left behind.

import { waitUntil } from './server-api.mjs';

export const PANEL_ID = 'rucio-jupyterlab:panel';
export const ROOT_CREDENTIALS = { username: 'ddmlab', password: 'secret', account: 'root' };
export const JDOE_CREDENTIALS = { username: 'jdoe', password: 'jdoe-secret', account: 'jdoe' };

const LONG_MS = 60_000;

// A CSS attribute value in double quotes: only backslashes and quotes need escaping.
function attr(value) {
  return String(value).replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

// Backend preconditions (node → jupyter server → bridge → backend), never through the browser.
export class RucioBackend {
  constructor(api) {
    this.api = api;
  }

  async selectInstance(instance, auth = 'userpass') {
    return this.api.json('rucio-jupyterlab/instances', { method: 'PUT', body: { instance, auth } });
  }

  // Stores (after the backend validated them live) the credentials of one instance.
  async saveUserpass(instance, { username, password, account }) {
    return this.api.json('rucio-jupyterlab/auth', {
      method: 'PUT',
      body: { namespace: instance, type: 'userpass', params: { username, password, account } },
      timeoutMs: 30_000,
    });
  }

  // The usual start of a scenario: this instance active, with root's username & password stored.
  async useInstanceAs(instance, credentials = ROOT_CREDENTIALS) {
    await this.saveUserpass(instance, credentials);
    await this.selectInstance(instance, 'userpass');
  }
}

export class RucioPanel {
  constructor({ page, lab }) {
    this.page = page;
    this.lab = lab;
    this.root = page.locator(`[id="${PANEL_ID}"]`);
  }

  // Opens the sidebar panel and waits until it left "Connecting to the Rucio backend…".
  async open() {
    // A prebuilt extension's plugins may still be activating right after the launcher shows.
    await this.page.waitForFunction(
      id => [...window.jupyterapp.shell.widgets('left')].some(w => w.id === id),
      PANEL_ID,
      { timeout: 30_000, polling: 100 },
    ).catch(() => {
      throw new Error(`the Rucio panel (${PANEL_ID}) never appeared in the left sidebar: the extension did not load`);
    });
    await this.lab.openSidebar(PANEL_ID);
    await this.root.getByRole('tablist', { name: 'Rucio panel sections' }).waitFor({ state: 'visible', timeout: LONG_MS });
    return this.root;
  }

  async tab(name) {
    const tab = this.root.getByRole('tab', { name, exact: true });
    await tab.click();
    await this.page.waitForFunction(
      id => document.getElementById(id)?.getAttribute('aria-selected') === 'true',
      `jp-Rucio-tab-${name.toLowerCase()}`,
      { timeout: 10_000 },
    );
    return this.root.locator('#jp-Rucio-tabpanel');
  }

  // --- Settings ---------------------------------------------------------------------------------------
  async chooseInstance(displayName) {
    const settings = await this.tab('Settings');
    const select = settings.getByLabel('Active instance', { exact: true });
    await select.selectOption({ label: displayName });
    // The form of the new instance replaces the old one once the switch is stored.
    await this.page.waitForFunction(
      label => {
        const select = document.getElementById('jp-Rucio-instance');
        return select && !select.disabled && select.selectedOptions[0]?.textContent === label;
      },
      displayName,
      { timeout: 30_000 },
    );
    return settings;
  }

  // Fills the username & password form of the active instance and presses Save; returns the form.
  async submitUserpass({ username, password, account }) {
    const settings = await this.tab('Settings');
    await settings.getByLabel('Authentication', { exact: true }).selectOption({ label: 'Username & password' });
    const form = settings.getByRole('form', { name: 'Credentials' });
    await form.getByLabel('Username', { exact: true }).fill(username);
    await form.getByLabel('Password', { exact: true }).fill(password);
    await form.getByLabel('Account', { exact: true }).fill(account);
    await form.getByRole('button', { name: 'Save and validate' }).click();
    // Done when the outcome (success or error) is shown.
    await form.locator('.jp-Rucio-success, .jp-Rucio-error').first().waitFor({ state: 'visible', timeout: LONG_MS });
    return form;
  }

  // --- Explore ----------------------------------------------------------------------------------------
  async search(query, { type } = {}) {
    const explore = await this.tab('Explore');
    if (type) await explore.locator('.jp-Rucio-typeFilter select').selectOption({ label: type });
    const field = explore.getByLabel('Data identifier to search for (scope:name)');
    await field.fill(query);
    // The answer of this search (not an earlier one) must have started before "done" means anything.
    const answered = this.page.waitForResponse(r => r.url().includes('/rucio-jupyterlab/did-search'), { timeout: LONG_MS });
    await field.press('Enter');
    await answered;
    // Finished: a result count, "No DIDs match" or an error, and no spinner.
    await this.page.waitForFunction(
      () => {
        const tab = document.querySelector('.jp-Rucio-explore');
        if (!tab || tab.querySelector('.jp-Rucio-resultsHeader .jp-Rucio-spinner')) return false;
        return Boolean(tab.querySelector('.jp-Rucio-resultsHeader, .jp-Rucio-error, .jp-Rucio-hint.jp-mod-error')
          || /No DIDs match/.test(tab.querySelector('.jp-Rucio-empty')?.textContent ?? ''));
      },
      null,
      { timeout: LONG_MS, polling: 100 },
    );
    return explore;
  }

  didRow(did) {
    return this.root.locator(`.jp-Rucio-vlist-row[data-row-key="d:${attr(did)}"] .jp-Rucio-didRow`);
  }

  // The expanded details (status line, progress, actions) of a DID in the result list.
  details(did) {
    return this.root.locator(`.jp-Rucio-vlist-row[data-row-key="x:${attr(did)}"]`);
  }

  fileRows(did) {
    return this.root.locator(`.jp-Rucio-vlist-row[data-row-key^="f:${attr(did)}#"]`);
  }

  async expand(did) {
    const row = this.didRow(did);
    await row.waitFor({ state: 'visible', timeout: LONG_MS });
    if ((await row.getAttribute('aria-expanded')) !== 'true') await row.click();
    await this.details(did).waitFor({ state: 'visible', timeout: LONG_MS });
    return this.details(did);
  }

  // Waits until the status line inside `scope` reads text matching `pattern`; returns that text.
  async waitForStatus(scope, pattern, { timeoutMs = LONG_MS } = {}) {
    const line = scope.locator('.jp-Rucio-status-line').first();
    let last = '';
    try {
      return await waitUntil(`a status matching ${pattern}`, async () => {
        last = (await line.innerText({ timeout: 1000 }).catch(() => last)).trim();
        return pattern.test(last) ? last : null;
      }, { timeoutMs, intervalMs: 100 });
    } catch {
      const error = await scope.locator('.jp-Rucio-error-text').first().innerText({ timeout: 500 }).catch(() => null);
      throw new Error(`the status did not match ${pattern} within ${timeoutMs / 1000} s; it read "${last}"${error ? `; error shown: "${error}"` : ''}`);
    }
  }

  // Add to Notebook with the given variable name, from an expanded DID (Explore) — as a person types it.
  async addToNotebook(did, variableName) {
    const details = this.details(did);
    await details.getByRole('button', { name: 'Add to Notebook' }).click();
    const input = details.getByLabel(/^Variable name in /);
    await input.fill(variableName);
    await details.getByRole('button', { name: 'Add', exact: true }).click();
    await details.getByText(`Attached as ${variableName}`).waitFor({ state: 'visible', timeout: 10_000 });
  }
}

// The notebook toolbar's injection indicator (Resolving / Attaching / Ready / Failed): its visible text,
// or its title / aria-label when it shows only an icon. Null when the toolbar has no such item.
export async function injectionIndicator(page) {
  return page.evaluate(() => {
    const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)');
    const toolbar = panel?.querySelector('.jp-NotebookPanel-toolbar, .jp-Toolbar');
    if (!toolbar) return null;
    const words = /\b(Resolving|Attaching|Ready|Failed)\b/;
    for (const item of toolbar.querySelectorAll('.jp-Toolbar-item')) {
      const texts = [item.innerText, item.getAttribute('title'), item.getAttribute('aria-label')];
      for (const child of item.querySelectorAll('[title], [aria-label]')) {
        texts.push(child.getAttribute('title'), child.getAttribute('aria-label'));
      }
      const hit = texts.find(t => t && words.test(t));
      if (hit) return { state: hit.match(words)[1], text: hit.trim() };
    }
    return null;
  });
}

export async function waitForInjection(page, waitUntil, { state = 'Ready', timeoutMs = 60_000 } = {}) {
  let last = null;
  try {
    return await waitUntil(`the notebook toolbar to show ${state}`, async () => {
      last = await injectionIndicator(page);
      if (last?.state === 'Failed' && state !== 'Failed') throw new Error(`the toolbar shows Failed: ${last.text}`);
      return last?.state === state ? last : null;
    }, { timeoutMs, intervalMs: 200 });
  } catch (error) {
    const seen = last ? `"${last.text}"` : 'no Resolving/Attaching/Ready/Failed item in the notebook toolbar';
    throw new Error(`${error.message} (seen: ${seen})`);
  }
}

// Runs code in the current notebook's kernel without adding a cell or a history entry and returns what it
// printed: { status, stdout, error }. Used to watch kernel state change without any user action in the notebook.
export async function kernelProbe(page, code) {
  return page.evaluate(async code => {
    const kernel = window.jupyterapp.shell.currentWidget?.sessionContext?.session?.kernel;
    if (!kernel) throw new Error('the current widget has no kernel');
    const future = kernel.requestExecute({ code, silent: false, store_history: false, allow_stdin: false, stop_on_error: false });
    let stdout = '';
    let error = null;
    future.onIOPub = msg => {
      if (msg.header.msg_type === 'stream') stdout += msg.content.text;
      if (msg.header.msg_type === 'error') error = `${msg.content.ename}: ${msg.content.evalue}`;
    };
    const reply = await future.done;
    return { status: reply.content.status, stdout, error };
  }, code);
}
