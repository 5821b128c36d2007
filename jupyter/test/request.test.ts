import { vi } from 'vitest';

const makeRequest = vi.fn();
vi.mock('@jupyterlab/services', () => ({
  ServerConnection: {
    makeSettings: () => ({ baseUrl: 'http://127.0.0.1:8888/base/' }),
    makeRequest: (...args: unknown[]) => makeRequest(...args)
  }
}));

import { ApiError, NETWORK_ERROR_MESSAGE } from '../src/api/errors';
import { apiUrl, requestAPI, requestJsonArrayStream } from '../src/api/request';

function streamOf(chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) {
        controller.enqueue(encoder.encode(chunk));
      }
      controller.close();
    }
  });
}

beforeEach(() => {
  makeRequest.mockReset();
});

describe('requestAPI', () => {
  it('builds the route URL with the query, leaving out empty values', () => {
    expect(apiUrl('http://h/base/', 'did/status', { namespace: 'sb', did: 'a:b c', refresh: true, x: undefined })).toBe(
      'http://h/base/rucio-jupyterlab/did/status?namespace=sb&did=a%3Ab+c&refresh=1'
    );
  });

  it('sends JSON bodies and parses JSON answers', async () => {
    makeRequest.mockResolvedValue(new Response('{"success":true}', { status: 200 }));
    const answer = await requestAPI<{ success: boolean }>('auth', { method: 'PUT', body: { namespace: 'sb' } });
    expect(answer.success).toBe(true);
    const [url, init] = makeRequest.mock.calls[0];
    expect(url).toBe('http://127.0.0.1:8888/base/rucio-jupyterlab/auth');
    expect(init.method).toBe('PUT');
    expect(JSON.parse(init.body)).toEqual({ namespace: 'sb' });
  });

  it('rejects with an ApiError carrying the backend sentence', async () => {
    makeRequest.mockResolvedValue(
      new Response('{"success":false,"error":"Wrong password for account root.","exception_class":"CannotAuthenticate"}', {
        status: 401
      })
    );
    const error = (await requestAPI('auth').catch(e => e)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.kind).toBe('auth');
    expect(error.message).toBe('Wrong password for account root.');
    expect(error.exceptionClass).toBe('CannotAuthenticate');
  });

  it('turns a transport failure into a sentence', async () => {
    makeRequest.mockImplementation(async () => {
      throw new TypeError('Failed to fetch');
    });
    const error = await requestAPI('instances').catch(e => e);
    expect(error).toMatchObject({ kind: 'unreachable', message: NETWORK_ERROR_MESSAGE });
  });
});

describe('requestJsonArrayStream', () => {
  it('hands over elements as chunks arrive', async () => {
    makeRequest.mockResolvedValue(
      new Response(streamOf(['[{"did":"s:a","si', 'ze":1,"type":"file"},', '{"did":"s:b","size":2,"type":"file"}]']), {
        status: 200
      })
    );
    const batches: unknown[][] = [];
    await requestJsonArrayStream('did-search', items => batches.push(items));
    expect(batches).toEqual([[{ did: 's:a', size: 1, type: 'file' }], [{ did: 's:b', size: 2, type: 'file' }]]);
  });

  it('reports a malformed list as an ApiError', async () => {
    makeRequest.mockResolvedValue(new Response(streamOf(['[{"did":"s:a"}']), { status: 200 }));
    await expect(requestJsonArrayStream('did-search', () => undefined)).rejects.toMatchObject({
      message: 'The Rucio backend sent a malformed list.'
    });
  });
});
