/** State of the Explore tab's search: the query, its filters and the results as they stream in. */
import { searchDids } from '../api/dids';
import { ApiError, messageOf } from '../api/errors';
import type { DidType, IInstance, ISearchResultItem, SearchType } from '../api/types';
import { IFilterRow, newFilterRow, serializeFilters } from './filters';
import { ObservableModel } from './observable';

export type SearchStatus = 'idle' | 'searching' | 'done' | 'error';

export const SEARCH_TYPES: { value: SearchType; label: string }[] = [
  { value: 'all', label: 'Everything' },
  { value: 'collection', label: 'Datasets and containers' },
  { value: 'dataset', label: 'Datasets' },
  { value: 'container', label: 'Containers' },
  { value: 'file', label: 'Files' }
];

const TYPE_ORDER: Record<DidType, number> = { container: 0, dataset: 1, file: 2 };

interface ISortable extends ISearchResultItem {
  /** Lower-cased DID, computed once: comparing 100,000 rows must stay cheap. */
  readonly sortKey: string;
}

export type SearchResult = ISortable;

function compare(a: ISortable, b: ISortable): number {
  const byType = TYPE_ORDER[a.type] - TYPE_ORDER[b.type];
  if (byType !== 0) {
    return byType;
  }
  return a.sortKey < b.sortKey ? -1 : a.sortKey > b.sortKey ? 1 : 0;
}

/** Merges two sorted arrays in linear time (each batch is sorted on its own, then merged). */
export function mergeSorted(left: readonly ISortable[], right: readonly ISortable[]): ISortable[] {
  const out = new Array<ISortable>(left.length + right.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < left.length && j < right.length) {
    out[k++] = compare(left[i], right[j]) <= 0 ? left[i++] : right[j++];
  }
  while (i < left.length) {
    out[k++] = left[i++];
  }
  while (j < right.length) {
    out[k++] = right[j++];
  }
  return out;
}

/** Splits `scope:name`; null when there is no scope. */
export function parseDid(text: string): { scope: string; name: string } | null {
  const index = text.indexOf(':');
  if (index <= 0) {
    return null;
  }
  return { scope: text.slice(0, index), name: text.slice(index + 1) };
}

export interface ISearchContext {
  instance(): IInstance | null;
  limit(): number;
}

export class SearchModel extends ObservableModel {
  private _query = '';
  private _type: SearchType = 'all';
  private _filters: IFilterRow[] = [];
  private _results: ISortable[] = [];
  private _status: SearchStatus = 'idle';
  private _error: ApiError | null = null;
  /** A problem with the input itself, found before anything is sent. */
  private _inputProblem: string | null = null;
  private _abort: AbortController | null = null;
  private _lastLimit = 0;

  constructor(private readonly _context: ISearchContext) {
    super();
  }

  get query(): string {
    return this._query;
  }
  get type(): SearchType {
    return this._type;
  }
  get filters(): readonly IFilterRow[] {
    return this._filters;
  }
  get results(): readonly SearchResult[] {
    return this._results;
  }
  get status(): SearchStatus {
    return this._status;
  }
  get error(): ApiError | null {
    return this._error;
  }
  get inputProblem(): string | null {
    return this._inputProblem;
  }
  /** True when the backend stopped at the limit, so more DIDs may match. */
  get truncated(): boolean {
    return this._status === 'done' && this._lastLimit > 0 && this._results.length >= this._lastLimit;
  }

  setQuery(query: string): void {
    this._query = query;
    this._inputProblem = null;
    this.emitChanged();
  }

  /** Changing the type re-runs a search that was already made, like the existing panel. */
  setType(type: SearchType): void {
    if (type === this._type) {
      return;
    }
    this._type = type;
    this.emitChanged();
    if (this._status !== 'idle') {
      void this.search();
    }
  }

  addFilter(): void {
    this._filters = [...this._filters, newFilterRow()];
    this.emitChanged();
  }

  updateFilter(id: number, change: Partial<Omit<IFilterRow, 'id'>>): void {
    this._filters = this._filters.map(row => (row.id === id ? { ...row, ...change } : row));
    this.emitChanged();
  }

  removeFilter(id: number): void {
    this._filters = this._filters.filter(row => row.id !== id);
    this.emitChanged();
  }

  clearFilters(): void {
    this._filters = [];
    this.emitChanged();
  }

  /** Forgets results (e.g. after the active instance changed). */
  reset(): void {
    this._abort?.abort();
    this._abort = null;
    this._results = [];
    this._status = 'idle';
    this._error = null;
    this._inputProblem = null;
    this.emitChanged();
  }

  /** Runs the search; a newer search cancels an older one still streaming. */
  async search(): Promise<void> {
    const instance = this._context.instance();
    const problem = this._validate(instance);
    if (problem || !instance) {
      this._inputProblem = problem ?? 'Choose a Rucio instance in Settings first.';
      this.emitChanged();
      return;
    }
    this._abort?.abort();
    const abort = new AbortController();
    this._abort = abort;
    this._results = [];
    this._status = 'searching';
    this._error = null;
    this._inputProblem = null;
    this._lastLimit = this._context.limit();
    this.emitChanged();

    try {
      await searchDids(
        {
          namespace: instance.name,
          did: this._query.trim(),
          type: this._type,
          filters: serializeFilters(this._filters),
          limit: this._lastLimit
        },
        items => {
          if (abort.signal.aborted) {
            return;
          }
          const batch = items.map(item => ({ ...item, sortKey: item.did.toLowerCase() })).sort(compare);
          this._results = mergeSorted(this._results, batch);
          this.emitChanged();
        },
        abort.signal
      );
      if (!abort.signal.aborted) {
        this._status = 'done';
      }
    } catch (error) {
      if (abort.signal.aborted) {
        return;
      }
      this._status = 'error';
      this._error =
        error instanceof ApiError ? error : new ApiError({ status: 0, kind: 'server', message: messageOf(error) });
    } finally {
      if (this._abort === abort) {
        this._abort = null;
      }
    }
    this.emitChanged();
  }

  dispose(): void {
    this._abort?.abort();
    super.dispose();
  }

  private _validate(instance: IInstance | null): string | null {
    const text = this._query.trim();
    if (!instance) {
      return 'Choose a Rucio instance in Settings first.';
    }
    const did = parseDid(text);
    if (!did) {
      return 'Enter a DID as scope:name, for example user.jdoe:data*. Pick a scope with the scope button.';
    }
    if (did.name === '') {
      return 'Enter a name after the scope, for example ' + `${did.scope}:*` + '.';
    }
    if (instance.wildcard_enabled === false && did.name.includes('*')) {
      return 'Wildcard search is disabled on this Rucio instance. Enter a complete name, for example scope:name.';
    }
    return null;
  }
}
