/** How models tell the user about finished actions; the plugin passes JupyterLab's Notification. */
export interface INotifier {
  success(message: string): void;
  error(message: string, details?: string): void;
  info(message: string): void;
}

/** A notifier that shows nothing (tests, or before the app is ready). */
export const silentNotifier: INotifier = {
  success: () => undefined,
  error: () => undefined,
  info: () => undefined
};
