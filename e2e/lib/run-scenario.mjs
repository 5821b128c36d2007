// Runs one scenario module in a fresh browser and prints exactly one line: "PASS name (12.3s)" or
// "FAIL name: reason". Exit code 0 on pass, 1 on fail. Started by e2e/run, which supplies the environment:
//   E2E_BASE_URL, E2E_TOKEN, E2E_ROOT_DIR, E2E_OUT, E2E_SERVICES (comma-separated), E2E_SCENARIO_TIMEOUT_S
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { launchBrowser, makeRedactor } from './browser.mjs';
import { Lab } from './lab.mjs';
import { createShots, scenarioOutDir } from './shots.mjs';
import { ServerApi, waitUntil } from './server-api.mjs';

function env(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (scenarios are started by e2e/run)`);
  return value;
}

async function loadScenario(file) {
  const module = await import(pathToFileURL(path.resolve(file)).href);
  const scenario = module.default ?? module;
  const fallbackName = path.basename(file, '.mjs').replace(/^\d+-/, '');
  const name = scenario.name ?? fallbackName;
  if (typeof scenario.run !== 'function') throw new Error(`${file} exports no run(ctx)`);
  const needs = scenario.needs ?? ['lab'];
  if (!Array.isArray(needs)) throw new Error(`${file}: needs must be an array`);
  return { name, needs, run: scenario.run, allow: scenario.allow ?? [] };
}

function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000}s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function main(file) {
  const started = performance.now();
  const token = env('E2E_TOKEN');
  const redact = makeRedactor([token]);
  let name = path.basename(file, '.mjs');
  let browser;
  let shot;
  try {
    const scenario = await loadScenario(file);
    name = scenario.name;
    const services = new Set((process.env.E2E_SERVICES || 'lab').split(',').map(s => s.trim()).filter(Boolean));
    const missing = scenario.needs.filter(need => !services.has(need));
    if (missing.length > 0) {
      throw new Error(`needs ${missing.join(', ')}, which no E2E_SETUP hook provided (see e2e/README.md)`);
    }
    const baseUrl = env('E2E_BASE_URL');
    const rootDir = env('E2E_ROOT_DIR');
    const outDir = scenarioOutDir(process.env.E2E_OUT || 'e2e/out', name);
    // Each scenario works in its own folder under the server root, so scenarios cannot see each other's files.
    const scenarioPath = name;
    fs.mkdirSync(path.join(rootDir, scenarioPath), { recursive: true });

    browser = await launchBrowser({ redact });
    for (const entry of scenario.allow) browser.problems.allow(entry);
    shot = createShots(browser.page, outDir);
    const ctx = {
      name,
      baseUrl,
      rootDir,
      scenarioPath,
      scenarioDir: path.join(rootDir, scenarioPath),
      outDir,
      services,
      page: browser.page,
      context: browser.context,
      problems: browser.problems,
      lab: new Lab({ page: browser.page, baseUrl, token, redact }),
      api: new ServerApi({ baseUrl, token, redact }),
      shot,
      waitUntil,
      redact,
      log: (...parts) => console.error(`  [${name}]`, ...parts.map(p => redact(String(p)))),
    };
    const timeoutS = Number(process.env.E2E_SCENARIO_TIMEOUT_S || 180);
    await withTimeout(scenario.run(ctx), timeoutS * 1000, name);
    browser.problems.assertClean();
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    console.log(`PASS ${name} (${seconds}s)`);
    return 0;
  } catch (error) {
    if (shot) await shot('failure').catch(() => undefined);
    const problems = browser?.problems.entries.length && !error?.listsProblems ? `\n  browser problems:\n${browser.problems.summary()}` : '';
    const reason = redact(error?.message ?? String(error)).replace(/\n/g, '\n  ');
    console.log(`FAIL ${name}: ${reason}${problems}`);
    return 1;
  } finally {
    await browser?.close();
  }
}

if (process.argv.length !== 3) {
  console.error('usage: node e2e/lib/run-scenario.mjs SCENARIO.mjs');
  process.exit(2);
}
process.exitCode = await main(process.argv[2]);
