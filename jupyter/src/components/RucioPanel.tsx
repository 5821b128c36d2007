/** The sidebar's content: header, tab bar and the active tab, or why the panel cannot work. */
import React from 'react';

import type { PanelModel, TabId } from '../model/panel';
import { rucioIcon } from '../icons';
import { ErrorMessage, Spinner } from './common/Feedback';
import { ExploreTab } from './explore/ExploreTab';
import { NotebookTab } from './notebook/NotebookTab';
import { SettingsTab } from './settings/SettingsTab';
import { TransfersTab } from './transfers/TransfersTab';
import { useModel } from './useModel';
import { BACKEND_UNAVAILABLE_HINT } from '../api/errors';

const TABS: { id: TabId; label: string }[] = [
  { id: 'explore', label: 'Explore' },
  { id: 'notebook', label: 'Notebook' },
  { id: 'transfers', label: 'Transfers' },
  { id: 'settings', label: 'Settings' }
];

export function RucioPanel(props: { model: PanelModel }): JSX.Element {
  const model = useModel(props.model);
  const session = useModel(model.session);
  const instance = session.activeInstance;

  let body: React.ReactNode;
  if (session.status === 'loading') {
    body = <Spinner label="Connecting to the Rucio backend…" />;
  } else if (session.status === 'backend-down' || session.status === 'error') {
    body = <BackendProblem model={model} />;
  } else {
    body = (
      <>
        <div className="jp-Rucio-tabs" role="tablist" aria-label="Rucio panel sections">
          {TABS.map(tab => {
            const enabled = model.isTabEnabled(tab.id);
            const selected = model.tab === tab.id;
            return (
              <button
                key={tab.id}
                id={`jp-Rucio-tab-${tab.id}`}
                role="tab"
                className={`jp-Rucio-tab${selected ? ' jp-mod-selected' : ''}`}
                aria-selected={selected}
                aria-controls="jp-Rucio-tabpanel"
                disabled={!enabled}
                title={enabled ? undefined : 'Choose a Rucio instance in Settings first'}
                onClick={() => model.setTab(tab.id)}
                onKeyDown={e => {
                  if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
                    const order = TABS.filter(t => model.isTabEnabled(t.id));
                    const here = order.findIndex(t => t.id === model.tab);
                    const next = order[(here + (e.key === 'ArrowRight' ? 1 : order.length - 1)) % order.length];
                    model.setTab(next.id);
                    document.getElementById(`jp-Rucio-tab-${next.id}`)?.focus();
                  }
                }}
              >
                {tab.label}
              </button>
            );
          })}
        </div>
        <div
          id="jp-Rucio-tabpanel"
          className="jp-Rucio-tabpanel"
          role="tabpanel"
          aria-labelledby={`jp-Rucio-tab-${model.tab}`}
        >
          {model.tab === 'explore' && <ExploreTab model={model} />}
          {model.tab === 'notebook' && <NotebookTab model={model} />}
          {model.tab === 'transfers' && <TransfersTab model={model} />}
          {model.tab === 'settings' && <SettingsTab model={model} />}
        </div>
      </>
    );
  }

  return (
    <div className="jp-Rucio-panel">
      <header className="jp-Rucio-header">
        <rucioIcon.react tag="span" className="jp-Rucio-logo" width="20px" height="20px" />
        <span className="jp-Rucio-title">Rucio</span>
        {instance && (
          <span className="jp-Rucio-instance" title={`Active instance (${instance.mode} mode)`}>
            {instance.display_name || instance.name}
          </span>
        )}
      </header>
      {body}
    </div>
  );
}

function BackendProblem(props: { model: PanelModel }): JSX.Element {
  const { session } = props.model;
  const error = session.error;
  const missing = error?.kind === 'backend-missing';
  return (
    <div className="jp-Rucio-backendDown">
      <h3 className="jp-Rucio-heading">Rucio backend not available</h3>
      {error && <ErrorMessage error={error} />}
      {!missing && session.status === 'backend-down' && <p className="jp-Rucio-hint">{BACKEND_UNAVAILABLE_HINT}</p>}
      <button className="jp-Rucio-button jp-mod-accept" onClick={() => void session.load()}>
        Retry
      </button>
    </div>
  );
}
