// @vitest-environment jsdom
import React from 'react';
import { render } from '@testing-library/react';

import { DidName } from '../../src/components/explore/DidName';

describe('DidName', () => {
  it('shows a short name whole, in one piece', () => {
    const { container } = render(<DidName name="user.root:f.root" />);
    const name = container.querySelector('.jp-Rucio-didName')!;
    expect(name.textContent).toBe('user.root:f.root');
    expect(name.querySelector('.jp-Rucio-didTail')).toBeNull();
  });

  it('cuts a long name in the middle so its end stays visible, keeping the whole text', () => {
    const did = 'opendata:diphoton_events_2012_03.csv';
    const { container } = render(<DidName name={did} />);
    const name = container.querySelector('.jp-Rucio-didName')!;
    expect(name.textContent).toBe(did);
    expect(name.querySelector('.jp-Rucio-didHead')!.textContent).toBe('opendata:diphoton_events_2');
    expect(name.querySelector('.jp-Rucio-didTail')!.textContent).toBe('012_03.csv');
  });
});
