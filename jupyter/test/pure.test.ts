import { formatBytes, formatRemaining, plural, ratio } from '../src/model/format';
import { newFilterRow, serializeFilters } from '../src/model/filters';
import { suggestVariableName, validateVariableName } from '../src/model/variableName';

describe('formatBytes', () => {
  it('uses 1024-based units with at most two decimals', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(15)).toBe('15 B');
    expect(formatBytes(1300)).toBe('1.27 KiB');
    expect(formatBytes(1024 * 1024)).toBe('1 MiB');
    expect(formatBytes(107374182)).toBe('102.4 MiB');
    expect(formatBytes(1.47 * 1024 ** 3)).toBe('1.47 GiB');
  });
  it('carries a rounded 1024.00 into the next unit', () => {
    expect(formatBytes(1024 * 1024 - 1)).toBe('1 MiB');
  });
  it('shows nothing for unknown sizes', () => {
    expect(formatBytes(null)).toBe('');
    expect(formatBytes(undefined)).toBe('');
    expect(formatBytes(-1)).toBe('');
  });
});

describe('formatRemaining', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it('formats hours and minutes', () => {
    expect(formatRemaining('2026-01-01T11:59:30Z', now)).toBe('11h 59m');
    expect(formatRemaining('2026-01-01T00:42:00Z', now)).toBe('42m');
    expect(formatRemaining('2026-01-03T05:00:00Z', now)).toBe('2d 5h');
  });
  it('says expired, or null when unreadable', () => {
    expect(formatRemaining('2025-12-31T23:00:00Z', now)).toBe('expired');
    expect(formatRemaining('not a date', now)).toBeNull();
    expect(formatRemaining(null, now)).toBeNull();
  });
  it('helpers', () => {
    expect(plural(1, 'file')).toBe('1 file');
    expect(plural(100000, 'file')).toBe('100,000 files');
    expect(ratio(5, 10)).toBe(0.5);
    expect(ratio(5, 0)).toBe(0);
    expect(ratio(20, 10)).toBe(1);
  });
});

describe('serializeFilters', () => {
  it('joins rows with , for AND and ; for OR, like the existing extension', () => {
    const a = { ...newFilterRow(), key: 'run', operator: '≥' as const, value: '100' };
    const b = { ...newFilterRow('and'), key: 'run', operator: '<' as const, value: '200' };
    const c = { ...newFilterRow('or'), key: 'project', operator: '=' as const, value: 'data18' };
    expect(serializeFilters([a, b, c])).toBe('run≥100,run<200;project=data18');
  });
  it('ignores the first row logic and incomplete rows', () => {
    const first = { ...newFilterRow('or'), key: 'a', value: '1' };
    const half = { ...newFilterRow('and'), key: 'b', value: '' };
    const last = { ...newFilterRow('or'), key: ' c ', operator: '≠' as const, value: ' x ' };
    expect(serializeFilters([half, first, last])).toBe('a=1;c≠x');
    expect(serializeFilters([])).toBe('');
  });
});

describe('variable names', () => {
  it('accepts Python identifiers that are free', () => {
    expect(validateVariableName('data_2018', [])).toBeNull();
    expect(validateVariableName('_x', ['y'])).toBeNull();
    expect(validateVariableName('match', [])).toBeNull();
  });
  it('rejects empty, invalid, keywords and duplicates with a sentence', () => {
    expect(validateVariableName('', [])).toMatch(/Enter a variable name/);
    expect(validateVariableName('2data', [])).toMatch(/cannot start with a digit/);
    expect(validateVariableName('my-data', [])).toMatch(/letters, digits and underscores/);
    expect(validateVariableName('lambda', [])).toMatch(/Python keyword/);
    expect(validateVariableName('None', [])).toMatch(/Python keyword/);
    expect(validateVariableName('x', ['x'])).toMatch(/already used/);
  });
  it('suggests valid unused names', () => {
    expect(suggestVariableName('user.root:data-1.root', [])).toBe('data_1');
    expect(suggestVariableName('user.root:2018', [])).toBe('d_2018');
    expect(suggestVariableName('user.root:class', [])).toBe('class_did');
    expect(suggestVariableName('user.root:ds', ['ds', 'ds_2'])).toBe('ds_3');
  });
});
