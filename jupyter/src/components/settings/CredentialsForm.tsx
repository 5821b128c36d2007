/** The form of one authentication method; Save/Validate checks the credentials against Rucio. */
import React, { useEffect, useState } from 'react';

import { ApiError, messageOf } from '../../api/errors';
import { getStoredCredentials, saveCredentials } from '../../api/instances';
import type { AuthType, IInstance, StoredCredentials } from '../../api/types';
import { formatRemaining } from '../../model/format';
import type { SessionModel } from '../../model/session';
import { ErrorMessage, Spinner } from '../common/Feedback';
import { FilePicker } from './FilePicker';

interface IField {
  name: string;
  label: string;
  kind: 'text' | 'password' | 'path';
  required: boolean;
}

const FIELDS: Record<AuthType, IField[]> = {
  userpass: [
    { name: 'username', label: 'Username', kind: 'text', required: true },
    { name: 'password', label: 'Password', kind: 'password', required: true },
    { name: 'account', label: 'Account', kind: 'text', required: true }
  ],
  x509: [
    { name: 'certificate', label: 'Certificate file', kind: 'path', required: true },
    { name: 'key', label: 'Key file', kind: 'path', required: true },
    { name: 'account', label: 'Account', kind: 'text', required: false }
  ],
  x509_proxy: [
    { name: 'proxy', label: 'Proxy file', kind: 'path', required: true },
    { name: 'account', label: 'Account', kind: 'text', required: false }
  ],
  oidc: [{ name: 'token_path', label: 'Token file (optional)', kind: 'path', required: false }]
};

type Outcome = { kind: 'ok'; text: string } | { kind: 'error'; error: ApiError | string };

/** Text for a successful validation: who we are and how long the token lasts. */
export function successText(account: string | null | undefined, lifetime: string | null | undefined, nowMs: number): string {
  const who = account ? `Connected to Rucio as ${account}.` : 'Connected to Rucio.';
  const left = formatRemaining(lifetime, nowMs);
  return left ? `${who} Token valid for ${left}.` : who;
}

export function CredentialsForm(props: {
  instance: IInstance;
  type: AuthType;
  session: SessionModel;
  now?: () => number;
}): JSX.Element {
  const { instance, type, session } = props;
  const [values, setValues] = useState<Record<string, string>>({});
  const [stored, setStored] = useState<StoredCredentials | null | undefined>(undefined);
  const [saving, setSaving] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [picking, setPicking] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    setStored(undefined);
    setOutcome(null);
    setValues({});
    getStoredCredentials(instance.name, type)
      .then(credentials => {
        if (!live) {
          return;
        }
        setStored(credentials);
        const initial: Record<string, string> = {};
        for (const field of FIELDS[type]) {
          const value = (credentials as Record<string, unknown> | null)?.[field.name];
          if (field.kind !== 'password' && typeof value === 'string') {
            initial[field.name] = value;
          }
        }
        setValues(initial);
      })
      .catch(error => live && setOutcome({ kind: 'error', error: error instanceof ApiError ? error : messageOf(error) }));
    return () => {
      live = false;
    };
  }, [instance.name, type]);

  if (stored === undefined && outcome === null) {
    return <Spinner label="Loading saved credentials…" />;
  }
  const passwordSet = stored?.password_set === true;
  const missing = FIELDS[type].filter(
    f => f.required && !(values[f.name] ?? '').trim() && !(f.kind === 'password' && passwordSet)
  );

  const save = async () => {
    setSaving(true);
    setOutcome(null);
    const params: Record<string, string> = {};
    for (const field of FIELDS[type]) {
      const value = (values[field.name] ?? '').trim();
      // An empty password with one already stored means "keep it": the form never shows it.
      if (value !== '' || (field.kind !== 'password' && field.name !== 'token_path')) {
        params[field.name] = field.kind === 'password' ? values[field.name] : value;
      }
    }
    try {
      const answer = await saveCredentials(instance.name, type, params);
      setOutcome({ kind: 'ok', text: successText(answer?.account, answer?.lifetime, (props.now ?? Date.now)()) });
      setValues(v => ({ ...v, password: '' }));
      if (type === 'userpass') {
        setStored(s => ({ ...(s ?? {}), password_set: true }));
      }
      await session.setAuthType(type);
    } catch (error) {
      setOutcome({ kind: 'error', error: error instanceof ApiError ? error : messageOf(error) });
    } finally {
      setSaving(false);
    }
  };

  return (
    <form
      className="jp-Rucio-form"
      aria-label="Credentials"
      onSubmit={e => {
        e.preventDefault();
        if (missing.length === 0 && !saving) {
          void save();
        }
      }}
    >
      {type === 'oidc' && (
        <p className="jp-Rucio-hint">
          {stored?.oidc_auth_source
            ? `The token is provided by the operator (${stored.oidc_auth_source}). Validate checks it with Rucio.`
            : 'The token is provided by the operator. Validate checks it with Rucio.'}
        </p>
      )}
      {FIELDS[type].map(field => {
        const id = `jp-Rucio-${instance.name}-${type}-${field.name}`;
        return (
          <div className="jp-Rucio-field" key={field.name}>
            <label htmlFor={id}>{field.label}</label>
            <div className="jp-Rucio-row">
              <input
                id={id}
                className="jp-mod-styled jp-Rucio-input"
                type={field.kind === 'password' ? 'password' : 'text'}
                autoComplete={field.kind === 'password' ? 'new-password' : 'off'}
                placeholder={field.kind === 'password' && passwordSet ? 'set (type to replace)' : ''}
                value={values[field.name] ?? ''}
                spellCheck={false}
                onChange={e => setValues(v => ({ ...v, [field.name]: e.target.value }))}
              />
              {field.kind === 'path' && (
                <button
                  type="button"
                  className="jp-Rucio-button"
                  aria-label={`Browse for ${field.label.toLowerCase()}`}
                  onClick={() => setPicking(picking === field.name ? null : field.name)}
                >
                  Browse…
                </button>
              )}
            </div>
            {picking === field.name && (
              <FilePicker
                start={values[field.name] ?? ''}
                onClose={() => setPicking(null)}
                onPick={path => {
                  setValues(v => ({ ...v, [field.name]: path }));
                  setPicking(null);
                }}
              />
            )}
          </div>
        );
      })}
      <div className="jp-Rucio-actions">
        <button type="submit" className="jp-Rucio-button jp-mod-accept" disabled={saving || missing.length > 0}>
          {saving ? (type === 'oidc' ? 'Validating…' : 'Saving…') : type === 'oidc' ? 'Validate' : 'Save and validate'}
        </button>
        {missing.length > 0 && <span className="jp-Rucio-muted">Required: {missing.map(f => f.label).join(', ')}</span>}
      </div>
      {outcome?.kind === 'ok' && (
        <div className="jp-Rucio-success" role="status">
          {outcome.text}
        </div>
      )}
      {outcome?.kind === 'error' && <ErrorMessage error={outcome.error} />}
    </form>
  );
}
