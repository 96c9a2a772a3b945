// A policy's history from the audit log (GET /v1/audit?policy=): who created, changed, halted, resumed or
// deleted it, and when; newest first. Read again whenever the policy or the halts change.
import type { AuditEntry } from '@hfi/client';
import { useEffect, useState } from 'preact/hooks';
import { useDashboard } from '../context.js';
import { ago } from '../model/time.js';
import { describeSelector } from './kill-switch.js';

/** Enough for a game day; the CLI's `policy history` reads further back. */
const ENTRIES = 20;

const WHAT: Record<AuditEntry['kind'], string> = {
  create: 'created',
  update: 'updated',
  delete: 'deleted',
  halt: 'halted',
  resume: 'resumed',
  expire: 'expired',
  trip: 'stopped by a stop condition',
};

function describeEntry(entry: AuditEntry): string {
  const what = WHAT[entry.kind];
  if (entry.selector && (entry.kind === 'halt' || entry.kind === 'resume')) return `${what}: ${describeSelector(entry.selector)}`;
  return entry.version ? `${what} (version ${entry.version})` : what;
}

export function PolicyHistory({ name, version }: { name: string; version: string }) {
  const { live, now } = useDashboard();
  const [entries, setEntries] = useState<AuditEntry[] | undefined>(undefined);
  const halts = live.halts.value;
  useEffect(() => {
    let current = true;
    live.fetchHistory(name, ENTRIES).then((read) => {
      if (current && read) setEntries(read);
    });
    return () => {
      current = false;
    };
  }, [name, version, halts]);
  return (
    <>
      <h2>History</h2>
      {entries === undefined ? (
        <p>Loading…</p>
      ) : entries.length === 0 ? (
        <p>No changes recorded.</p>
      ) : (
        <table class="history">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Who</th>
              <th scope="col">What</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => (
              <tr key={e.id} data-kind={e.kind}>
                <td title={e.at}>{ago(e.at, now.value)}</td>
                <td>{e.actor}</td>
                <td>{describeEntry(e)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
