/** Human formatting of sizes, durations and counts. */

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];

/** 1024-based size with at most two decimals, e.g. "1.27 KiB", "15 B"; '' when unknown. */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes) || bytes < 0) {
    return '';
  }
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  // Rounding may reach 1024.00 of the unit below: show it as 1 of the next unit instead.
  if (Number(value.toFixed(2)) >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const text = unit === 0 ? String(Math.round(value)) : String(Number(value.toFixed(2)));
  return `${text} ${UNITS[unit]}`;
}

/** Remaining time until an ISO timestamp, e.g. "11h 59m"; null when the date is not readable. */
export function formatRemaining(untilIso: string | null | undefined, nowMs: number): string | null {
  if (!untilIso) {
    return null;
  }
  const until = Date.parse(untilIso);
  if (Number.isNaN(until)) {
    return null;
  }
  const minutes = Math.floor((until - nowMs) / 60000);
  if (minutes <= 0) {
    return 'expired';
  }
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  if (days > 0) {
    return `${days}d ${hours}h`;
  }
  return hours > 0 ? `${hours}h ${rest}m` : `${rest}m`;
}

/** "1 file" / "3 files". */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? singular : pluralForm}`;
}

/** A ratio in [0, 1] that is safe for progress bars (0 when the total is unknown). */
export function ratio(done: number | null | undefined, total: number | null | undefined): number {
  if (!done || !total || total <= 0) {
    return 0;
  }
  return Math.min(1, Math.max(0, done / total));
}
