// Launches Debian's chromium through playwright-core (never a downloaded browser) and records every
// problem the page reports, so a scenario can assert that a session was clean.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.E2E_CHROMIUM || '/usr/bin/chromium';

const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

// Secrets (tokens) are replaced before any text is stored, printed or thrown.
export function makeRedactor(secrets) {
  const real = secrets.filter(s => typeof s === 'string' && s.length >= 4);
  return text => {
    let out = String(text).replace(/([?&]token=)[^&#\s"']+/gi, '$1<redacted>');
    for (const secret of real) out = out.split(secret).join('<redacted>');
    return out;
  };
}

// Collects console errors/warnings, uncaught page errors, HTTP responses >= 400, failed requests and
// websocket errors. Known-harmless entries are allowed explicitly, each with the reason it is harmless.
export class ProblemLog {
  constructor(redact) {
    this.redact = redact;
    this.entries = [];
    this.allowlist = [];
  }

  // kind: optional exact kind ('console.error', 'console.warning', 'pageerror', 'http', 'requestfailed',
  // 'websocket'); match: RegExp tested against the text; reason: why this is not a defect (required).
  allow({ kind, match, reason }) {
    if (!(match instanceof RegExp)) throw new Error('allow(): match must be a RegExp');
    if (typeof reason !== 'string' || reason.trim().length < 10) {
      throw new Error(`allow(${match}): every allowlist entry needs a real reason`);
    }
    this.allowlist.push({ kind, match, reason, used: 0 });
  }

  record(kind, text) {
    const clean = this.redact(text);
    const rule = this.allowlist.find(r => (!r.kind || r.kind === kind) && r.match.test(clean));
    if (rule) {
      rule.used += 1;
      return;
    }
    this.entries.push({ kind, text: clean, at: new Date().toISOString() });
  }

  attach(page) {
    page.on('console', msg => {
      const type = msg.type();
      if (type !== 'error' && type !== 'warning') return;
      const loc = msg.location();
      const where = loc?.url ? ` (${loc.url}:${loc.lineNumber})` : '';
      this.record(`console.${type}`, `${msg.text()}${where}`);
    });
    page.on('pageerror', error => this.record('pageerror', `${error.message}\n${error.stack ?? ''}`));
    page.on('response', response => {
      if (response.status() >= 400) {
        this.record('http', `${response.status()} ${response.request().method()} ${response.url()}`);
      }
    });
    page.on('requestfailed', request => {
      this.record('requestfailed', `${request.method()} ${request.url()}: ${request.failure()?.errorText ?? 'failed'}`);
    });
    page.on('websocket', ws => {
      ws.on('socketerror', error => this.record('websocket', `${ws.url()}: ${error}`));
    });
  }

  summary() {
    return this.entries.map(e => `[${e.kind}] ${e.text.split('\n')[0].slice(0, 400)}`).join('\n');
  }

  assertClean(when = 'at the end of the scenario') {
    if (this.entries.length > 0) {
      const error = new Error(`${this.entries.length} browser problem(s) ${when}:\n${this.summary()}`);
      error.listsProblems = true;
      throw error;
    }
  }
}

// Starts chromium with a fresh, throw-away profile and returns { context, page, problems, close }.
export async function launchBrowser({ redact, viewport = { width: 1400, height: 900 } }) {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} not found: install Debian's chromium (scripts/lib/deps.sh BROWSER_DEBS)`);
  }
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rucio-e2e-profile-'));
  // The profile goes in as launchPersistentContext's first argument: playwright rejects --user-data-dir in args.
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport,
  });
  const problems = new ProblemLog(redact);
  const page = context.pages()[0] ?? (await context.newPage());
  problems.attach(page);
  context.on('page', extra => problems.attach(extra));
  const close = async () => {
    await context.close().catch(() => undefined);
    fs.rmSync(userDataDir, { recursive: true, force: true });
  };
  return { context, page, problems, close };
}
