/** "Add to Notebook": asks for a variable name inline, validated as the user types. */
import React, { useState } from 'react';

import type { DidType } from '../../api/types';
import { AttachmentsModel, attachmentTypeOf } from '../../model/attachments';
import { suggestVariableName } from '../../model/variableName';
import { useModel } from '../useModel';

export function AddToNotebook(props: { did: string; type: DidType; attachments: AttachmentsModel }): JSX.Element | null {
  const attachments = useModel(props.attachments);
  const [name, setName] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const notebook = attachments.notebook;
  const existing = attachments.find(props.did);

  if (existing) {
    return (
      <span className="jp-Rucio-attached">
        Attached as <code>{existing.variableName}</code>
      </span>
    );
  }
  if (!notebook) {
    return (
      <button className="jp-Rucio-button" disabled title="Open a notebook to attach this DID to it">
        Add to Notebook
      </button>
    );
  }
  if (name === null) {
    return (
      <button
        className="jp-Rucio-button"
        onClick={() => {
          setFailure(null);
          setName(suggestVariableName(props.did, attachments.attachments.map(a => a.variableName)));
        }}
      >
        Add to Notebook
      </button>
    );
  }

  const problem = attachments.validateName(name);
  const submit = () => {
    if (problem) {
      return;
    }
    try {
      attachments.attach(props.did, name, attachmentTypeOf(props.type));
      setName(null);
    } catch (error) {
      setFailure(error instanceof Error ? error.message : String(error));
    }
  };
  const inputId = `jp-Rucio-varname-${props.did}`;
  return (
    <div className="jp-Rucio-addToNotebook">
      <label htmlFor={inputId}>
        Variable name in {notebook.name}
        {attachments.kernelLanguage ? ` (${attachments.kernelLanguage} kernel)` : ''}
      </label>
      <div className="jp-Rucio-row">
        <input
          id={inputId}
          className="jp-mod-styled jp-Rucio-input"
          value={name}
          autoFocus
          spellCheck={false}
          aria-invalid={problem !== null}
          onChange={e => setName(e.target.value)}
          onKeyDown={e => {
            if (e.key === 'Enter') {
              e.preventDefault();
              submit();
            } else if (e.key === 'Escape') {
              e.preventDefault();
              setName(null);
            }
          }}
        />
        <button className="jp-Rucio-button jp-mod-accept" onClick={submit} disabled={problem !== null}>
          Add
        </button>
        <button className="jp-Rucio-button" onClick={() => setName(null)}>
          Cancel
        </button>
      </div>
      <div className={problem || failure ? 'jp-Rucio-hint jp-mod-error' : 'jp-Rucio-hint'} role="status">
        {failure ?? problem ?? 'Enter to add, Escape to cancel.'}
      </div>
    </div>
  );
}
