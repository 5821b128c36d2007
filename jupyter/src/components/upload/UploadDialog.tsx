/** The "Upload to Rucio" dialog: its form (a view of UploadFormModel) and a Dialog that uploads before closing. */
import React from 'react';

import { Dialog } from '@jupyterlab/apputils';
import { ReactWidget } from '@jupyterlab/ui-components';

import { UploadField, UploadFormModel } from '../../model/uploadForm';
import { ErrorMessage, Spinner } from '../common/Feedback';
import { useModel } from '../useModel';

const MAX_LISTED_PATHS = 5;
const UPLOAD_BUTTON_INDEX = 1;

/** A select when the choices are known, else a text field (the listing failed or is still loading). */
function Choice(props: {
  id: string;
  value: string;
  choices: readonly string[] | null;
  placeholder: string;
  invalid: boolean;
  onChange: (value: string) => void;
}): JSX.Element {
  if (props.choices && props.choices.length > 0) {
    return (
      <select
        id={props.id}
        className="jp-mod-styled"
        value={props.value}
        aria-invalid={props.invalid}
        onChange={e => props.onChange(e.target.value)}
      >
        <option value="">{props.placeholder}</option>
        {props.choices.map(choice => (
          <option key={choice} value={choice}>
            {choice}
          </option>
        ))}
      </select>
    );
  }
  return (
    <input
      id={props.id}
      className="jp-mod-styled"
      value={props.value}
      placeholder={props.placeholder}
      spellCheck={false}
      aria-invalid={props.invalid}
      onChange={e => props.onChange(e.target.value)}
    />
  );
}

function FieldError(props: { form: UploadFormModel; errors: Partial<Record<UploadField, string>>; field: UploadField }) {
  const message = props.form.showErrors ? props.errors[props.field] : undefined;
  // Not .jp-mod-error: the Dialog would read it before React re-renders and keep Upload disabled.
  return message ? (
    <div className="jp-Rucio-fieldError" role="alert">
      {message}
    </div>
  ) : null;
}

export function UploadForm(props: { form: UploadFormModel }): JSX.Element {
  const form = useModel(props.form);
  const errors = form.errors();
  const invalid = (field: UploadField) => form.showErrors && errors[field] !== undefined;
  const shown = form.paths.slice(0, MAX_LISTED_PATHS);
  return (
    <div className="jp-Rucio-uploadForm">
      <div className="jp-Rucio-uploadPaths">
        {shown.map(path => (
          <code key={path}>{path}</code>
        ))}
        {form.paths.length > shown.length && <span>and {form.paths.length - shown.length} more</span>}
        {form.includesFolder && <span className="jp-Rucio-hint">Folders are uploaded with everything in them.</span>}
      </div>
      {form.authWarning && (
        <div className="jp-Rucio-warning" role="note">
          <strong>Warning:</strong> {form.authWarning}
        </div>
      )}
      {form.loadError && <ErrorMessage error={form.loadError} />}
      {form.rses === null && !form.loadError && <Spinner label="Loading RSEs and scopes…" />}
      <div className="jp-Rucio-field">
        <label htmlFor="jp-Rucio-upload-rse">Destination RSE</label>
        <Choice
          id="jp-Rucio-upload-rse"
          value={form.rse}
          choices={form.rses}
          placeholder="Choose an RSE"
          invalid={invalid('rse')}
          onChange={rse => form.update({ rse })}
        />
        <FieldError form={form} errors={errors} field="rse" />
      </div>
      <div className="jp-Rucio-field">
        <label htmlFor="jp-Rucio-upload-scope">Scope</label>
        <Choice
          id="jp-Rucio-upload-scope"
          value={form.scope}
          choices={form.scopes}
          placeholder="Choose a scope"
          invalid={invalid('scope')}
          onChange={scope => form.update({ scope })}
        />
        <FieldError form={form} errors={errors} field="scope" />
      </div>
      <div className="jp-Rucio-field">
        <label htmlFor="jp-Rucio-upload-lifetime">Lifetime (days)</label>
        <input
          id="jp-Rucio-upload-lifetime"
          className="jp-mod-styled"
          inputMode="numeric"
          value={form.lifetimeDays}
          placeholder="Leave empty for no expiry"
          aria-invalid={invalid('lifetime')}
          onChange={e => form.update({ lifetimeDays: e.target.value })}
        />
        <FieldError form={form} errors={errors} field="lifetime" />
      </div>
      <label className="jp-Rucio-checkbox">
        <input
          type="checkbox"
          checked={form.addToDataset}
          onChange={e => form.update({ addToDataset: e.target.checked })}
        />
        Add the files to a dataset
      </label>
      {form.addToDataset && (
        <div className="jp-Rucio-field">
          <div className="jp-Rucio-row">
            <Choice
              id="jp-Rucio-upload-datasetScope"
              value={form.datasetScope || form.scope}
              choices={form.scopes}
              placeholder="Dataset scope"
              invalid={invalid('dataset')}
              onChange={datasetScope => form.update({ datasetScope })}
            />
            <input
              aria-label="Dataset name"
              className="jp-mod-styled jp-Rucio-input"
              value={form.datasetName}
              placeholder="Dataset name"
              spellCheck={false}
              aria-invalid={invalid('dataset')}
              onChange={e => form.update({ datasetName: e.target.value })}
            />
          </div>
          <div className="jp-Rucio-hint">The dataset is created if it does not exist.</div>
          <FieldError form={form} errors={errors} field="dataset" />
        </div>
      )}
      {form.submitting && <Spinner label="Starting the upload…" />}
      {form.submitError && <ErrorMessage error={form.submitError} />}
    </div>
  );
}

class UploadFormWidget extends ReactWidget {
  constructor(private readonly _form: UploadFormModel) {
    super();
    this.addClass('jp-Rucio-uploadDialog');
  }

  protected render(): JSX.Element {
    return <UploadForm form={this._form} />;
  }
}

/** Upload uploads first and closes only when the backend accepted the jobs; errors stay in the dialog. */
export class UploadDialog extends Dialog<void> {
  private _jobIds: string[] | null = null;

  constructor(
    private readonly _form: UploadFormModel,
    title: string
  ) {
    super({
      title,
      body: new UploadFormWidget(_form),
      buttons: [Dialog.cancelButton(), Dialog.okButton({ label: 'Upload' })],
      defaultButton: UPLOAD_BUTTON_INDEX,
      focusNodeSelector: 'select, input'
    });
  }

  /** The ids of the started jobs once Upload succeeded. */
  get jobIds(): string[] | null {
    return this._jobIds;
  }

  resolve(index?: number): void {
    if ((index ?? UPLOAD_BUTTON_INDEX) !== UPLOAD_BUTTON_INDEX) {
      super.resolve(index);
      return;
    }
    void this._form.submit().then(ids => {
      if (ids) {
        this._jobIds = ids;
        super.resolve(UPLOAD_BUTTON_INDEX);
      }
    });
  }
}

/** A dialog title naming the one item, or counting them. */
export function uploadTitle(paths: readonly string[]): string {
  if (paths.length === 1) {
    const name = paths[0].split('/').filter(Boolean).pop() ?? paths[0];
    return `Upload ${name} to Rucio`;
  }
  return `Upload ${paths.length} items to Rucio`;
}

