/** The Explore tab: search DIDs and look at their availability. */
import React, { useCallback, useEffect, useRef, useState } from 'react';

import type { SearchType } from '../../api/types';
import type { PanelModel } from '../../model/panel';
import { SEARCH_TYPES } from '../../model/search';
import { EmptyState, ErrorMessage, Spinner } from '../common/Feedback';
import { useModel } from '../useModel';
import { FilterEditor } from './FilterEditor';
import { ResultList, useWatches } from './ResultList';
import { ScopePicker } from './ScopePicker';

export function ExploreTab(props: { model: PanelModel }): JSX.Element {
  const { model } = props;
  const search = useModel(model.search);
  const statuses = useModel(model.statuses);
  const instance = model.session.activeInstance;
  const inputRef = useRef<HTMLInputElement>(null);
  const [scopesOpen, setScopesOpen] = useState(false);
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  useWatches(statuses, expanded);

  useEffect(() => {
    model.focusSearchField = () => inputRef.current?.focus();
    return () => {
      model.focusSearchField = null;
    };
  }, [model]);

  // A new result set starts collapsed.
  const results = search.results;
  useEffect(() => {
    if (search.status === 'searching' && results.length === 0) {
      setExpanded(new Set());
    }
  }, [search.status, results.length]);

  const toggle = useCallback((did: string) => {
    setExpanded(previous => {
      const next = new Set(previous);
      if (!next.delete(did)) {
        next.add(did);
      }
      return next;
    });
  }, []);

  const run = () => void search.search();

  return (
    <div className="jp-Rucio-explore">
      <div className="jp-Rucio-searchBox">
        <div className="jp-Rucio-searchField">
          <input
            ref={inputRef}
            className="jp-mod-styled jp-Rucio-input"
            placeholder="scope:name, e.g. user.jdoe:data*"
            aria-label="Data identifier to search for (scope:name)"
            autoComplete="off"
            spellCheck={false}
            value={search.query}
            onChange={e => search.setQuery(e.target.value)}
            onKeyDown={e => {
              if (e.key === 'Enter') {
                e.preventDefault();
                run();
              }
            }}
          />
          <button
            className="jp-Rucio-iconButton"
            aria-label="Choose a scope"
            title="Choose a scope"
            aria-expanded={scopesOpen}
            onClick={() => setScopesOpen(open => !open)}
          >
            ⌄
          </button>
          <button className="jp-Rucio-button jp-mod-accept" onClick={run} disabled={search.status === 'searching'}>
            Search
          </button>
        </div>
        {scopesOpen && instance && (
          <ScopePicker
            namespace={instance.name}
            onClose={() => {
              setScopesOpen(false);
              inputRef.current?.focus();
            }}
            onPick={scope => {
              search.setQuery(`${scope}:`);
              setScopesOpen(false);
              inputRef.current?.focus();
            }}
          />
        )}
        {instance?.wildcard_enabled === false && (
          <div className="jp-Rucio-hint">Wildcard search (*) is disabled on this instance: enter complete names.</div>
        )}
        <label className="jp-Rucio-row jp-Rucio-typeFilter">
          <span>Search</span>
          <select
            className="jp-mod-styled"
            value={search.type}
            onChange={e => search.setType(e.target.value as SearchType)}
          >
            {SEARCH_TYPES.map(t => (
              <option key={t.value} value={t.value}>
                {t.label}
              </option>
            ))}
          </select>
        </label>
        <FilterEditor search={search} onSubmit={run} />
      </div>
      <SearchOutcome model={model} expanded={expanded} onToggle={toggle} />
    </div>
  );
}

function SearchOutcome(props: {
  model: PanelModel;
  expanded: ReadonlySet<string>;
  onToggle(did: string): void;
}): JSX.Element {
  const { search, statuses, attachments } = props.model;
  const results = search.results;
  if (search.inputProblem) {
    return <div className="jp-Rucio-hint jp-mod-error jp-Rucio-pad" role="alert">{search.inputProblem}</div>;
  }
  if (search.status === 'error' && search.error) {
    return (
      <div className="jp-Rucio-pad">
        <ErrorMessage error={search.error} />
      </div>
    );
  }
  if (search.status === 'idle') {
    return <EmptyState>Search for datasets, containers and files by scope:name. Use * as a wildcard.</EmptyState>;
  }
  if (search.status === 'done' && results.length === 0) {
    return <EmptyState>No DIDs match this search.</EmptyState>;
  }
  return (
    <>
      <div className="jp-Rucio-resultsHeader" role="status" aria-live="polite">
        {search.status === 'searching' ? (
          <Spinner label={results.length > 0 ? `${results.length.toLocaleString('en-US')} results so far…` : 'Searching…'} />
        ) : (
          <span>
            {`${results.length.toLocaleString('en-US')} result${results.length === 1 ? '' : 's'}`}
            {search.truncated ? ' (limit reached: refine the search to see the rest)' : ''}
          </span>
        )}
      </div>
      {results.length > 0 && (
        <ResultList
          results={results}
          statuses={statuses}
          attachments={attachments}
          expanded={props.expanded}
          onToggle={props.onToggle}
        />
      )}
    </>
  );
}
