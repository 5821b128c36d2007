/** Metadata filter rows: Where/And/Or, key, operator, value. */
import React from 'react';

import { FILTER_OPERATORS, FilterLogic, FilterOperator, isCompleteRow } from '../../model/filters';
import type { SearchModel } from '../../model/search';

export function FilterEditor(props: { search: SearchModel; onSubmit(): void }): JSX.Element {
  const { search } = props;
  const rows = search.filters;
  if (rows.length === 0) {
    return (
      <button className="jp-Rucio-linkButton" onClick={() => search.addFilter()}>
        + Add metadata filter
      </button>
    );
  }
  const submitOnEnter = (e: React.KeyboardEvent) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      props.onSubmit();
    }
  };
  return (
    <fieldset className="jp-Rucio-filters">
      <legend>Metadata filters</legend>
      {rows.map((row, index) => {
        const incomplete = !isCompleteRow(row) && (row.key !== '' || row.value !== '');
        return (
          <div className="jp-Rucio-filterRow" key={row.id}>
            {index === 0 ? (
              <span className="jp-Rucio-filterLogic">Where</span>
            ) : (
              <select
                className="jp-mod-styled jp-Rucio-filterLogic"
                aria-label="Combine with previous rule"
                value={row.logic}
                onChange={e => search.updateFilter(row.id, { logic: e.target.value as FilterLogic })}
              >
                <option value="and">And</option>
                <option value="or">Or</option>
              </select>
            )}
            <input
              className="jp-mod-styled jp-Rucio-input"
              placeholder="Key"
              aria-label="Metadata key"
              aria-invalid={incomplete && row.key === ''}
              value={row.key}
              onChange={e => search.updateFilter(row.id, { key: e.target.value })}
              onKeyDown={submitOnEnter}
            />
            <select
              className="jp-mod-styled"
              aria-label="Operator"
              value={row.operator}
              onChange={e => search.updateFilter(row.id, { operator: e.target.value as FilterOperator })}
            >
              {FILTER_OPERATORS.map(op => (
                <option key={op.value} value={op.value} title={op.label}>
                  {op.value}
                </option>
              ))}
            </select>
            <input
              className="jp-mod-styled jp-Rucio-input"
              placeholder="Value"
              aria-label="Metadata value"
              aria-invalid={incomplete && row.value === ''}
              value={row.value}
              onChange={e => search.updateFilter(row.id, { value: e.target.value })}
              onKeyDown={submitOnEnter}
            />
            <button
              className="jp-Rucio-iconButton"
              aria-label="Remove this rule"
              title="Remove this rule"
              onClick={() => search.removeFilter(row.id)}
            >
              ×
            </button>
          </div>
        );
      })}
      <div className="jp-Rucio-row">
        <button className="jp-Rucio-linkButton" onClick={() => search.addFilter()}>
          + Add filter rule
        </button>
        <button className="jp-Rucio-linkButton" onClick={() => search.clearFilters()}>
          Delete filter
        </button>
      </div>
    </fieldset>
  );
}
