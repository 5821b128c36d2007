/**
 * Search results with their expanded details, flattened into one windowed list: a DID row, then
 * (when expanded) its status block and, for collections, one row per file, loaded page by page.
 */
import React, { useCallback, useEffect, useMemo, useRef } from 'react';

import type { IDisposable } from '@lumino/disposable';

import type { IFileStatus } from '../../api/types';
import type { AttachmentsModel } from '../../model/attachments';
import { DidStatusCache, FILES_PAGE_SIZE } from '../../model/didStatus';
import { formatBytes } from '../../model/format';
import type { SearchResult } from '../../model/search';
import { VirtualList } from '../common/VirtualList';
import { AddToNotebook } from './AddToNotebook';
import { DidName } from './DidName';
import { DidTypeIcon } from './DidTypeIcon';
import { StatusView } from './StatusView';

type Row =
  | { kind: 'did'; result: SearchResult }
  | { kind: 'details'; result: SearchResult }
  | { kind: 'file'; did: string; index: number };

const HEIGHTS = { did: 28, details: 92, file: 24 };

export interface IResultListProps {
  results: readonly SearchResult[];
  statuses: DidStatusCache;
  attachments: AttachmentsModel;
  expanded: ReadonlySet<string>;
  onToggle(did: string): void;
}

/** Keeps a status watch open for every expanded DID (so it is polled while replicating). */
export function useWatches(statuses: DidStatusCache, dids: ReadonlySet<string>): void {
  const handles = useRef(new Map<string, IDisposable>());
  useEffect(() => {
    for (const did of dids) {
      if (!handles.current.has(did)) {
        handles.current.set(did, statuses.watch(did));
      }
    }
    for (const [did, handle] of handles.current) {
      if (!dids.has(did)) {
        handle.dispose();
        handles.current.delete(did);
      }
    }
  }, [statuses, dids]);
  useEffect(
    () => () => {
      for (const handle of handles.current.values()) {
        handle.dispose();
      }
      handles.current.clear();
    },
    [statuses]
  );
}

function moveFocus(from: HTMLElement, step: 1 | -1): void {
  const list = from.closest('.jp-Rucio-vlist');
  const rows = list ? Array.from(list.querySelectorAll<HTMLElement>('.jp-Rucio-didRow')) : [];
  const index = rows.indexOf(from);
  rows[index + step]?.focus();
}

/** The scope every result is in, or null when they differ: then the rows need not repeat it. */
function sharedScope(results: readonly SearchResult[]): string | null {
  const scopes = new Set(results.map(result => result.did.slice(0, result.did.indexOf(':'))));
  return scopes.size === 1 ? [...scopes][0] : null;
}

export function ResultList(props: IResultListProps): JSX.Element {
  const { results, statuses, attachments, expanded, onToggle } = props;
  const scope = useMemo(() => sharedScope(results), [results]);

  const rows = useMemo(() => {
    const out: Row[] = [];
    for (const result of results) {
      out.push({ kind: 'did', result });
      if (!expanded.has(result.did)) {
        continue;
      }
      out.push({ kind: 'details', result });
      const total = result.type === 'file' ? 0 : statuses.get(result.did)?.status?.files_total ?? 0;
      for (let index = 0; index < total; index++) {
        out.push({ kind: 'file', did: result.did, index });
      }
    }
    return out;
    // statuses.version: a collection's file count arrives with its status.
  }, [results, expanded, statuses, statuses.version]);

  const rowKey = useCallback((i: number) => {
    const row = rows[i];
    return row.kind === 'file' ? `f:${row.did}#${row.index}` : `${row.kind === 'did' ? 'd' : 'x'}:${row.result.did}`;
  }, [rows]);
  const estimateHeight = useCallback((i: number) => HEIGHTS[rows[i].kind], [rows]);

  const onRangeRendered = useCallback(
    (start: number, end: number) => {
      const wanted = new Set<string>();
      for (let i = start; i < end; i++) {
        const row = rows[i];
        if (row.kind === 'file') {
          const page = Math.floor(row.index / FILES_PAGE_SIZE);
          const key = `${row.did}\n${page}`;
          if (!wanted.has(key)) {
            wanted.add(key);
            statuses.ensurePage(row.did, page);
          }
        }
      }
    },
    [rows, statuses]
  );

  const renderRow = (i: number): React.ReactNode => {
    const row = rows[i];
    if (row.kind === 'did') {
      const { result } = row;
      const isOpen = expanded.has(result.did);
      return (
        <div
          className={`jp-Rucio-didRow${isOpen ? ' jp-mod-expanded' : ''}`}
          role="button"
          tabIndex={0}
          aria-expanded={isOpen}
          aria-label={result.type === 'file' ? `${result.did} ${formatBytes(result.size)}` : result.did}
          title={result.did}
          onClick={() => onToggle(result.did)}
          onKeyDown={e => {
            if (e.key === 'Enter' || e.key === ' ') {
              e.preventDefault();
              onToggle(result.did);
            } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
              e.preventDefault();
              moveFocus(e.currentTarget, e.key === 'ArrowDown' ? 1 : -1);
            }
          }}
        >
          <span className="jp-Rucio-caret" aria-hidden="true">{isOpen ? '▾' : '▸'}</span>
          <DidTypeIcon type={result.type} />
          {/* The shared scope is only hidden from sight: copied text keeps the whole DID. */}
          {scope !== null && <span className="jp-Rucio-srOnly">{`${scope}:`}</span>}
          <DidName name={scope === null ? result.did : result.did.slice(scope.length + 1)} />
          <span className="jp-Rucio-size">{result.type === 'file' ? formatBytes(result.size) : ''}</span>
        </div>
      );
    }
    if (row.kind === 'details') {
      const { result } = row;
      return (
        <div className="jp-Rucio-details">
          <StatusView
            did={result.did}
            entry={statuses.get(result.did)}
            statuses={statuses}
            extraActions={<AddToNotebook did={result.did} type={result.type} attachments={attachments} />}
          />
        </div>
      );
    }
    return <FileRow file={fileAt(statuses, row.did, row.index)} />;
  };

  return (
    <VirtualList
      count={rows.length}
      rowKey={rowKey}
      estimateHeight={estimateHeight}
      renderRow={renderRow}
      onRangeRendered={onRangeRendered}
      ariaLabel="Search results"
      className="jp-Rucio-results"
    />
  );
}

function fileAt(statuses: DidStatusCache, did: string, index: number): IFileStatus | null {
  const page = statuses.get(did)?.pages.get(Math.floor(index / FILES_PAGE_SIZE));
  return page?.[index % FILES_PAGE_SIZE] ?? null;
}

const FILE_STATUS_LABELS: Record<string, string> = {
  OK: 'available',
  REPLICATING: 'replicating',
  STUCK: 'stuck',
  NOT_AVAILABLE: 'not available',
  FETCHING: 'checking',
  FAILED: 'failed'
};

function FileRow(props: { file: IFileStatus | null }): JSX.Element {
  const { file } = props;
  if (!file) {
    return <div className="jp-Rucio-fileRow jp-Rucio-muted">Loading…</div>;
  }
  const name = file.did.slice(file.did.indexOf(':') + 1);
  const label = FILE_STATUS_LABELS[file.status] ?? file.status.toLowerCase();
  return (
    <div className="jp-Rucio-fileRow" title={`${file.did}: ${label}${file.error ? ` (${file.error})` : ''}`}>
      <span className={`jp-Rucio-fileState jp-mod-${file.status.toLowerCase()}`} title={label} aria-hidden="true" />
      <span className="jp-Rucio-srOnly">{label}</span>
      <DidName name={name} />
      <span className="jp-Rucio-size">{formatBytes(file.size)}</span>
    </div>
  );
}
