/**
 * A windowed list: only the rows in (and just around) the viewport are in the DOM, so 100,000 rows
 * scroll as smoothly as 100. Row heights start from an estimate and are corrected by measuring the
 * rendered rows (ResizeObserver), so expanded rows can be any height.
 */
import React, { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';

export interface IVirtualListProps {
  count: number;
  /** Height used until a row has been measured. */
  estimateHeight(index: number): number;
  /** Stable identity of a row, so measurements follow rows when the list changes. */
  rowKey(index: number): string;
  renderRow(index: number): React.ReactNode;
  /** Called with the rendered range [start, end) after each render (e.g. to load pages lazily). */
  onRangeRendered?(start: number, end: number): void;
  /** Extra pixels rendered above and below the viewport. */
  overscanPx?: number;
  className?: string;
  ariaLabel: string;
  role?: string;
}

/** Index of the last row whose top is at or above `y` (offsets has count + 1 entries). */
export function findRowAt(offsets: Float64Array, count: number, y: number): number {
  let low = 0;
  let high = count - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (offsets[mid] <= y) {
      low = mid;
    } else {
      high = mid - 1;
    }
  }
  return Math.max(0, low);
}

export function VirtualList(props: IVirtualListProps): JSX.Element {
  const { count, estimateHeight, rowKey, renderRow, onRangeRendered } = props;
  const overscan = props.overscanPx ?? 400;
  const viewportRef = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewportHeight, setViewportHeight] = useState(600);
  const measured = useRef(new Map<string, number>());
  const [measureVersion, setMeasureVersion] = useState(0);

  const offsets = useMemo(() => {
    const result = new Float64Array(count + 1);
    const sizes = measured.current;
    for (let i = 0; i < count; i++) {
      result[i + 1] = result[i] + (sizes.get(rowKey(i)) ?? estimateHeight(i));
    }
    return result;
    // measureVersion stands for the content of `measured`, which is a ref.
  }, [count, rowKey, estimateHeight, measureVersion]);

  // One observer for all rendered rows; its callback batches measurements into one re-render.
  const observer = useMemo(() => {
    if (typeof ResizeObserver === 'undefined') {
      return null;
    }
    return new ResizeObserver(entries => {
      let changed = false;
      for (const entry of entries) {
        const element = entry.target as HTMLElement;
        const key = element.dataset.rowKey;
        const height = element.offsetHeight;
        if (key !== undefined && height > 0 && measured.current.get(key) !== height) {
          measured.current.set(key, height);
          changed = true;
        }
      }
      if (changed) {
        setMeasureVersion(v => v + 1);
      }
    });
  }, []);
  useEffect(() => () => observer?.disconnect(), [observer]);

  useLayoutEffect(() => {
    const viewport = viewportRef.current;
    if (!viewport) {
      return;
    }
    const update = () => setViewportHeight(viewport.clientHeight || 600);
    update();
    if (typeof ResizeObserver === 'undefined') {
      return;
    }
    const sizeObserver = new ResizeObserver(update);
    sizeObserver.observe(viewport);
    return () => sizeObserver.disconnect();
  }, []);

  const onScroll = useCallback((event: React.UIEvent<HTMLDivElement>) => {
    setScrollTop(event.currentTarget.scrollTop);
  }, []);

  const start = count === 0 ? 0 : findRowAt(offsets, count, Math.max(0, scrollTop - overscan));
  let end = start;
  const bottom = scrollTop + viewportHeight + overscan;
  while (end < count && offsets[end] < bottom) {
    end++;
  }

  useEffect(() => {
    onRangeRendered?.(start, end);
  });

  const rows: React.ReactNode[] = [];
  for (let i = start; i < end; i++) {
    const key = rowKey(i);
    rows.push(
      <MeasuredRow key={key} rowKey={key} top={offsets[i]} observer={observer}>
        {renderRow(i)}
      </MeasuredRow>
    );
  }

  return (
    <div
      ref={viewportRef}
      className={`jp-Rucio-vlist ${props.className ?? ''}`}
      onScroll={onScroll}
      aria-label={props.ariaLabel}
      role={props.role ?? 'list'}
    >
      <div className="jp-Rucio-vlist-canvas" style={{ height: offsets[count] }}>
        {rows}
      </div>
    </div>
  );
}

function MeasuredRow(props: {
  rowKey: string;
  top: number;
  observer: ResizeObserver | null;
  children: React.ReactNode;
}): JSX.Element {
  const ref = useRef<HTMLDivElement>(null);
  const { observer } = props;
  useLayoutEffect(() => {
    const element = ref.current;
    if (!element || !observer) {
      return;
    }
    observer.observe(element);
    return () => observer.unobserve(element);
  }, [observer]);
  return (
    <div ref={ref} data-row-key={props.rowKey} className="jp-Rucio-vlist-row" style={{ top: props.top }}>
      {props.children}
    </div>
  );
}
