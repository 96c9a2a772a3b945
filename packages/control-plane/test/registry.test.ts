// The data-plane registry: what its generation (the status cache's key) counts, and recency for eviction.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WIRE_VERSION } from '@hfi/api';
import type { DataPlanePoll } from '../src/distribution/poll-request.js';
import { DataPlaneRegistry } from '../src/distribution/registry.js';
import { identityKey, podKey } from '../src/identity-key.js';
import { ManualClock } from './helpers/fixtures.js';

function poll(instance: string, version: number, pod: string | null = 'api-1'): DataPlanePoll {
  return {
    wireVersion: WIRE_VERSION,
    identity: { service: 'api', namespace: 'shop', pod },
    instance,
    epoch: 'e1',
    version,
    holdMs: 30_000,
    counters: undefined,
  };
}

test('a poll like the last one of its instance changes nothing a status reads: the generation stays, the view is the same', () => {
  const registry = new DataPlaneRegistry(new ManualClock());
  registry.record(poll('api-1/vm', 3));
  const generation = registry.generation;
  const [view] = registry.views();
  registry.record(poll('api-1/vm', 3));
  assert.equal(registry.generation, generation);
  assert.equal(registry.views()[0], view);
  registry.record(poll('api-1/vm', 4));
  assert.ok(registry.generation > generation, 'a new held version is a change');
  assert.equal(registry.views()[0]!.version, 4);
});

test('a view keeps the pod and identity keys of its identity, rebuilt when the identity changes', () => {
  const registry = new DataPlaneRegistry(new ManualClock());
  registry.record(poll('api-1/vm', 3));
  registry.record(poll('api-1/vm', 3, null));
  const view = registry.views()[0]!;
  assert.equal(view.podKey, podKey({ instance: 'api-1/vm', identity: { namespace: 'shop', pod: null } }));
  assert.equal(view.identityKey, identityKey({ service: 'api', namespace: 'shop' }));
  registry.delivered('api-1/vm', { epoch: 'e1', version: 5 });
  assert.deepEqual({ ...registry.views()[0]!, version: 3 }, view, 'delivering changes the held version only');
});

test('beyond its bound the least recently seen is forgotten; an answer makes an instance recently seen again', () => {
  const clock = new ManualClock();
  const evicted: string[] = [];
  const registry = new DataPlaneRegistry(clock, 60_000, { maxEntries: 2, onEvicted: (i) => evicted.push(i) });
  registry.record(poll('a', 1, 'a'));
  registry.holding('a', 1);
  clock.advance(10);
  registry.record(poll('b', 1, 'b'));
  registry.holding('b', 1);
  clock.advance(10);
  registry.holding('a', -1); // a's poll answered after b's arrived
  registry.record(poll('c', 1, 'c'));
  assert.deepEqual(evicted, ['b']);
  assert.deepEqual(
    registry.list().map((p) => [p.instance, p.connected]),
    [
      ['a', false],
      ['c', false],
    ],
  );
});
