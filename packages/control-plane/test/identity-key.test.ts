// Identity keys: equal identities share a key, distinct ones never do, whatever their fields contain.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { identityKey, podKey } from '../src/identity-key.js';

test('identity keys tell apart unknown fields, empty names and names containing separators', () => {
  const identities = [
    { service: 'a', namespace: 'b' },
    { service: 'a\u0001b', namespace: null },
    { service: 'a', namespace: 'b\u0001' },
    { service: null, namespace: 'b' },
    { service: '', namespace: 'b' },
    { service: 'null', namespace: 'b' },
    { service: null, namespace: null },
  ];
  assert.equal(new Set(identities.map(identityKey)).size, identities.length);
  const withPod = { service: 'a', namespace: 'b', pod: 'a-1' };
  assert.equal(identityKey(withPod), identityKey({ service: 'a', namespace: 'b' }), 'the pod is not part of the identity');
});

test('pod keys: the VMs of one pod share a key; without a pod each instance is its own', () => {
  const vm = (instance: string, pod: string | null, namespace: string | null = 'shop') =>
    podKey({ instance, identity: { namespace, pod } });
  assert.equal(vm('api-1/vm-a', 'api-1'), vm('api-1/vm-b', 'api-1'));
  assert.notEqual(vm('api-1/vm-a', 'api-1'), vm('api-1/vm-a', 'api-1', 'other'));
  assert.notEqual(vm('solo-a', null), vm('solo-b', null));
  assert.notEqual(vm('api-1', null), vm('x', 'api-1'), 'an instance named like a pod is not that pod');
});
