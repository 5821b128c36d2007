// Unit tests of the harness itself (no browser, no server): node --test e2e/test/
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { makeRedactor, ProblemLog } from '../lib/browser.mjs';
import { scenarioOutDir } from '../lib/shots.mjs';
import { waitUntil } from '../lib/server-api.mjs';

test('redactor hides tokens in query strings and known secrets anywhere', () => {
  const redact = makeRedactor(['s3cr3t-token']);
  assert.equal(redact('GET http://h/lab?reset&token=abc123&x=1'), 'GET http://h/lab?reset&token=<redacted>&x=1');
  assert.equal(redact('Authorization: token s3cr3t-token'), 'Authorization: token <redacted>');
  assert.equal(redact('nothing secret'), 'nothing secret');
});

test('problem log keeps every unexpected problem and reports them', () => {
  const log = new ProblemLog(makeRedactor(['tok3n']));
  log.record('console.error', 'boom tok3n');
  log.record('http', '404 GET http://h/api/me');
  assert.equal(log.entries.length, 2);
  assert.equal(log.entries[0].text, 'boom <redacted>');
  assert.throws(() => log.assertClean(), error => error.listsProblems === true && /2 browser problem/.test(error.message));
});

test('allowlisted problems are counted against their rule, not reported', () => {
  const log = new ProblemLog(makeRedactor([]));
  log.allow({ kind: 'console.warning', match: /known noise/, reason: 'documented upstream quirk, harmless here' });
  log.record('console.warning', 'a known noise line');
  log.record('console.error', 'a known noise line');
  assert.equal(log.allowlist[0].used, 1);
  assert.deepEqual(log.entries.map(e => e.kind), ['console.error'], 'the rule only covers its own kind');
});

test('an allowlist entry without a reason is refused', () => {
  const log = new ProblemLog(makeRedactor([]));
  assert.throws(() => log.allow({ match: /x/ }), /real reason/);
  assert.throws(() => log.allow({ match: /x/, reason: 'short' }), /real reason/);
  assert.throws(() => log.allow({ match: 'x', reason: 'a string is not a pattern here' }), /RegExp/);
});

test('scenario output folder starts empty', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'e2e-shots-'));
  try {
    const first = scenarioOutDir(root, 'demo');
    fs.writeFileSync(path.join(first, '01-old.png'), 'x');
    const second = scenarioOutDir(root, 'demo');
    assert.equal(second, first);
    assert.deepEqual(fs.readdirSync(second), []);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

test('waitUntil returns the first truthy value and times out with the last error', async () => {
  let calls = 0;
  assert.equal(await waitUntil('three calls', () => (++calls >= 3 ? 'ok' : null), { intervalMs: 1 }), 'ok');
  await assert.rejects(
    waitUntil('never', () => { throw new Error('still down'); }, { timeoutMs: 30, intervalMs: 5 }),
    /timed out after 30 ms waiting for never: still down/,
  );
});
