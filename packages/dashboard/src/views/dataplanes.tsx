// Data planes: every wasm VM seen polling in the last 5 minutes, with its identity, the rule-set version it
// holds and how far that is behind the one published now, when it was last seen, and whether a poll of it
// is held (connected).
import type { DataPlane } from '@hfi/client';
import { WindowedTable } from '../components/windowed-table.js';
import { useDashboard } from '../context.js';
import { describeLag, lagOf } from '../model/lag.js';
import { ago } from '../model/time.js';

const HEADERS = ['Instance', 'Service', 'Namespace', 'Pod', 'Version held', 'Lag', 'Last seen', 'Connected', 'Faults reported'];

export function DataPlanesView() {
  const { live, now } = useDashboard();
  const planes = live.dataPlanes.value;
  const current = live.current.value;
  return (
    <section class="view" aria-labelledby="dataplanes-title">
      <div class="view-head">
        <h1 id="dataplanes-title">Data planes</h1>
        <p class="count">
          {planes.length} {planes.length === 1 ? 'instance' : 'instances'}
          {current ? `; the control plane publishes version ${current.version} (epoch ${current.epoch.slice(0, 8)})` : ''}
        </p>
      </div>
      <WindowedTable
        label="Data planes"
        rows={planes}
        columns={HEADERS.length}
        empty="No data plane has polled in the last 5 minutes."
        header={HEADERS.map((h) => (
          <th key={h} scope="col">
            {h}
          </th>
        ))}
        row={(p: DataPlane, index) => {
          const lag = lagOf({ epoch: p.epoch, version: p.version }, current);
          return (
            <tr key={p.instance} aria-rowindex={index + 2} data-instance={p.instance}>
              <td title={p.instance}>{p.instance}</td>
              <td>{p.identity.service ?? '—'}</td>
              <td>{p.identity.namespace ?? '—'}</td>
              <td>{p.identity.pod ?? '—'}</td>
              <td class="num">{p.version}</td>
              <td class={`lag lag-${lag.kind}`}>{describeLag(lag)}</td>
              <td>{ago(p.lastSeen, now.value)}</td>
              <td>{p.connected ? 'yes' : 'no'}</td>
              <td class="num">{p.counters.aborts + p.counters.delays}</td>
            </tr>
          );
        }}
      />
    </section>
  );
}
