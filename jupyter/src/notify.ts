/** The INotifier backed by JupyterLab's toasts. */
import { Notification } from '@jupyterlab/apputils';

import type { INotifier } from './model/notifier';

export const labNotifier: INotifier = {
  success: message => {
    Notification.success(message, { autoClose: 4000 });
  },
  error: (message, details) => {
    // Rucio's exception class stays out of the sentence, available in the toast's details action.
    Notification.error(message, {
      autoClose: 8000,
      actions: details ? [{ label: 'Details', callback: () => Notification.info(details, { autoClose: false }) }] : []
    });
  },
  info: message => {
    Notification.info(message, { autoClose: 4000 });
  }
};
