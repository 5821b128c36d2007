import { vi } from 'vitest';

vi.mock('../src/api/dids', () => ({ searchDids: vi.fn() }));

import { searchDids } from '../src/api/dids';
import { ApiError } from '../src/api/errors';
import type { IInstance, ISearchResultItem } from '../src/api/types';
import { SearchModel } from '../src/model/search';
import { instance } from './helpers';

const search = vi.mocked(searchDids);

function model(active: IInstance | null = instance(), limit = 1000): SearchModel {
  return new SearchModel({ instance: () => active, limit: () => limit });
}

beforeEach(() => {
  search.mockReset();
});

describe('SearchModel', () => {
  it('streams batches into one list sorted containers, datasets, files, then by name', async () => {
    search.mockImplementation(async (_query, onItems) => {
      onItems([
        { did: 's:b.root', size: 1, type: 'file' },
        { did: 's:Zds', size: null, type: 'dataset' }
      ]);
      onItems([
        { did: 's:a.root', size: 2, type: 'file' },
        { did: 's:cont', size: null, type: 'container' },
        { did: 's:ads', size: null, type: 'dataset' }
      ]);
    });
    const m = model();
    const seen: number[] = [];
    m.changed.connect(() => seen.push(m.results.length));
    m.setQuery(' s:* ');
    m.setType('collection');
    await m.search();
    expect(m.status).toBe('done');
    expect(m.results.map(r => r.did)).toEqual(['s:cont', 's:ads', 's:Zds', 's:a.root', 's:b.root']);
    expect(seen).toContain(2);
    expect(search.mock.calls[0][0]).toEqual({ namespace: 'sandbox', did: 's:*', type: 'collection', filters: '', limit: 1000 });
  });

  it('sends the serialised metadata filters', async () => {
    search.mockResolvedValue(undefined);
    const m = model();
    m.setQuery('s:*');
    m.addFilter();
    const id = m.filters[0].id;
    m.updateFilter(id, { key: 'run', operator: '≥', value: '3' });
    await m.search();
    expect(search.mock.calls[0][0].filters).toBe('run≥3');
  });

  it('explains bad input without calling the backend', async () => {
    const m = model(instance({ wildcard_enabled: false }));
    m.setQuery('nocolon');
    await m.search();
    expect(m.inputProblem).toMatch(/scope:name/);
    m.setQuery('s:');
    await m.search();
    expect(m.inputProblem).toMatch(/name after the scope/);
    m.setQuery('s:data*');
    await m.search();
    expect(m.inputProblem).toMatch(/Wildcard search is disabled/);
    expect(search).not.toHaveBeenCalled();
    const none = model(null);
    none.setQuery('s:x');
    await none.search();
    expect(none.inputProblem).toMatch(/Settings/);
  });

  it('reports errors and flags a truncated result', async () => {
    const m = model(instance(), 2);
    m.setQuery('s:*');
    search.mockRejectedValueOnce(new ApiError({ status: 401, kind: 'auth', message: 'Log in again.' }));
    await m.search();
    expect(m.status).toBe('error');
    expect(m.error?.message).toBe('Log in again.');

    search.mockImplementationOnce(async (_q, onItems) => {
      onItems([
        { did: 's:a', size: 1, type: 'file' },
        { did: 's:b', size: 1, type: 'file' }
      ]);
    });
    await m.search();
    expect(m.truncated).toBe(true);
  });

  it('a newer search cancels the older one and its late results are dropped', async () => {
    let releaseFirst: (items: ISearchResultItem[]) => void = () => undefined;
    search.mockImplementationOnce(
      (_q, onItems, signal) =>
        new Promise<void>(resolve => {
          releaseFirst = items => {
            onItems(items);
            resolve();
          };
          expect(signal).toBeDefined();
        })
    );
    search.mockImplementationOnce(async (_q, onItems) => onItems([{ did: 's:new', size: 1, type: 'file' }]));
    const m = model();
    m.setQuery('s:*');
    const first = m.search();
    const firstSignal = search.mock.calls[0][2] as AbortSignal;
    await m.search();
    expect(firstSignal.aborted).toBe(true);
    releaseFirst([{ did: 's:old', size: 1, type: 'file' }]);
    await first;
    expect(m.results.map(r => r.did)).toEqual(['s:new']);
    expect(m.status).toBe('done');
  });

  it('changing the type re-runs a search already made', async () => {
    search.mockResolvedValue(undefined);
    const m = model();
    m.setQuery('s:*');
    m.setType('file');
    expect(search).not.toHaveBeenCalled();
    await m.search();
    m.setType('dataset');
    await vi.waitFor(() => expect(search).toHaveBeenCalledTimes(2));
    expect(search.mock.calls[1][0].type).toBe('dataset');
  });
});
