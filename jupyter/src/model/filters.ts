/** Metadata filter rows of the Explore tab and their wire format. */

export type FilterOperator = '=' | '≠' | '<' | '>' | '≤' | '≥';
export type FilterLogic = 'and' | 'or';

export const FILTER_OPERATORS: { value: FilterOperator; label: string }[] = [
  { value: '=', label: 'equals' },
  { value: '≠', label: 'not equal to' },
  { value: '<', label: 'less than' },
  { value: '>', label: 'greater than' },
  { value: '≤', label: 'less than or equal to' },
  { value: '≥', label: 'greater than or equal to' }
];

export interface IFilterRow {
  id: number;
  key: string;
  operator: FilterOperator;
  value: string;
  /** How this row joins the rows before it; ignored on the first row. */
  logic: FilterLogic;
}

let nextRowId = 1;

export function newFilterRow(logic: FilterLogic = 'and'): IFilterRow {
  return { id: nextRowId++, key: '', operator: '=', value: '', logic };
}

/** A row with a key and a value takes part in the search; a half-filled row is ignored (and flagged). */
export function isCompleteRow(row: IFilterRow): boolean {
  return row.key.trim() !== '' && row.value.trim() !== '';
}

/**
 * The same string the existing extension sends: `key op value` per row, joined by ',' for AND and
 * ';' for OR (the separator belongs to the row it precedes), without spaces.
 */
export function serializeFilters(rows: readonly IFilterRow[]): string {
  let out = '';
  for (const row of rows) {
    if (!isCompleteRow(row)) {
      continue;
    }
    const separator = out === '' ? '' : row.logic === 'and' ? ',' : ';';
    out += `${separator}${row.key.trim()}${row.operator}${row.value.trim()}`;
  }
  return out;
}
