import { ApiError, BACKEND_MISSING_MESSAGE, errorFromResponse, isBackendDown } from '../src/api/errors';
import { JsonArrayStreamParser } from '../src/api/jsonArrayStream';

describe('errorFromResponse', () => {
  it('maps a non-JSON 404 (route not registered) to a missing backend, with how to fix it', () => {
    const error = errorFromResponse(404, '<html>404 Not Found</html>');
    expect(error.kind).toBe('backend-missing');
    expect(error.message).toBe(BACKEND_MISSING_MESSAGE);
    expect(isBackendDown(error)).toBe(true);
  });
  it('keeps the backend sentence and Rucio exception apart', () => {
    const error = errorFromResponse(
      409,
      JSON.stringify({
        success: false,
        error: 'Your quota on LOCAL-RSE1 is exceeded: free space or ask for more.',
        exception_class: 'InsufficientAccountLimit',
        exception_message: 'There is not enough quota left'
      })
    );
    expect(error).toBeInstanceOf(ApiError);
    expect(error.kind).toBe('conflict');
    expect(error.message).toMatch(/quota/);
    expect(error.exceptionClass).toBe('InsufficientAccountLimit');
    expect(error.details).toBe('InsufficientAccountLimit: There is not enough quota left');
  });
  it('turns error tokens into sentences', () => {
    const error = errorFromResponse(400, '{"error":"wildcard_disabled"}');
    expect(error.code).toBe('wildcard_disabled');
    expect(error.message).toMatch(/Wildcard search is disabled/);
  });
  it('falls back to a sentence per status', () => {
    expect(errorFromResponse(401, '').message).toMatch(/credentials/);
    expect(errorFromResponse(401, '').kind).toBe('auth');
    const unavailable = errorFromResponse(503, '{"success":false,"error":"The backend is starting."}');
    expect(unavailable.kind).toBe('unreachable');
    expect(unavailable.message).toBe('The backend is starting.');
    expect(isBackendDown(unavailable)).toBe(true);
    expect(errorFromResponse(500, 'boom').message).toMatch(/HTTP 500/);
    expect(isBackendDown(errorFromResponse(401, ''))).toBe(false);
  });
  it('a JSON 404 from the backend is an ordinary not-found', () => {
    const error = errorFromResponse(404, '{"success":false,"error":"Auth credentials not set"}');
    expect(error.kind).toBe('not-found');
    expect(error.message).toBe('Auth credentials not set');
  });
});

describe('JsonArrayStreamParser', () => {
  const items = [
    { did: 'user.root:a{b}', size: 1, type: 'file' },
    { did: 'user.root:q"uote\\', size: null, type: 'dataset' },
    { did: 'user.root:[x]', size: 3, type: 'container', nested: { list: [1, { a: '}' }] } }
  ];
  const text = JSON.stringify(items, null, 1);

  it('yields the same elements whatever the chunk boundaries', () => {
    for (let size = 1; size <= text.length; size += 7) {
      const parser = new JsonArrayStreamParser<unknown>();
      const out: unknown[] = [];
      for (let i = 0; i < text.length; i += size) {
        out.push(...parser.feed(text.slice(i, i + size)));
      }
      parser.end();
      expect(out).toEqual(items);
    }
  });
  it('accepts an empty array and rejects what is not an array of objects', () => {
    const empty = new JsonArrayStreamParser();
    expect(empty.feed(' [ ] ')).toEqual([]);
    expect(() => empty.end()).not.toThrow();
    expect(() => new JsonArrayStreamParser().feed('{"error":"x"}')).toThrow(SyntaxError);
    expect(() => new JsonArrayStreamParser().feed('[1,2]')).toThrow(SyntaxError);
    const cut = new JsonArrayStreamParser();
    cut.feed('[{"a":1},');
    expect(() => cut.end()).toThrow(SyntaxError);
  });
});
