/** Browses the server's file system (through the backend, confined to the user's space) to pick a path. */
import React, { useEffect, useState } from 'react';

import { ApiError, messageOf } from '../../api/errors';
import { listDirectory } from '../../api/misc';
import type { IFileBrowserEntry } from '../../api/types';
import { ErrorMessage, Spinner } from '../common/Feedback';

function parentOf(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  const index = trimmed.lastIndexOf('/');
  return index <= 0 ? (trimmed.startsWith('/') ? '/' : '') : trimmed.slice(0, index);
}

export function FilePicker(props: { start: string; onPick(path: string): void; onClose(): void }): JSX.Element {
  const [path, setPath] = useState(() => (props.start ? parentOf(props.start) : ''));
  const [entries, setEntries] = useState<IFileBrowserEntry[] | null>(null);
  const [error, setError] = useState<ApiError | string | null>(null);

  useEffect(() => {
    const abort = new AbortController();
    setEntries(null);
    setError(null);
    listDirectory(path, abort.signal)
      .then(list =>
        setEntries([...list].sort((a, b) => (a.type === b.type ? a.name.localeCompare(b.name) : a.type === 'dir' ? -1 : 1)))
      )
      .catch(e => {
        if (!abort.signal.aborted) {
          setError(e instanceof ApiError ? e : messageOf(e));
        }
      });
    return () => abort.abort();
  }, [path]);

  return (
    <div
      className="jp-Rucio-popover jp-Rucio-filePicker"
      role="dialog"
      aria-label="Choose a file on the server"
      onKeyDown={e => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          props.onClose();
        }
      }}
    >
      <div className="jp-Rucio-row">
        <button className="jp-Rucio-iconButton" aria-label="Parent folder" title="Parent folder" onClick={() => setPath(parentOf(path))}>
          ↑
        </button>
        <code className="jp-Rucio-didName">{path || '~'}</code>
        <button className="jp-Rucio-iconButton" aria-label="Close" title="Close" onClick={props.onClose} autoFocus>
          ×
        </button>
      </div>
      {error && <ErrorMessage error={error} />}
      {!error && entries === null && <Spinner label="Listing…" />}
      {entries !== null && entries.length === 0 && <div className="jp-Rucio-muted">This folder is empty.</div>}
      <ul className="jp-Rucio-scopeList">
        {(entries ?? []).map(entry => (
          <li key={entry.path}>
            <button
              className="jp-Rucio-linkButton"
              onClick={() => (entry.type === 'dir' ? setPath(entry.path) : props.onPick(entry.path))}
            >
              {entry.type === 'dir' ? `${entry.name}/` : entry.name}
            </button>
          </li>
        ))}
      </ul>
    </div>
  );
}
