// Configuration: defaults, config.yaml, environment precedence, and refusals naming the setting.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, DEFAULT_CONFIG, loadConfig } from '../src/config/config.js';

const files: Record<string, string> = {
  'config.yaml': `server:\n  port: 9090\n  timeout: 45s\nstorage:\n  backend: etcd\n  etcd:\n    endpoints:\n      - http://etcd:2379\nlogging:\n  level: debug\n  format: text\npolicies:\n  max_count: 500\n  auto_expire_check_interval: 30s\n`,
  'tokens.yaml': `admin: file-admin\nread: [r1, r2]\ndataplane: dp\n`,
  'named-tokens.yaml': `admin:\n  alice: alice-secret\n  ci-bot: ci-secret\nread:\n  grafana: grafana-secret\ndataplane: dp\n`,
};
const readFile = (path: string): string => {
  const text = files[path];
  if (text === undefined) throw new Error('ENOENT');
  return text;
};
const load = (env: Record<string, string>, configFile?: string) => loadConfig({ env, readFile, ...(configFile ? { configFile } : {}) });

function refuses(fn: () => unknown, setting: string, pattern?: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof ConfigError, String(error));
    assert.equal(error.setting, setting);
    assert.ok(error.message.includes(setting));
    if (pattern) assert.match(error.message, pattern);
    return true;
  });
}

test('defaults: loopback 127.0.0.1:8080, memory store, open without tokens', () => {
  const c = load({});
  assert.equal(c.host, '127.0.0.1');
  assert.equal(c.port, 8080);
  assert.equal(c.storage.backend, 'memory');
  assert.equal(c.requestTimeoutMs, 30_000);
  assert.equal(c.maxPolicies, DEFAULT_CONFIG.maxPolicies);
  assert.ok(Object.isFrozen(c) && Object.isFrozen(c.storage));
});

test('config.yaml in the seed ConfigMap shape', () => {
  const c = load({}, 'config.yaml');
  assert.equal(c.port, 9090);
  assert.equal(c.requestTimeoutMs, 45_000);
  assert.equal(c.storage.backend, 'etcd');
  assert.deepEqual(c.storage.etcdEndpoints, ['http://etcd:2379']);
  assert.deepEqual(c.logging, { level: 'debug', format: 'text' });
  assert.equal(c.maxPolicies, 500);
  assert.equal(c.autoExpireCheckIntervalMs, 30_000);
});

test('the environment wins over the file', () => {
  const c = load(
    {
      CONTROL_PLANE_PORT: '7000',
      STORAGE_BACKEND: 'memory',
      ETCD_ENDPOINTS: 'http://a:2379, http://b:2379',
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
      REQUEST_TIMEOUT: '1m30s',
      WATCH_BUFFER_SIZE: '10',
      MAX_POLICIES: '42',
    },
    'config.yaml',
  );
  assert.equal(c.port, 7000);
  assert.equal(c.storage.backend, 'memory');
  assert.deepEqual(c.storage.etcdEndpoints, ['http://a:2379', 'http://b:2379']);
  assert.equal(c.logging.level, 'warn');
  assert.equal(c.requestTimeoutMs, 90_000);
  assert.equal(c.watchBufferSize, 10);
  assert.equal(c.maxPolicies, 42);
});

test('CONTROL_PLANE_ADDR: host, or host:port whose port wins', () => {
  assert.equal(load({ CONTROL_PLANE_ADDR: 'localhost' }).host, 'localhost');
  const c = load({ CONTROL_PLANE_ADDR: '0.0.0.0:8081', CONTROL_PLANE_PORT: '9999', HFI_ADMIN_TOKEN: 't' });
  assert.equal(c.host, '0.0.0.0');
  assert.equal(c.port, 8081);
  assert.equal(load({ CONTROL_PLANE_ADDR: '[::1]:8082' }).host, '::1');
});

test('no admin token on a non-loopback address is refused, unless allowed on purpose', () => {
  refuses(() => load({ CONTROL_PLANE_ADDR: '0.0.0.0:8080' }), 'HFI_ADMIN_TOKEN', /HFI_ALLOW_UNAUTHENTICATED/);
  assert.equal(load({ CONTROL_PLANE_ADDR: '0.0.0.0:8080', HFI_ALLOW_UNAUTHENTICATED: 'true' }).auth.allowUnauthenticated, true);
  assert.deepEqual(load({ CONTROL_PLANE_ADDR: '0.0.0.0', HFI_ADMIN_TOKEN: 'secret' }).auth.tokens.admin, [
    { name: 'admin', token: 'secret' },
  ]);
});

test('tokens from env and from HFI_TOKEN_FILE (env wins); the older formats get fixed names', () => {
  const c = load({ HFI_TOKEN_FILE: 'tokens.yaml', HFI_ADMIN_TOKEN: 'env-admin' });
  assert.deepEqual(c.auth.tokens.admin, [{ name: 'admin', token: 'env-admin' }]);
  assert.deepEqual(c.auth.tokens.read, [
    { name: 'read-1', token: 'r1' },
    { name: 'read-2', token: 'r2' },
  ]);
  assert.deepEqual(c.auth.tokens.dataplane, [{ name: 'dataplane', token: 'dp' }]);
  assert.deepEqual(
    load({ HFI_READ_TOKENS: 'a, b,,c' }).auth.tokens.read.map((t) => `${t.name}=${t.token}`),
    ['read-1=a', 'read-2=b', 'read-3=c'],
  );
});

test('the token file names tokens (`name: token`): the name is the actor of the audit history', () => {
  const c = load({ HFI_TOKEN_FILE: 'named-tokens.yaml' });
  assert.deepEqual(c.auth.tokens.admin, [
    { name: 'alice', token: 'alice-secret' },
    { name: 'ci-bot', token: 'ci-secret' },
  ]);
  assert.deepEqual(c.auth.tokens.read, [{ name: 'grafana', token: 'grafana-secret' }]);
});

test('token names: malformed, reserved or taken twice, and one token under two names, are refused naming the entry', () => {
  files['t-bad-name.yaml'] = 'admin:\n  Alice Smith: s1\n';
  refuses(() => load({ HFI_TOKEN_FILE: 't-bad-name.yaml' }), 'HFI_TOKEN_FILE admin.Alice Smith', /lower-case/);
  files['t-reserved.yaml'] = 'admin:\n  system: s1\n';
  refuses(() => load({ HFI_TOKEN_FILE: 't-reserved.yaml' }), 'HFI_TOKEN_FILE admin.system', /reserved/);
  files['t-twice.yaml'] = 'admin:\n  ops: s1\nread:\n  ops: s2\n';
  refuses(() => load({ HFI_TOKEN_FILE: 't-twice.yaml' }), 'read token "ops"', /name is taken/);
  files['t-shared.yaml'] = 'admin:\n  ops: s1\nread:\n  viewer: s1\n';
  refuses(() => load({ HFI_TOKEN_FILE: 't-shared.yaml' }), 'read token "viewer"', /under another name/);
  files['t-number.yaml'] = 'admin: 12\n';
  refuses(() => load({ HFI_TOKEN_FILE: 't-number.yaml' }), 'HFI_TOKEN_FILE admin', /token, a list of tokens, or a mapping/);
});

test('audit retention from config.yaml and the environment (env wins)', () => {
  assert.deepEqual(DEFAULT_CONFIG.audit, { maxEntries: 10_000, maxAgeMs: 90 * 24 * 3600_000 });
  files['audit.yaml'] = 'audit:\n  max_entries: 500\n  max_age: 7d\n';
  refuses(() => load({}, 'audit.yaml'), 'audit.max_age');
  files['audit.yaml'] = 'audit:\n  max_entries: 500\n  max_age: 168h\n';
  assert.deepEqual(load({}, 'audit.yaml').audit, { maxEntries: 500, maxAgeMs: 168 * 3600_000 });
  assert.deepEqual(load({ AUDIT_MAX_ENTRIES: '20', AUDIT_MAX_AGE: '1h' }, 'audit.yaml').audit, { maxEntries: 20, maxAgeMs: 3600_000 });
  refuses(() => load({ AUDIT_MAX_ENTRIES: '0' }), 'AUDIT_MAX_ENTRIES');
});

test('invalid values are refused naming the setting', () => {
  refuses(() => load({ CONTROL_PLANE_PORT: '70000' }), 'CONTROL_PLANE_PORT');
  refuses(() => load({ CONTROL_PLANE_PORT: 'http' }), 'CONTROL_PLANE_PORT');
  refuses(() => load({ CONTROL_PLANE_ADDR: 'http://x:80' }), 'CONTROL_PLANE_ADDR');
  refuses(() => load({ STORAGE_BACKEND: 'redis' }), 'STORAGE_BACKEND');
  refuses(() => load({ ETCD_ENDPOINTS: 'not a url' }), 'ETCD_ENDPOINTS');
  refuses(() => load({ LOG_LEVEL: 'loud' }), 'LOG_LEVEL');
  refuses(() => load({ LOG_FORMAT: 'xml' }), 'LOG_FORMAT');
  refuses(() => load({ REQUEST_TIMEOUT: '30x' }), 'REQUEST_TIMEOUT');
  refuses(() => load({ WATCH_BUFFER_SIZE: '-1' }), 'WATCH_BUFFER_SIZE');
  refuses(() => load({ MAX_POLICIES: '0' }), 'MAX_POLICIES');
  refuses(() => load({ HFI_ALLOW_UNAUTHENTICATED: 'maybe' }), 'HFI_ALLOW_UNAUTHENTICATED');
  refuses(() => load({ HFI_TOKEN_FILE: 'missing.yaml' }), 'HFI_TOKEN_FILE');
  refuses(() => load({}, 'missing.yaml'), '--config');
  files['bad.yaml'] = 'server:\n  prot: 80\n';
  refuses(() => load({}, 'bad.yaml'), 'server.prot');
  files['bad2.yaml'] = 'policies:\n  max_count: lots\n';
  refuses(() => load({}, 'bad2.yaml'), 'policies.max_count');
  files['bad3.yaml'] = 'server: [1, 2]\n';
  refuses(() => load({}, 'bad3.yaml'), 'server');
});

test('every duration setting, in the file or the environment, takes a duration or a number of seconds, above zero', () => {
  const readers: Record<string, (text: string) => number> = {
    REQUEST_TIMEOUT: (text) => load({ REQUEST_TIMEOUT: text }).requestTimeoutMs,
    'server.timeout': (text) => fromFile(`server: {timeout: ${text}}`).requestTimeoutMs,
    'policies.auto_expire_check_interval': (text) => fromFile(`policies: {auto_expire_check_interval: ${text}}`).autoExpireCheckIntervalMs,
  };
  for (const [setting, read] of Object.entries(readers)) {
    assert.equal(read('30s'), 30_000, setting);
    assert.equal(read('1m30s'), 90_000, setting);
    assert.equal(read('250ms'), 250, setting);
    assert.equal(read('1.5h'), 5_400_000, setting);
    assert.equal(read('30'), 30_000, setting);
    assert.equal(read('0.5'), 500, setting);
    for (const bad of ['0', '0s', 's', '1x', '1s2', '-1s', '0.0001']) refuses(() => read(bad), setting);
  }
});

let fileCount = 0;
function fromFile(yaml: string) {
  const path = `durations-${++fileCount}.yaml`;
  files[path] = `${yaml}\n`;
  return load({}, path);
}

test("the default guard: HFI_DEFAULT_STOP_WHEN (JSON or YAML) or policies.default_stop_when, validated like spec.stopWhen; without a selector it guards the policy's own workload", () => {
  const c = load({
    HFI_DEFAULT_STOP_WHEN: '[{"errorRateAbove": 50}, {"selector": {"service": "frontend"}, "p99LatencyAbove": "2s", "window": "1m"}]',
  });
  assert.deepEqual(c.defaultGuard, [
    {
      condition: { selector: { service: '*', namespace: '*' }, errorRateAbove: 50, windowMs: 30_000, minRequests: 20 },
      policySelector: true,
    },
    {
      condition: { selector: { service: 'frontend', namespace: '*' }, p99LatencyAboveMs: 2000, windowMs: 60_000, minRequests: 20 },
      policySelector: false,
    },
  ]);
  assert.deepEqual(load({}).defaultGuard, [], 'none by default');
  assert.deepEqual(load({ HFI_DEFAULT_STOP_WHEN: '[]' }).defaultGuard, [], '[] turns it off');
  files['guard.yaml'] = 'policies:\n  default_stop_when:\n    - errorRateAbove: 20\n      minRequests: 100\n';
  assert.equal(load({}, 'guard.yaml').defaultGuard[0]?.condition.minRequests, 100);
  refuses(
    () => load({ HFI_DEFAULT_STOP_WHEN: '[{"errorRateAbove": "lots"}]' }),
    'HFI_DEFAULT_STOP_WHEN[0].errorRateAbove',
    /percentage from 0 to 100/,
  );
  refuses(() => load({ HFI_DEFAULT_STOP_WHEN: '{errorRateAbove: 5}' }), 'HFI_DEFAULT_STOP_WHEN', /expected a list of conditions/);
  refuses(
    () => load({ HFI_DEFAULT_STOP_WHEN: '[{"window": "30s"}]' }),
    'HFI_DEFAULT_STOP_WHEN[0]',
    /needs errorRateAbove, p99LatencyAbove, or both/,
  );
});
