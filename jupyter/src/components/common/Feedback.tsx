/** Small presentational pieces shared by the tabs: errors, progress, spinners, empty states. */
import React from 'react';

import { ApiError } from '../../api/errors';

export function ErrorMessage(props: { error: ApiError | string; className?: string }): JSX.Element {
  const { error } = props;
  const message = typeof error === 'string' ? error : error.message;
  const details = typeof error === 'string' ? '' : error.details;
  return (
    <div className={`jp-Rucio-error ${props.className ?? ''}`} role="alert" title={details || undefined}>
      <span className="jp-Rucio-error-text">{message}</span>
      {details && (
        <details className="jp-Rucio-error-details">
          <summary>Details</summary>
          <code>{details}</code>
        </details>
      )}
    </div>
  );
}

export function Spinner(props: { label: string }): JSX.Element {
  return (
    <div className="jp-Rucio-spinner" role="status" aria-live="polite">
      <span className="jp-Rucio-spinner-dot" aria-hidden="true" />
      <span>{props.label}</span>
    </div>
  );
}

export function ProgressBar(props: { value: number; label: string }): JSX.Element {
  const percent = Math.round(props.value * 100);
  return (
    <div
      className="jp-Rucio-progress"
      role="progressbar"
      aria-label={props.label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={percent}
    >
      <div className="jp-Rucio-progress-fill" style={{ width: `${percent}%` }} />
    </div>
  );
}

export function EmptyState(props: { children: React.ReactNode }): JSX.Element {
  return <div className="jp-Rucio-empty">{props.children}</div>;
}
