import React from 'react';

import type { DidType } from '../../api/types';
import { containerIcon, datasetIcon, didFileIcon } from '../../icons';

const ICONS = { container: containerIcon, dataset: datasetIcon, file: didFileIcon };
const LABELS: Record<DidType, string> = { container: 'Container', dataset: 'Dataset', file: 'File' };

export function DidTypeIcon(props: { type: DidType }): JSX.Element {
  const Icon = ICONS[props.type] ?? didFileIcon;
  return (
    <span className={`jp-Rucio-didIcon jp-Rucio-didIcon-${props.type}`} title={LABELS[props.type]}>
      <Icon.react tag="span" width="16px" height="16px" />
    </span>
  );
}

export function didTypeLabel(type: DidType): string {
  return LABELS[type] ?? 'DID';
}
