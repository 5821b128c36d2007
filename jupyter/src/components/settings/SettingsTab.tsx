/** The Settings tab: active instance, authentication method and credentials, cache. */
import React, { useEffect, useState } from 'react';

import { ApiError, messageOf } from '../../api/errors';
import type { AuthType } from '../../api/types';
import type { PanelModel } from '../../model/panel';
import { AUTH_LABELS } from '../../model/session';
import { ErrorMessage } from '../common/Feedback';
import { useModel } from '../useModel';
import { CredentialsForm } from './CredentialsForm';

export function SettingsTab(props: { model: PanelModel }): JSX.Element {
  const { model } = props;
  const session = useModel(model.session);
  const instance = session.activeInstance;
  const methods = session.authTypesFor(instance);
  const [method, setMethod] = useState<AuthType | null>(session.authType);
  const [switching, setSwitching] = useState(false);
  const [switchError, setSwitchError] = useState<ApiError | string | null>(null);

  // Follow the stored method when the instance (or its stored method) changes.
  useEffect(() => {
    setMethod(session.authType && methods.includes(session.authType) ? session.authType : methods[0] ?? null);
    // methods derives from the instance, which the namespace identifies.
  }, [session.namespace, session.authType]);

  const selectInstance = async (name: string) => {
    setSwitching(true);
    setSwitchError(null);
    try {
      await session.selectInstance(name);
    } catch (error) {
      setSwitchError(error instanceof ApiError ? error : messageOf(error));
    } finally {
      setSwitching(false);
    }
  };

  return (
    <div className="jp-Rucio-scroll jp-Rucio-settings">
      {session.problems.length > 0 && (
        <div className="jp-Rucio-warning" role="alert">
          <strong>Configuration problems</strong>
          <ul>
            {session.problems.map((p, i) => (
              <li key={i}>
                {p.instance ? `${p.instance}: ` : ''}
                {p.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      <div className="jp-Rucio-field">
        <label htmlFor="jp-Rucio-instance">Active instance</label>
        <select
          id="jp-Rucio-instance"
          className="jp-mod-styled"
          value={instance?.name ?? ''}
          disabled={switching || session.instances.length === 0}
          onChange={e => void selectInstance(e.target.value)}
        >
          {!instance && <option value="">Choose an instance…</option>}
          {session.instances.map(i => (
            <option key={i.name} value={i.name}>
              {i.display_name || i.name}
            </option>
          ))}
        </select>
        {session.instances.length === 0 && (
          <div className="jp-Rucio-hint jp-mod-error">No Rucio instance is configured. Ask your operator to add one.</div>
        )}
        {switchError && <ErrorMessage error={switchError} />}
      </div>
      {instance && method && (
        <>
          <div className="jp-Rucio-field">
            <label htmlFor="jp-Rucio-method">Authentication</label>
            <select
              id="jp-Rucio-method"
              className="jp-mod-styled"
              value={method}
              onChange={e => setMethod(e.target.value as AuthType)}
            >
              {methods.map(m => (
                <option key={m} value={m}>
                  {AUTH_LABELS[m]}
                </option>
              ))}
            </select>
          </div>
          <CredentialsForm key={`${instance.name}/${method}`} instance={instance} type={method} session={session} />
        </>
      )}
      <h3 className="jp-Rucio-heading">Cache</h3>
      <p className="jp-Rucio-hint">Forget cached replica and status information; it is read again from Rucio.</p>
      <button className="jp-Rucio-button" disabled={model.purging} onClick={() => void model.purgeCache()}>
        {model.purging ? 'Purging…' : 'Purge cache'}
      </button>
    </div>
  );
}
