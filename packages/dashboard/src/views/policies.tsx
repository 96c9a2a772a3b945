// Policies: every policy with its selector, phase, faults injected (live), data planes applied/targeted and
// time left; filtered by text and phase, sorted by any column. Rows are windowed, so 1,000 policies scroll
// as smoothly as ten.
import type { PolicyPhase } from '@hfi/client';
import { signal, useComputed } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { Phase } from '../components/phase.js';
import { WindowedTable } from '../components/windowed-table.js';
import { useDashboard } from '../context.js';
import { PHASES, type PolicyRow, queryRows, type RowQuery, type SortKey, toRows } from '../model/policy-rows.js';
import { timeLeft } from '../model/time.js';

const COLUMNS: readonly { key: SortKey; label: string }[] = [
  { key: 'name', label: 'Name' },
  { key: 'selector', label: 'Selector' },
  { key: 'phase', label: 'Phase' },
  { key: 'faults', label: 'Faults injected' },
  { key: 'dataPlanes', label: 'Data planes applied/targeted' },
  { key: 'timeLeft', label: 'Time left' },
];

/** Kept across navigation: coming back to the list finds it as it was left. */
const query = signal<RowQuery>({ text: '', phase: '', sort: 'name', direction: 'ascending' });

/** Marks the first time the table shows the policies (the dashboard's time to interactive). */
let firstRenderMarked = false;

export function PoliciesView() {
  const { live, now } = useDashboard();
  const rows = useComputed(() => queryRows(toRows(live.policies.value, live.statuses.value), query.value, now.value));
  const total = live.policies.value.length;
  const loaded = live.loaded.value;
  useEffect(() => {
    if (loaded && !firstRenderMarked) {
      firstRenderMarked = true;
      requestAnimationFrame(() => performance.mark('hfi:policies-rendered'));
    }
  }, [loaded]);
  const q = query.value;
  const sortBy = (key: SortKey) => {
    const direction = q.sort === key && q.direction === 'ascending' ? 'descending' : 'ascending';
    query.value = { ...q, sort: key, direction };
  };
  return (
    <section class="view" aria-labelledby="policies-title">
      <div class="view-head">
        <h1 id="policies-title">Policies</h1>
        <p class="count" aria-live="polite">
          {loaded ? `${rows.value.length} of ${total}` : 'loading…'}
        </p>
        <div class="filters">
          <label>
            Filter
            <input
              type="search"
              placeholder="name or selector"
              value={q.text}
              onInput={(e) => (query.value = { ...query.value, text: e.currentTarget.value })}
            />
          </label>
          <label>
            Phase
            <select value={q.phase} onChange={(e) => (query.value = { ...query.value, phase: e.currentTarget.value as PolicyPhase | '' })}>
              <option value="">any</option>
              {PHASES.map((p) => (
                <option key={p} value={p}>
                  {p}
                </option>
              ))}
            </select>
          </label>
          <a class="button primary" href="#/editor">
            New policy
          </a>
        </div>
      </div>
      <WindowedTable
        label="Policies"
        rows={rows.value}
        columns={COLUMNS.length}
        empty={loaded ? (total === 0 ? 'No policies yet: write one in the editor.' : 'No policy matches the filter.') : 'Loading…'}
        header={COLUMNS.map((c) => (
          <th key={c.key} scope="col" class={`col-${c.key}`} aria-sort={q.sort === c.key ? q.direction : 'none'}>
            <button type="button" class="sort" onClick={() => sortBy(c.key)}>
              {c.label}
              <span aria-hidden="true">{q.sort === c.key ? (q.direction === 'ascending' ? ' ▲' : ' ▼') : ''}</span>
            </button>
          </th>
        ))}
        row={(r: PolicyRow, index) => (
          <tr key={r.name} aria-rowindex={index + 2} data-policy={r.name}>
            <td class="col-name">
              <a href={`#/policies/${r.name}`}>{r.name}</a>
            </td>
            <td class="col-selector">{r.selector}</td>
            <td class="col-phase">
              <Phase phase={r.phase} />
            </td>
            <td class="col-faults num" data-field="faults">
              {r.faults}
            </td>
            <td class="col-dataPlanes num">
              {r.applied}/{r.targeted}
            </td>
            <td class="col-timeLeft num">{timeLeft(r.expiresAt, now.value)}</td>
          </tr>
        )}
      />
    </section>
  );
}
