/** The Lumino widget hosting the React panel in the left sidebar; tells the models when it is visible. */
import React from 'react';

import { ReactWidget } from '@jupyterlab/ui-components';
import type { Message } from '@lumino/messaging';

import { PANEL_ID } from './commandIds';
import { RucioPanel } from './components/RucioPanel';
import { rucioIcon } from './icons';
import type { PanelModel } from './model/panel';

export class RucioSidebar extends ReactWidget {
  constructor(private readonly _model: PanelModel) {
    super();
    this.id = PANEL_ID;
    this.title.icon = rucioIcon;
    this.title.caption = 'Rucio';
    this.addClass('jp-Rucio-sidebar');
  }

  get model(): PanelModel {
    return this._model;
  }

  protected render(): JSX.Element {
    return <RucioPanel model={this._model} />;
  }

  protected onAfterShow(msg: Message): void {
    super.onAfterShow(msg);
    this._model.setVisible(true);
  }

  protected onAfterHide(msg: Message): void {
    super.onAfterHide(msg);
    // A hidden panel does not poll.
    this._model.setVisible(false);
  }

  dispose(): void {
    this._model.dispose();
    super.dispose();
  }
}
