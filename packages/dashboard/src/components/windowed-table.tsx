// A table that renders only the rows in view: a scrolling region with a sticky header, fixed-height rows,
// and spacers for the rows above and below. Screen readers get the full row count (aria-rowcount) and each
// row's place in it (aria-rowindex).
import type { ComponentChildren } from 'preact';
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { visibleRows } from '../model/visible-rows.js';

/** Must match `.windowed tbody tr` in styles.css. */
const ROW_HEIGHT = 36;

export interface WindowedTableProps<T> {
  label: string;
  rows: readonly T[];
  header: ComponentChildren;
  columns: number;
  row: (item: T, index: number) => ComponentChildren;
  empty: ComponentChildren;
}

export function WindowedTable<T>({ label, rows, header, columns, row, empty }: WindowedTableProps<T>) {
  const region = useRef<HTMLElement>(null);
  const [view, setView] = useState({ top: 0, height: 800 });
  useLayoutEffect(() => {
    const element = region.current;
    if (!element) return;
    const measure = () => setView({ top: element.scrollTop, height: element.clientHeight });
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  const window = visibleRows(view.top, view.height, ROW_HEIGHT, rows.length);
  return (
    <section
      ref={region}
      class="windowed"
      aria-label={label}
      // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable to scroll by keyboard
      tabIndex={0}
      onScroll={(event) => setView({ top: event.currentTarget.scrollTop, height: event.currentTarget.clientHeight })}
    >
      <table aria-rowcount={rows.length + 1}>
        <thead>
          <tr aria-rowindex={1}>{header}</tr>
        </thead>
        <tbody>
          {rows.length === 0 && (
            <tr class="empty">
              <td colSpan={columns}>{empty}</td>
            </tr>
          )}
          {window.before > 0 && (
            <tr class="spacer" style={{ height: `${window.before}px` }}>
              <td colSpan={columns} />
            </tr>
          )}
          {rows.slice(window.start, window.end).map((item, i) => row(item, window.start + i))}
          {window.after > 0 && (
            <tr class="spacer" style={{ height: `${window.after}px` }}>
              <td colSpan={columns} />
            </tr>
          )}
        </tbody>
      </table>
    </section>
  );
}
