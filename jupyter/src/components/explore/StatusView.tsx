/** What an expanded DID shows: its availability, progress and the actions that apply to it. */
import React from 'react';

import type { IDidStatus } from '../../api/types';
import { DidStatusCache, IStatusEntry } from '../../model/didStatus';
import { formatBytes, plural, ratio } from '../../model/format';
import { ErrorMessage, ProgressBar, Spinner } from '../common/Feedback';

/** A one-line summary of a status, also used by the Notebook tab. */
export function statusSummary(status: IDidStatus): string {
  const { counts } = status;
  const collection = status.type !== 'file';
  switch (status.status) {
    case 'AVAILABLE':
      return collection ? `Available: all ${plural(counts.total, 'file')}` : 'Available';
    case 'PARTIALLY_AVAILABLE':
      return `Partially available: ${counts.ok.toLocaleString('en-US')} of ${plural(counts.total, 'file')}`;
    case 'NOT_AVAILABLE':
      return 'Not available';
    case 'REPLICATING': {
      const verb = status.mode === 'download' ? 'Downloading' : 'Replicating';
      return collection ? `${verb}: ${counts.ok.toLocaleString('en-US')} of ${plural(counts.total, 'file')}` : `${verb}…`;
    }
    case 'STUCK':
      return 'Stuck';
    case 'FAILED':
      return 'Failed';
    case 'EMPTY':
      return 'Empty collection';
    default:
      return status.status;
  }
}

export function statusTone(status: IDidStatus | null): 'ok' | 'busy' | 'warn' | 'error' | 'none' {
  switch (status?.status) {
    case 'AVAILABLE':
      return 'ok';
    case 'REPLICATING':
      return 'busy';
    case 'PARTIALLY_AVAILABLE':
    case 'STUCK':
      return 'warn';
    case 'FAILED':
      return 'error';
    default:
      return 'none';
  }
}

/** Why a DID is stuck or failed: the backend's rule analysis first, then the first file's error. */
function failureReason(status: IDidStatus): string | null {
  return status.reason ?? status.rules.find(r => r.error)?.error ?? status.files.find(f => f.error)?.error ?? null;
}

function ruleLink(status: IDidStatus): string | null {
  return status.rules.find(r => r.webui_url)?.webui_url ?? null;
}

export interface IStatusViewProps {
  entry: IStatusEntry | undefined;
  statuses: DidStatusCache;
  did: string;
  /** Rendered next to the actions (e.g. Add to Notebook). */
  extraActions?: React.ReactNode;
}

export function StatusView(props: IStatusViewProps): JSX.Element {
  const { entry, statuses, did } = props;
  const status = entry?.status ?? null;
  if (!status) {
    if (entry?.error) {
      return (
        <div className="jp-Rucio-status">
          <ErrorMessage error={entry.error} />
          <button className="jp-Rucio-button" onClick={() => void statuses.fetch(did, true).catch(() => undefined)}>
            Try again
          </button>
        </div>
      );
    }
    return <Spinner label="Checking availability…" />;
  }

  const busyAction = entry?.action ?? null;
  const tone = statusTone(status);
  const link = ruleLink(status);
  const reason = status.status === 'STUCK' || status.status === 'FAILED' ? failureReason(status) : null;
  const canMakeAvailable = status.status === 'NOT_AVAILABLE' || status.status === 'PARTIALLY_AVAILABLE';
  const canRetry = status.status === 'STUCK' || status.status === 'FAILED';
  const summary = statusSummary(status);

  return (
    <div className="jp-Rucio-status" data-status={status.status}>
      <div className={`jp-Rucio-status-line jp-mod-${tone}`}>
        <span className="jp-Rucio-status-dot" aria-hidden="true" />
        {link && (status.status === 'AVAILABLE' || status.status === 'STUCK') ? (
          <a href={link} target="_blank" rel="noopener noreferrer" title="Open the replication rule in the Rucio WebUI">
            {summary}
          </a>
        ) : (
          <span>{summary}</span>
        )}
        {entry?.loading && <span className="jp-Rucio-muted"> · updating</span>}
      </div>
      {status.status === 'REPLICATING' && (
        <div className="jp-Rucio-status-progress">
          <ProgressBar value={ratio(status.bytes.ok, status.bytes.total)} label={`Progress of ${did}`} />
          <span className="jp-Rucio-muted">
            {formatBytes(status.bytes.ok) || '0 B'} of {formatBytes(status.bytes.total) || 'unknown size'}
          </span>
        </div>
      )}
      {reason && <ErrorMessage error={reason} className="jp-Rucio-reason" />}
      {entry?.actionError && <ErrorMessage error={entry.actionError} />}
      <div className="jp-Rucio-actions">
        {canMakeAvailable && (
          <button
            className="jp-Rucio-button jp-mod-accept"
            disabled={busyAction !== null}
            onClick={() => void statuses.makeAvailable(did)}
          >
            {busyAction === 'make-available' ? 'Requesting…' : 'Make Available'}
          </button>
        )}
        {canRetry && (
          <button className="jp-Rucio-button" disabled={busyAction !== null} onClick={() => void statuses.retry(did)}>
            {busyAction === 'retry' ? 'Retrying…' : 'Retry'}
          </button>
        )}
        {props.extraActions}
      </div>
    </div>
  );
}
