// Windowed rendering: only the rows in view (and a few either side) are in the DOM, so a table of 1,000
// policies costs what a table of 30 does.

export interface RowWindow {
  /** First row rendered. */
  start: number;
  /** One past the last row rendered. */
  end: number;
  /** Height of the space above and below the rendered rows. */
  before: number;
  after: number;
}

export function visibleRows(scrollTop: number, viewportHeight: number, rowHeight: number, total: number, overscan = 8): RowWindow {
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const shown = Math.ceil(Math.max(0, viewportHeight) / rowHeight) + 1;
  const start = Math.max(0, Math.min(total, first - overscan));
  const end = Math.max(start, Math.min(total, first + shown + overscan));
  return { start, end, before: start * rowHeight, after: (total - end) * rowHeight };
}
