/** The scope button next to the search field: lists the instance's scopes, picking one fills `scope:`. */
import React, { useEffect, useState } from 'react';

import { listScopes } from '../../api/dids';
import { ApiError, messageOf } from '../../api/errors';
import { ErrorMessage, Spinner } from '../common/Feedback';

export function ScopePicker(props: { namespace: string; onPick(scope: string): void; onClose(): void }): JSX.Element {
  const [scopes, setScopes] = useState<string[] | null>(null);
  const [error, setError] = useState<ApiError | string | null>(null);
  const [filter, setFilter] = useState('');

  useEffect(() => {
    const abort = new AbortController();
    listScopes(props.namespace, abort.signal)
      .then(setScopes)
      .catch(e => {
        if (!abort.signal.aborted) {
          setError(e instanceof ApiError ? e : messageOf(e));
        }
      });
    return () => abort.abort();
  }, [props.namespace]);

  const shown = (scopes ?? []).filter(s => s.toLowerCase().includes(filter.toLowerCase()));
  return (
    <div
      className="jp-Rucio-popover"
      role="dialog"
      aria-label="Available scopes"
      onKeyDown={e => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          props.onClose();
        }
      }}
    >
      <input
        className="jp-mod-styled jp-Rucio-input"
        placeholder="Filter scopes"
        aria-label="Filter scopes"
        autoFocus
        value={filter}
        onChange={e => setFilter(e.target.value)}
        onKeyDown={e => {
          if (e.key === 'Enter' && shown.length > 0) {
            props.onPick(shown[0]);
          }
        }}
      />
      {error && <ErrorMessage error={error} />}
      {!error && scopes === null && <Spinner label="Loading scopes…" />}
      {scopes !== null && shown.length === 0 && <div className="jp-Rucio-muted">No scope matches.</div>}
      <ul className="jp-Rucio-scopeList">
        {shown.map(scope => (
          <li key={scope}>
            <button className="jp-Rucio-linkButton" onClick={() => props.onPick(scope)}>
              {scope}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
