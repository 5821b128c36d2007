/** A main-area widget showing an upload job's log, refreshed while the job runs. */
import React from 'react';

import { MainAreaWidget } from '@jupyterlab/apputils';
import { ReactWidget } from '@jupyterlab/ui-components';
import type { Message } from '@lumino/messaging';

import { rucioIcon } from '../../icons';
import { UploadLogModel } from '../../model/uploadLog';
import { ErrorMessage, Spinner } from '../common/Feedback';
import { useModel } from '../useModel';

export function UploadLog(props: { model: UploadLogModel }): JSX.Element {
  const model = useModel(props.model);
  return (
    <div className="jp-Rucio-uploadLog">
      <div className="jp-Rucio-row">
        <button
          className="jp-Rucio-button"
          disabled={model.loading}
          onClick={() => void model.refresh().catch(() => undefined)}
        >
          Refresh
        </button>
        {model.loading && <Spinner label="Reading the log…" />}
      </div>
      {model.error && <ErrorMessage error={model.error} />}
      {model.text !== null && (
        <pre className="jp-Rucio-logText" aria-label={`Log of upload job ${model.id}`}>
          {model.text || 'The log is empty.'}
        </pre>
      )}
    </div>
  );
}

class UploadLogContent extends ReactWidget {
  constructor(private readonly _model: UploadLogModel) {
    super();
    this.addClass('jp-Rucio-uploadLogContent');
  }

  protected render(): JSX.Element {
    return <UploadLog model={this._model} />;
  }

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    this._model.setVisible(true);
  }

  protected onAfterHide(msg: Message): void {
    super.onAfterHide(msg);
    this._model.setVisible(false);
  }

  dispose(): void {
    this._model.dispose();
    super.dispose();
  }
}

export function createUploadLogWidget(model: UploadLogModel): MainAreaWidget<ReactWidget> {
  const widget = new MainAreaWidget<ReactWidget>({ content: new UploadLogContent(model) });
  widget.id = `rucio-jupyterlab-upload-log-${model.id.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  widget.title.label = `Upload Job #${model.id}`;
  widget.title.icon = rucioIcon;
  widget.title.closable = true;
  void model.refresh().catch(() => undefined);
  return widget;
}
