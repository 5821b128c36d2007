/** The Transfers tab: downloads (download mode) and uploads with progress and cancel. */
import React from 'react';

import type { ITransfer } from '../../api/types';
import { formatBytes, ratio } from '../../model/format';
import type { PanelModel } from '../../model/panel';
import { isActiveTransfer, TransfersModel } from '../../model/transfers';
import { EmptyState, ErrorMessage, ProgressBar, Spinner } from '../common/Feedback';
import { useModel } from '../useModel';

const STATUS_LABELS: Record<ITransfer['status'], string> = {
  QUEUED: 'Queued',
  RUNNING: 'Running',
  DONE: 'Done',
  FAILED: 'Failed',
  CANCELLED: 'Cancelled'
};

export function TransfersTab(props: { model: PanelModel }): JSX.Element {
  const transfers = useModel(props.model.transfers);
  const list = transfers.transfers;
  return (
    <div className="jp-Rucio-scroll">
      {transfers.error && <ErrorMessage error={transfers.error} />}
      {!transfers.loaded && !transfers.error && <Spinner label="Loading transfers…" />}
      {transfers.loaded && list.length === 0 && !transfers.error && (
        <EmptyState>
          No transfers yet. Downloads started with Make Available on a download-mode instance, and uploads, appear here.
        </EmptyState>
      )}
      {list.length > 0 && (
        <ul className="jp-Rucio-transfers" aria-label="Transfers">
          {list.map(t => (
            <TransferItem key={t.id} transfer={t} transfers={transfers} openLog={props.model.openUploadLog} />
          ))}
        </ul>
      )}
    </div>
  );
}

function TransferItem(props: {
  transfer: ITransfer;
  transfers: TransfersModel;
  openLog: ((id: string) => void) | null;
}): JSX.Element {
  const { transfer, transfers, openLog } = props;
  const active = isActiveTransfer(transfer);
  const upload = transfer.kind === 'upload';
  const job = upload ? transfers.uploadJob(transfer.id) : undefined;
  const files =
    transfer.files_total !== null && transfer.files_total !== undefined
      ? `${transfer.files_done} of ${transfer.files_total} files`
      : `${transfer.files_done} files`;
  const bytes = `${formatBytes(transfer.bytes_done) || '0 B'} of ${formatBytes(transfer.bytes_total) || 'unknown size'}`;
  return (
    <li className={`jp-Rucio-transfer jp-mod-${transfer.status.toLowerCase()}`}>
      <div className="jp-Rucio-row">
        <span className="jp-Rucio-badge">{transfer.kind === 'upload' ? 'Upload' : 'Download'}</span>
        <span className="jp-Rucio-didName" title={transfer.did}>
          {transfer.did}
        </span>
        <span className="jp-Rucio-transferStatus">{STATUS_LABELS[transfer.status] ?? transfer.status}</span>
      </div>
      {job && (
        <div className="jp-Rucio-row jp-Rucio-muted" title={`${job.path} → ${job.rse}`}>
          <span className="jp-Rucio-didName">
            {job.path} → {job.rse}
          </span>
        </div>
      )}
      {active && <ProgressBar value={ratio(transfer.bytes_done, transfer.bytes_total)} label={`Progress of ${transfer.did}`} />}
      <div className="jp-Rucio-row jp-Rucio-muted">
        <span>{files}</span>
        <span>·</span>
        <span>{bytes}</span>
      </div>
      {transfer.error && <ErrorMessage error={transfer.error} />}
      {(active || upload) && (
        <div className="jp-Rucio-actions">
          {active && (
            <button
              className="jp-Rucio-button jp-mod-warn"
              disabled={transfers.isCancelling(transfer.id)}
              onClick={() => void transfers.cancel(transfer.id)}
            >
              {transfers.isCancelling(transfer.id) ? 'Cancelling…' : 'Cancel'}
            </button>
          )}
          {upload && openLog && (
            <button className="jp-Rucio-button" onClick={() => openLog(transfer.id)}>
              Show log
            </button>
          )}
          {upload && !active && (
            <button
              className="jp-Rucio-button"
              disabled={transfers.isRemoving(transfer.id)}
              title="Remove this job and its log from the list"
              onClick={() => void transfers.removeUpload(transfer.id)}
            >
              Remove
            </button>
          )}
        </div>
      )}
    </li>
  );
}
