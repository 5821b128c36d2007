/** The notebook toolbar item saying whether the attached DIDs are defined in the kernel; a click injects again. */
import React from 'react';

import { ReactWidget } from '@jupyterlab/ui-components';

import type { NotebookInjector } from '../../kernel/injector';
import { useModel } from '../useModel';

export function KernelIndicator(props: { injector: NotebookInjector }): JSX.Element | null {
  const injector = useModel(props.injector);
  const state = injector.indicator;
  if (state.phase === 'idle') {
    return null; // nothing attached: keep the toolbar quiet
  }
  return (
    <button
      type="button"
      className={`jp-Rucio-kernelIndicator jp-mod-${state.phase}`}
      title={state.tooltip}
      aria-label={`${state.label}. ${state.tooltip}`}
      onClick={() => injector.reinjectAll()}
    >
      <span className="jp-Rucio-kernelIndicator-dot" aria-hidden="true" />
      {state.label}
    </button>
  );
}

export class KernelIndicatorWidget extends ReactWidget {
  constructor(private readonly _injector: NotebookInjector) {
    super();
    this.addClass('jp-Rucio-kernelIndicatorItem');
  }

  protected render(): JSX.Element {
    return <KernelIndicator injector={this._injector} />;
  }
}
