// One policy: its status (phase, time window, data planes, halts), faults per second, counts per rule, and
// its YAML; from here it can be edited or deleted.
import type { PolicyWithStatus } from '@hfi/client';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { FaultRateChart } from '../components/fault-rate-chart.js';
import { describeHalt } from '../components/kill-switch.js';
import { Phase } from '../components/phase.js';
import { PolicyHistory } from '../components/policy-history.js';
import { useDashboard } from '../context.js';
import { FaultRate } from '../model/fault-rate.js';
import { describeFault, describeMatch, editableYaml, policyYaml } from '../model/policy-text.js';
import { timeLeft } from '../model/time.js';
import { navigate } from '../state/router.js';
import { openInEditor } from './editor.js';
import type { ViewProps } from './registry.js';

export function PolicyView({ params: [name = ''] }: ViewProps) {
  const { live, actions, now } = useDashboard();
  const listed = live.policies.value.find((p) => p.metadata.name === name);
  const [fresh, setFresh] = useState<PolicyWithStatus | undefined>(undefined);
  const [deleting, setDeleting] = useState(false);
  const rate = useMemo(() => new FaultRate(), [name]);
  const [series, setSeries] = useState(rate.series());

  // The per-rule counts come with the policy itself, so this view reads it at each status poll.
  const polledAt = live.polledAt.value;
  useEffect(() => {
    let current = true;
    live.fetchPolicy(name).then((p) => {
      if (!current || !p) return;
      setFresh(p);
      rate.add(live.clockNow(), p.status.faults.aborts + p.status.faults.delays);
      setSeries(rate.series());
    });
    return () => {
      current = false;
    };
  }, [name, polledAt, listed?.metadata.version]);

  const policy = fresh?.metadata.version === listed?.metadata.version ? (fresh ?? listed) : listed;
  if (!policy) {
    return (
      <section class="view">
        <h1>Policy {name}</h1>
        <p>{live.loaded.value ? `There is no policy named "${name}".` : 'Loading…'}</p>
        <a href="#/policies">All policies</a>
      </section>
    );
  }
  const s = policy.status;
  const rules = policy.spec.rules;
  return (
    <section class="view policy" aria-labelledby="policy-title">
      <div class="view-head">
        <h1 id="policy-title">
          {name} <Phase phase={s.phase} />
        </h1>
        <div class="filters">
          <button type="button" onClick={() => (openInEditor(editableYaml(policy)), navigate('/editor'))}>
            Edit
          </button>
          <button type="button" class="danger" onClick={() => setDeleting(true)}>
            Delete…
          </button>
        </div>
      </div>
      <dl class="facts">
        <dt>Selector</dt>
        <dd>
          service {policy.spec.selector.service}, namespace {policy.spec.selector.namespace}
        </dd>
        <dt>Data planes</dt>
        <dd data-field="dataplanes">
          applied on {s.appliedDataPlanes} of {s.targetedDataPlanes} targeted
        </dd>
        <dt>Faults injected</dt>
        <dd data-field="faults">
          {s.faults.aborts + s.faults.delays} ({s.faults.aborts} aborts, {s.faults.delays} delays)
        </dd>
        {s.haltReason && (
          <>
            <dt>Stopped by</dt>
            <dd data-field="halt-reason">
              stop condition {s.haltReason.conditionIndex} ({s.haltReason.source}) at {s.haltReason.at}: saw{' '}
              {s.haltReason.observed.errorRatePercent}% errors, p99 {s.haltReason.observed.p99Ms} ms over {s.haltReason.observed.requests}{' '}
              requests
            </dd>
          </>
        )}
        {(policy.spec.dryRun || s.wouldInject > 0) && (
          <>
            <dt>Would inject (dry run)</dt>
            <dd data-field="would-inject">{s.wouldInject} requests</dd>
          </>
        )}
        <dt>Time left</dt>
        <dd>
          {timeLeft(s.expiresAt, now.value)}
          {s.expiresAt ? ` (until ${s.expiresAt})` : ''}
        </dd>
        <dt>Priority, version</dt>
        <dd>
          {policy.spec.priority}, version {policy.metadata.version} (updated {policy.metadata.updatedAt})
        </dd>
        <dt>Halts</dt>
        <dd>
          {s.halts.length === 0
            ? 'none'
            : s.halts.map((h) => `${describeHalt(h)} (${h.scope === 'whole' ? 'all of it' : 'part of it'})`).join('; ')}
        </dd>
      </dl>
      <FaultRateChart series={series} label="Faults per second" />
      <h2>Rules</h2>
      <table class="rules">
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Match</th>
            <th scope="col">Fault</th>
            <th scope="col" class="num">
              Aborts
            </th>
            <th scope="col" class="num">
              Delays
            </th>
          </tr>
        </thead>
        <tbody>
          {rules.map((rule, i) => (
            <tr key={i}>
              <td>{i}</td>
              <td>{describeMatch(rule)}</td>
              <td>{describeFault(rule)}</td>
              <td class="num">{s.ruleFaults[i]?.aborts ?? 0}</td>
              <td class="num">{s.ruleFaults[i]?.delays ?? 0}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <PolicyHistory name={name} version={policy.metadata.version} />
      <h2>YAML</h2>
      <pre class="yaml">{policyYaml(policy)}</pre>
      {deleting && (
        <ConfirmDialog
          title={`Delete policy ${name}?`}
          confirmLabel="Delete"
          danger
          onClose={() => setDeleting(false)}
          onConfirm={async () => {
            const failed = await actions.remove(name);
            if (failed === undefined) navigate('/policies');
            return failed;
          }}
        >
          <p>Its faults stop on every data plane as soon as each has the new rule set.</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
