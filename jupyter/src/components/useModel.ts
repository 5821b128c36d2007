/** Re-renders a component whenever one of the given models changes. */
import { useCallback, useSyncExternalStore } from 'react';

import type { ObservableModel } from '../model/observable';

export function useModel<T extends ObservableModel>(model: T): T {
  const subscribe = useCallback(
    (onChange: () => void) => {
      const slot = () => onChange();
      model.changed.connect(slot);
      return () => {
        model.changed.disconnect(slot);
      };
    },
    [model]
  );
  useSyncExternalStore(subscribe, () => model.version);
  return model;
}
