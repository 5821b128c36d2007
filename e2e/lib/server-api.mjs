// Talks to the jupyter server's REST API from node (token in a header, never in a URL that could be logged).
export class ServerApi {
  constructor({ baseUrl, token, redact }) {
    this.baseUrl = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
    this.token = token;
    this.redact = redact;
  }

  async request(path, { method = 'GET', body, timeoutMs = 15_000 } = {}) {
    const response = await fetch(new URL(path.replace(/^\//, ''), this.baseUrl), {
      method,
      headers: { Authorization: `token ${this.token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    return response;
  }

  async json(path, options) {
    const response = await this.request(path, options);
    const text = await response.text();
    if (!response.ok) {
      throw new Error(this.redact(`${options?.method ?? 'GET'} ${path}: HTTP ${response.status} ${text.slice(0, 300)}`));
    }
    return JSON.parse(text);
  }

  // A notebook or file as the contents API returns it (content included).
  async contents(path) {
    return this.json(`api/contents/${path.split('/').map(encodeURIComponent).join('/')}?content=1`);
  }
}

// Polls check() until it returns a truthy value or the deadline passes; returns that value.
export async function waitUntil(what, check, { timeoutMs = 30_000, intervalMs = 100 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${lastError.message}` : ''}`);
    }
    await new Promise(resolve => setTimeout(resolve, intervalMs));
  }
}
