// Talks to the Rucio Sandbox directly (node side, never through the browser): seeds fixtures and reads the
// ground truth scenarios compare the UI with (checksums, PFNs, rules). The Rucio token stays in this process.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

// Rucio's adler32, as the 8-digit lower-case hex string Rucio stores.
export function adler32(bytes) {
  const MOD = 65521;
  let a = 1;
  let b = 0;
  // Reduce every 5552 bytes: the largest run for which b cannot overflow 2^53 before the modulo.
  for (let start = 0; start < bytes.length; start += 5552) {
    const end = Math.min(start + 5552, bytes.length);
    for (let i = start; i < end; i++) {
      a += bytes[i];
      b += a;
    }
    a %= MOD;
    b %= MOD;
  }
  return ((b * 65536 + a) >>> 0).toString(16).padStart(8, '0');
}

export function md5(bytes) {
  return crypto.createHash('md5').update(bytes).digest('hex');
}

// Rucio's deterministic "hash" lfn2pfn path, as the Sandbox lays out its RSE directories.
export function deterministicPath(scope, name) {
  const hash = md5(Buffer.from(`${scope}:${name}`, 'utf8'));
  const scopePath = scope.startsWith('user.') || scope.startsWith('group.') ? scope.replaceAll('.', '/') : scope;
  return `${scopePath}/${hash.slice(0, 2)}/${hash.slice(2, 4)}/${name}`;
}

export class Sandbox {
  // dataDir: the Sandbox's --data-dir (RSE directories under rses/); url: its base URL.
  constructor({ url, dataDir, account = 'root', username = 'ddmlab', password = 'secret' }) {
    this.url = url.replace(/\/$/, '');
    this.dataDir = dataDir;
    this.credentials = { account, username, password };
    this.token = null;
  }

  static fromEnv() {
    const url = process.env.E2E_SANDBOX_URL;
    const dataDir = process.env.E2E_SANDBOX_DIR;
    if (!url || !dataDir) throw new Error('E2E_SANDBOX_URL/E2E_SANDBOX_DIR are not set (the rucio-stack hook sets them)');
    return new Sandbox({ url, dataDir });
  }

  rseDirectory(rse) {
    return path.join(this.dataDir, 'rses', rse);
  }

  // The file of a replica on a mounted RSE directory (null when the Sandbox holds no bytes there).
  replicaFile(rse, scope, name) {
    const file = path.join(this.rseDirectory(rse), deterministicPath(scope, name));
    return fs.existsSync(file) ? file : null;
  }

  async authenticate() {
    const { account, username, password } = this.credentials;
    const response = await fetch(`${this.url}/auth/userpass`, {
      headers: { 'X-Rucio-Account': account, 'X-Rucio-Username': username, 'X-Rucio-Password': password },
      signal: AbortSignal.timeout(15_000),
    });
    if (response.status !== 200) throw new Error(`Sandbox authentication as ${account} failed: HTTP ${response.status}`);
    this.token = response.headers.get('x-rucio-auth-token');
    return this.token;
  }

  async request(method, route, { json, body, accept = '*/*', expect = [200, 201] } = {}) {
    if (!this.token) await this.authenticate();
    const headers = { 'X-Rucio-Auth-Token': this.token, Accept: accept };
    if (json !== undefined) headers['Content-Type'] = 'application/json';
    const response = await fetch(`${this.url}${route}`, {
      method,
      headers,
      body: json !== undefined ? JSON.stringify(json) : body,
      signal: AbortSignal.timeout(60_000),
    });
    const text = await response.text();
    if (!expect.includes(response.status)) {
      // Rucio's own error body names the exception; no token or password is part of it.
      throw new Error(`Sandbox ${method} ${route}: HTTP ${response.status} ${text.slice(0, 300)}`);
    }
    return { status: response.status, text };
  }

  async object(route) {
    return JSON.parse((await this.request('GET', route, { accept: 'application/json' })).text);
  }

  async stream(method, route, json) {
    const { text } = await this.request(method, route, { json, accept: 'application/x-json-stream' });
    return text.split('\n').filter(line => line.trim() !== '').map(line => JSON.parse(line));
  }

  // Rucio's view of one file DID: bytes, adler32, md5.
  async file(scope, name) {
    return this.object(`/dids/${encodeURIComponent(scope)}/${encodeURIComponent(name)}`);
  }

  async filesOf(scope, name) {
    return this.stream('GET', `/dids/${encodeURIComponent(scope)}/${encodeURIComponent(name)}/files`);
  }

  // One line per file: {scope, name, pfns, rses, states}; all states so replicating copies show up too.
  async replicas(scope, name) {
    return this.stream('POST', '/replicas/list', { dids: [{ scope, name }], all_states: true });
  }

  async rulesOf(scope, name) {
    return this.stream('GET', `/dids/${encodeURIComponent(scope)}/${encodeURIComponent(name)}/rules`);
  }

  async exists(scope, name) {
    const { status } = await this.request('GET', `/dids/${encodeURIComponent(scope)}/${encodeURIComponent(name)}`, {
      accept: 'application/json',
      expect: [200, 404],
    });
    return status === 200;
  }

  // A closed dataset whose files are real bytes on `rse` (written through the Sandbox's storage protocol),
  // registered replicas and a rule there, like the demo seed's datasets. Idempotent.
  async addDataset({ scope, name, rse, files }) {
    if (await this.exists(scope, name)) return;
    for (const file of files) {
      const bytes = Buffer.from(file.content, 'utf8');
      await this.request('PUT', `/storage/${rse}/${deterministicPath(scope, file.name)}`, { body: bytes });
      await this.request('POST', '/replicas', {
        json: { rse, files: [{ scope, name: file.name, bytes: bytes.length, adler32: adler32(bytes), md5: md5(bytes) }] },
      });
    }
    await this.request('POST', `/dids/${encodeURIComponent(scope)}/${encodeURIComponent(name)}`, { json: { type: 'DATASET' } });
    await this.request('POST', `/dids/${encodeURIComponent(scope)}/${encodeURIComponent(name)}/dids`, {
      json: { dids: files.map(f => ({ scope, name: f.name })) },
    });
    await this.request('POST', '/rules/', {
      json: { dids: [{ scope, name }], copies: 1, rse_expression: rse, grouping: 'DATASET', account: null, lifetime: null },
    });
    await this.request('PUT', `/dids/${encodeURIComponent(scope)}/${encodeURIComponent(name)}/status`, { json: { open: false } });
  }
}
