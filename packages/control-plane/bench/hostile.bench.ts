// The server under a mix of hostile requests, next to the same server idle: the p99 of /v1/health and of
// data-plane polls as a client sees them, and the server's own event-loop delay (its metric, read at the end
// of each phase). The hostile mix: 4 clients each posting a policy of 17 regexes that take seconds of CPU to
// refuse, a 200 KB nested YAML body, a 40,000-key YAML mapping, a JSON body with a duplicate key, and the
// largest valid policy as YAML (dry run), each in a loop. Goal: health and polls p99 < 50 ms meanwhile.
// Run: npm run bench -w @hfi/control-plane (or node dist/bench/hostile.bench.js).
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { metricValue, startControlPlane } from '@hfi/testkit';

const PHASE_MS = Number(process.env.BENCH_PHASE_MS ?? 10_000);
const GOAL_P99_MS = 50;

const costly = JSON.stringify({
  metadata: { name: 'hostile' },
  spec: {
    rules: Array.from({ length: 17 }, (_, i) => ({
      match: { path: { regex: `.*(.{0,9}a|.{0,9}b){1,${20 + i}}` } },
      fault: { delay_ms: 1 },
    })),
  },
});
const largestYaml = [
  'metadata: {name: largest}',
  'spec:',
  '  rules:',
  ...Array.from({ length: 31 }, () => `    - fault: {percentage: 1, abort: {httpStatus: 503, body: "${'b'.repeat(8_000)}"}}`),
].join('\n');
const HOSTILE: { path: string; type: string; body: string; clients: number }[] = [
  { path: '/v1/policies', type: 'application/json', body: costly, clients: 4 },
  { path: '/v1/policies', type: 'application/yaml', body: `${'['.repeat(100_000)}${']'.repeat(100_000)}`, clients: 1 },
  { path: '/v1/policies', type: 'application/yaml', body: Array.from({ length: 40_000 }, (_, i) => `k${i}: 1`).join('\n'), clients: 1 },
  { path: '/v1/policies', type: 'application/json', body: '{"metadata":{"name":"d"},"spec":{"rules":[],"rules":[]}}', clients: 1 },
  { path: '/v1/policies?dryRun=true', type: 'application/yaml', body: largestYaml, clients: 1 },
];

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? Number.NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function phase(url: string, hostile: 'none' | 'regex' | 'mix'): Promise<Record<string, number>> {
  await fetch(`${url}/v1/metrics`).then((r) => r.text()); // restarts the server's event-loop histogram
  const until = performance.now() + PHASE_MS;
  const health: number[] = [];
  const polls: number[] = [];
  const poll = JSON.stringify({
    wireVersion: 1,
    identity: { service: 'frontend', namespace: 'demo', pod: 'p' },
    instance: 'p/1',
    epoch: '',
    version: 0,
    holdMs: 0,
  });
  const probe = async (samples: number[], send: () => Promise<Response>) => {
    while (performance.now() < until) {
      const started = performance.now();
      await (await send()).arrayBuffer();
      samples.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  // The attackers run in a child process, so that their work does not delay this process's probes.
  const attackers = hostile === 'none' ? undefined : fork(fileURLToPath(import.meta.url), ['--attack', url, String(PHASE_MS), hostile]);
  const attacked = new Promise<number>((resolve) => {
    if (!attackers) resolve(0);
    else attackers.on('message', (count) => resolve(count as number));
  });
  await Promise.all([
    probe(health, () => fetch(`${url}/v1/health`)),
    probe(polls, () => fetch(`${url}/v1/dataplane/poll`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: poll })),
  ]);
  const hostileRequests = await attacked;
  const exposition = await fetch(`${url}/v1/metrics`).then((r) => r.text());
  health.sort((a, b) => a - b);
  polls.sort((a, b) => a - b);
  return {
    'health p50': percentile(health, 50),
    'health p99': percentile(health, 99),
    'poll p50': percentile(polls, 50),
    'poll p99': percentile(polls, 99),
    'event-loop delay p99': metricValue(exposition, 'hfi_control_plane_event_loop_delay_seconds{stat="p99"}') * 1000,
    'event-loop delay max': metricValue(exposition, 'hfi_control_plane_event_loop_delay_seconds{stat="max"}') * 1000,
    samples: health.length + polls.length,
    'hostile requests': hostileRequests,
  };
}

/** In the attackers' child process: every hostile client in a loop until the phase ends; reports the count. */
async function attack(url: string, ms: number, which: string): Promise<void> {
  const until = performance.now() + ms;
  let count = 0;
  await Promise.all(
    (which === 'regex' ? HOSTILE.slice(0, 1) : HOSTILE).flatMap(({ path, type, body, clients }) =>
      Array.from({ length: clients }, async () => {
        while (performance.now() < until) {
          await (await fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': type }, body })).arrayBuffer();
          count++;
        }
      }),
    ),
  );
  process.send!(count);
  process.disconnect();
}

if (process.argv[2] === '--attack') await attack(process.argv[3]!, Number(process.argv[4]), process.argv[5]!);
else await main();

async function main(): Promise<void> {
  const server = await startControlPlane({ env: { LOG_LEVEL: 'error' } });
  try {
    const phases = {
      idle: await phase(server.url, 'none'),
      '4 regex': await phase(server.url, 'regex'),
      mix: await phase(server.url, 'mix'),
    };
    console.log(`\n== hostile requests (${PHASE_MS / 1000} s per phase): idle; 4 costly-regex clients; those + 4 hostile-body clients ==`);
    console.log(
      `${'measure (ms)'.padEnd(24)}${Object.keys(phases)
        .map((k) => k.padStart(10))
        .join('')}`,
    );
    for (const key of Object.keys(phases.idle)) {
      const fmt = (v: number) => (key.includes('requests') || key === 'samples' ? String(v) : v.toFixed(1)).padStart(10);
      console.log(
        `${key.padEnd(24)}${Object.values(phases)
          .map((p) => fmt(p[key]!))
          .join('')}`,
      );
    }
    for (const [name, p] of Object.entries(phases)) {
      if (name === 'idle') continue;
      for (const key of ['health p99', 'poll p99']) {
        const v = p[key]!;
        console.log(
          `${key} (${name}): ${v.toFixed(1)} ms, goal < ${GOAL_P99_MS} ms, ratio ${(v / GOAL_P99_MS).toFixed(2)} ${v < GOAL_P99_MS ? '(met)' : '(MISSED)'}`,
        );
      }
    }
  } finally {
    await server.stop();
  }
}
