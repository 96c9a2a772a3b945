// Reading one sample from a Prometheus exposition, in the control plane's and in Envoy's spelling.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { metricValue } from '../src/metrics.js';

const exposition = [
  '# HELP hfi_control_plane_longpolls_held Polls held now',
  '# TYPE hfi_control_plane_longpolls_held gauge',
  'hfi_control_plane_longpolls_held 4',
  'hfi_control_plane_longpolls_held_total 9',
  'wasmcustom_hfi_faults_aborts_total{} 12',
  'wasmcustom_hfi_faults_delay_duration_milliseconds_bucket{le="500"} 3',
  '',
].join('\n');

test('an unlabelled metric is read with or without "{}", a labelled one by its label set as printed', () => {
  assert.equal(metricValue(exposition, 'hfi_control_plane_longpolls_held'), 4);
  assert.equal(metricValue(exposition, 'wasmcustom_hfi_faults_aborts_total'), 12);
  assert.equal(metricValue(exposition, 'wasmcustom_hfi_faults_delay_duration_milliseconds_bucket{le="500"}'), 3);
});

test('an absent metric is NaN; a name is not matched by a longer one or in a comment', () => {
  assert.ok(Number.isNaN(metricValue(exposition, 'hfi_control_plane_sse_streams')));
  assert.ok(Number.isNaN(metricValue(exposition, 'hfi_control_plane_longpolls')));
  assert.ok(Number.isNaN(metricValue('# hfi_x 1\n', 'hfi_x')));
});
