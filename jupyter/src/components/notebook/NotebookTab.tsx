/** The Notebook tab: DIDs attached to the active notebook, their status, and detaching them. */
import React, { useMemo } from 'react';

import type { IAttachment } from '../../model/attachments';
import type { PanelModel } from '../../model/panel';
import { EmptyState } from '../common/Feedback';
import { StatusView } from '../explore/StatusView';
import { useWatches } from '../explore/ResultList';
import { DidTypeIcon } from '../explore/DidTypeIcon';
import { useModel } from '../useModel';

export function NotebookTab(props: { model: PanelModel }): JSX.Element {
  const attachments = useModel(props.model.attachments);
  const statuses = useModel(props.model.statuses);
  const list = attachments.attachments;
  const dids = useMemo(() => new Set(list.map(a => a.did)), [list]);
  useWatches(statuses, dids);

  const notebook = attachments.notebook;
  if (!notebook) {
    return <EmptyState>Open a notebook to see the DIDs attached to it.</EmptyState>;
  }
  if (list.length === 0) {
    return (
      <EmptyState>
        No DID is attached to {notebook.name}. In Explore, expand a DID and choose Add to Notebook.
      </EmptyState>
    );
  }
  return (
    <div className="jp-Rucio-scroll">
      <h3 className="jp-Rucio-heading">Attached to {notebook.name}</h3>
      <ul className="jp-Rucio-attachments" aria-label="Attached DIDs">
        {list.map(attachment => (
          <AttachmentItem key={attachment.did} attachment={attachment} model={props.model} />
        ))}
      </ul>
    </div>
  );
}

function AttachmentItem(props: { attachment: IAttachment; model: PanelModel }): JSX.Element {
  const { attachment, model } = props;
  const entry = model.statuses.get(attachment.did);
  const type = entry?.status?.type ?? (attachment.type === 'file' ? 'file' : 'dataset');
  return (
    <li className="jp-Rucio-attachment">
      <div className="jp-Rucio-row">
        <DidTypeIcon type={type} />
        <code className="jp-Rucio-varName">{attachment.variableName}</code>
        <span className="jp-Rucio-didName" title={attachment.did}>
          {attachment.did}
        </span>
        <button
          className="jp-Rucio-iconButton"
          aria-label={`Detach ${attachment.did}`}
          title="Detach from this notebook"
          onClick={() => model.attachments.detach(attachment.did)}
        >
          ×
        </button>
      </div>
      <StatusView did={attachment.did} entry={entry} statuses={model.statuses} />
    </li>
  );
}
