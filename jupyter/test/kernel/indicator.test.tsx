// @vitest-environment jsdom
/** The toolbar indicator: states from the injector, tooltip, click → inject again. */
import React from 'react';
import { act, fireEvent, render, screen } from '@testing-library/react';
import { Signal } from '@lumino/signaling';

import { KernelIndicator } from '../../src/components/kernel/KernelIndicator';
import { describeIndicator, IVariableState } from '../../src/kernel/indicatorState';
import { NotebookInjector } from '../../src/kernel/injector';
import type { KernelPort } from '../../src/kernel/transport';
import { FakeNotebook } from '../helpers';
import { FakeKernel } from './fakeKernel';

const attachments = [
  { did: 's:a', variableName: 'a', type: 'file' as const },
  { did: 's:b', variableName: 'b', type: 'file' as const }
];

function variable(did: string, change: Partial<IVariableState>): IVariableState {
  return { did, variableName: did.slice(2), phase: 'ready', available: true, status: 'OK', reason: null, ...change };
}

function state(variables: IVariableState[], extra: Partial<Parameters<typeof describeIndicator>[0]> = {}) {
  return describeIndicator({
    attachments,
    variables: new Map(variables.map(v => [v.did, v])),
    hasKernel: true,
    restarting: false,
    waitingForConfiguration: false,
    kernelProblem: null,
    ...extra
  });
}

describe('describeIndicator', () => {
  it('goes Resolving → Attaching → Ready, and Failed wins over Ready', () => {
    expect(state([variable('s:a', { phase: 'resolving' }), variable('s:b', { phase: 'attaching' })]).phase).toBe('resolving');
    expect(state([variable('s:a', { phase: 'ready' }), variable('s:b', { phase: 'attaching' })]).label).toBe('Rucio: Attaching…');
    const ready = state([variable('s:a', {}), variable('s:b', { available: false, status: 'REPLICATING' })]);
    expect(ready.label).toBe('Rucio: Ready');
    expect(ready.tooltip).toContain('1 DID(s) are not available yet');
    const failed = state([variable('s:a', {}), variable('s:b', { phase: 'failed', reason: 'rejected by the kernel: nope' })]);
    expect(failed.label).toBe('Rucio: Failed');
    expect(failed.tooltip.split('\n')).toEqual([
      '1 of 2 attachment(s) failed.',
      'a ← s:a: ready',
      'b ← s:b: failed — rejected by the kernel: nope',
      'Click to attach the DIDs to the kernel again.'
    ]);
  });

  it('puts a kernel-wide reason first and says when it waits', () => {
    expect(state([], { kernelProblem: 'not supported' }).tooltip.split('\n')[0]).toBe('not supported');
    expect(state([], { hasKernel: false }).phase).toBe('waiting');
    expect(state([], { restarting: true }).tooltip).toMatch(/restarting/);
    expect(describeIndicator({ attachments: [], variables: new Map(), hasKernel: true, restarting: false, waitingForConfiguration: false, kernelProblem: null }).phase).toBe('idle');
  });
});

describe('KernelIndicator', () => {
  it('renders the state with its tooltip and injects again on click', async () => {
    const notebook = new FakeNotebook();
    notebook.metadata.set('rucio_attachments', [{ did: 's:a', variableName: 'a', type: 'file' }]);
    const kernel = new FakeKernel('python');
    const resolve = vi.fn(async (_: string, did: string) => ({
      did,
      type: 'file' as const,
      available: true,
      status: 'OK',
      files: [{ did, path: '/x', pfn: null }]
    }));
    const injector = new NotebookInjector(
      notebook,
      { kernel: kernel.port as KernelPort, kernelChanged: new Signal<unknown, unknown>({}) },
      { namespace: () => 'sandbox', resolve }
    );
    render(<KernelIndicator injector={injector} />);
    await act(() => injector.idle());
    const button = screen.getByRole('button');
    expect(button.textContent).toBe('Rucio: Ready');
    expect(button.className).toContain('jp-mod-ready');
    expect(button.getAttribute('title')).toContain('a ← s:a: ready');
    await act(async () => {
      fireEvent.click(button);
      await injector.idle();
    });
    expect(kernel.received).toHaveLength(2);
    injector.dispose();
  });

  it('shows nothing when no DID is attached', () => {
    const injector = new NotebookInjector(
      new FakeNotebook(),
      { kernel: null, kernelChanged: new Signal<unknown, unknown>({}) },
      { namespace: () => 'sandbox', resolve: vi.fn() }
    );
    const { container } = render(<KernelIndicator injector={injector} />);
    expect(container.innerHTML).toBe('');
    injector.dispose();
  });
});
