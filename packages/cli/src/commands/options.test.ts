import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidArgumentError } from 'commander';
import { wholeSeconds } from './options.js';

test('--duration-seconds takes seconds, or a duration of whole seconds like any other duration flag', () => {
  const seconds = { '600': 600, '0': 0, '10s': 10, '10m': 600, '1h30m': 5400, '2000ms': 2 };
  for (const [text, expected] of Object.entries(seconds)) assert.equal(wholeSeconds(text), expected, text);
  for (const bad of ['', '-5', '1.5', '1500ms', 'soon', '10d']) assert.throws(() => wholeSeconds(bad), InvalidArgumentError, bad);
});
