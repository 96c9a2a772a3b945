// Configuration: defaults, then config.yaml (the seed's ConfigMap shape), then the environment.
// Validated once here and frozen; a bad value is a ConfigError naming the setting.

import { parseDurationSettingMs } from '@hfi/duration';
import { type StopCondition, validateStopWhen } from '@hfi/policy';
import { parse as parseYaml } from 'yaml';
import { isLoopbackHost, parseListenAddress, parsePort } from './address.js';

type StorageBackend = 'memory' | 'etcd';
type LogFormat = 'json' | 'text';
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
type LogLevel = (typeof LOG_LEVELS)[number];

/** admin: reads and writes; read: read-only; dataplane: the data-plane endpoints (poll, stream). */
export type Grant = 'admin' | 'read' | 'dataplane';

/** A token and the name it is known by: the actor of the changes it makes (audit history), never the secret. */
interface NamedToken {
  name: string;
  token: string;
}

export interface AuthConfig {
  tokens: Record<Grant, NamedToken[]>;
  allowUnauthenticated: boolean;
}

/** Names the audit history uses for changes no token made: a token may not take them. */
const RESERVED_TOKEN_NAMES = new Set(['anonymous', 'system']);
const TOKEN_NAME = /^[a-z0-9]([-a-z0-9._@]{0,61}[a-z0-9])?$/;

/** A condition of the default guard; `policySelector`: written without a selector, it guards the policy's own workload. */
export interface GuardCondition {
  condition: StopCondition;
  policySelector: boolean;
}

export interface ControlPlaneConfig {
  host: string;
  port: number;
  storage: { backend: StorageBackend; etcdEndpoints: string[] };
  logging: { level: LogLevel; format: LogFormat };
  requestTimeoutMs: number;
  /** Time budget for building the regex DFAs of one request (REGEX_BUDGET). */
  regexBudgetMs: number;
  watchBufferSize: number;
  /** Bytes an SSE client may leave unread before its stream is closed (WATCH_BUFFER_BYTES). */
  watchBufferBytes: number;
  /** Data-plane instances the registry keeps; the least recently seen is forgotten beyond (MAX_DATA_PLANES). */
  maxDataPlanes: number;
  maxPolicies: number;
  autoExpireCheckIntervalMs: number;
  /** Retention of the audit history: the newest entries kept, and the oldest age kept. */
  audit: { maxEntries: number; maxAgeMs: number };
  /** Stop conditions for policies without spec.stopWhen (HFI_DEFAULT_STOP_WHEN, policies.default_stop_when); empty: none. */
  defaultGuard: GuardCondition[];
  auth: AuthConfig;
}

export const DEFAULT_CONFIG: ControlPlaneConfig = {
  host: '127.0.0.1',
  port: 8080,
  storage: { backend: 'memory', etcdEndpoints: ['http://127.0.0.1:2379'] },
  logging: { level: 'info', format: 'json' },
  requestTimeoutMs: 30_000,
  regexBudgetMs: 2_000,
  watchBufferSize: 1000,
  watchBufferBytes: 16 * 1024 * 1024,
  maxDataPlanes: 10_000,
  maxPolicies: 10_000,
  autoExpireCheckIntervalMs: 60_000,
  audit: { maxEntries: 10_000, maxAgeMs: 90 * 24 * 3600_000 },
  defaultGuard: [],
  auth: { tokens: { admin: [], read: [], dataplane: [] }, allowUnauthenticated: false },
};

export class ConfigError extends Error {
  constructor(
    readonly setting: string,
    reason: string,
  ) {
    super(`invalid configuration: ${setting}: ${reason}`);
    this.name = 'ConfigError';
  }
}

export interface ConfigSources {
  env: Readonly<Record<string, string | undefined>>;
  /** Path given with --config. */
  configFile?: string;
  /** Reads a file as UTF-8 text (injected so that this module does no I/O of its own). */
  readFile: (path: string) => string;
}

export function loadConfig(sources: ConfigSources): ControlPlaneConfig {
  const config: ControlPlaneConfig = structuredClone(DEFAULT_CONFIG);
  if (sources.configFile !== undefined) applyFile(config, readText(sources, sources.configFile, '--config'));
  applyEnv(config, sources);
  checkTokens(config.auth);
  checkExposure(config);
  return deepFreeze(config);
}

function readText(sources: ConfigSources, path: string, setting: string): string {
  try {
    return sources.readFile(path);
  } catch (error) {
    throw new ConfigError(setting, `cannot read ${path}: ${(error as Error).message}`);
  }
}

// ---------------------------------------------------------------------------------------------
// config.yaml

const FILE_KEYS: Record<string, readonly string[]> = {
  '': ['server', 'storage', 'logging', 'policies', 'audit'],
  server: ['host', 'port', 'timeout'],
  storage: ['backend', 'etcd'],
  'storage.etcd': ['endpoints'],
  logging: ['level', 'format'],
  policies: ['max_count', 'auto_expire_check_interval', 'regex_budget', 'default_stop_when'],
  audit: ['max_entries', 'max_age'],
};

function applyFile(config: ControlPlaneConfig, text: string): void {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (error) {
    throw new ConfigError('--config', `not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  if (doc === null || doc === undefined) return;
  const root = section(doc, '');
  const server = section(root.server, 'server');
  const storage = section(root.storage, 'storage');
  const etcd = section(storage.etcd, 'storage.etcd');
  const logging = section(root.logging, 'logging');
  const policies = section(root.policies, 'policies');
  const audit = section(root.audit, 'audit');

  if (server.host !== undefined) config.host = hostSetting('server.host', server.host);
  if (server.port !== undefined) config.port = portSetting('server.port', server.port);
  if (server.timeout !== undefined) config.requestTimeoutMs = durationSetting('server.timeout', server.timeout);
  if (storage.backend !== undefined) config.storage.backend = backendSetting('storage.backend', storage.backend);
  if (etcd.endpoints !== undefined) {
    if (!Array.isArray(etcd.endpoints)) throw new ConfigError('storage.etcd.endpoints', 'expected a list of URLs');
    config.storage.etcdEndpoints = endpointsSetting('storage.etcd.endpoints', etcd.endpoints.map(String));
  }
  if (logging.level !== undefined) config.logging.level = levelSetting('logging.level', logging.level);
  if (logging.format !== undefined) config.logging.format = formatSetting('logging.format', logging.format);
  if (policies.max_count !== undefined) config.maxPolicies = positiveInt('policies.max_count', policies.max_count);
  if (policies.regex_budget !== undefined) config.regexBudgetMs = durationSetting('policies.regex_budget', policies.regex_budget);
  if (policies.auto_expire_check_interval !== undefined) {
    config.autoExpireCheckIntervalMs = durationSetting('policies.auto_expire_check_interval', policies.auto_expire_check_interval);
  }
  if (policies.default_stop_when !== undefined)
    config.defaultGuard = guardSetting('policies.default_stop_when', policies.default_stop_when);
  if (audit.max_entries !== undefined) config.audit.maxEntries = positiveInt('audit.max_entries', audit.max_entries);
  if (audit.max_age !== undefined) config.audit.maxAgeMs = durationSetting('audit.max_age', audit.max_age);
}

function section(value: unknown, path: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new ConfigError(path || '--config', 'expected a mapping');
  const record = value as Record<string, unknown>;
  const allowed = FILE_KEYS[path] ?? [];
  for (const key of Object.keys(record)) {
    if (!allowed.includes(key)) {
      throw new ConfigError(path ? `${path}.${key}` : key, `unknown setting (expected one of: ${allowed.join(', ')})`);
    }
  }
  return record;
}

// ---------------------------------------------------------------------------------------------
// Environment (wins over the file)

function applyEnv(config: ControlPlaneConfig, sources: ConfigSources): void {
  const env = sources.env;
  const get = (name: string): string | undefined => {
    const v = env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };

  let v: string | undefined;
  if ((v = get('CONTROL_PLANE_PORT')) !== undefined) config.port = portSetting('CONTROL_PLANE_PORT', v);
  if ((v = get('CONTROL_PLANE_ADDR')) !== undefined) {
    const addr = parseListenAddress(v);
    if (!addr) throw new ConfigError('CONTROL_PLANE_ADDR', `expected host or host:port (e.g. 0.0.0.0:8080), got "${v}"`);
    config.host = addr.host;
    if (addr.port !== undefined) config.port = addr.port;
  }
  if ((v = get('STORAGE_BACKEND')) !== undefined) config.storage.backend = backendSetting('STORAGE_BACKEND', v);
  if ((v = get('ETCD_ENDPOINTS')) !== undefined) config.storage.etcdEndpoints = endpointsSetting('ETCD_ENDPOINTS', v.split(','));
  if ((v = get('LOG_LEVEL')) !== undefined) config.logging.level = levelSetting('LOG_LEVEL', v);
  if ((v = get('LOG_FORMAT')) !== undefined) config.logging.format = formatSetting('LOG_FORMAT', v);
  if ((v = get('REQUEST_TIMEOUT')) !== undefined) config.requestTimeoutMs = durationSetting('REQUEST_TIMEOUT', v);
  if ((v = get('REGEX_BUDGET')) !== undefined) config.regexBudgetMs = durationSetting('REGEX_BUDGET', v);
  if ((v = get('WATCH_BUFFER_SIZE')) !== undefined) config.watchBufferSize = positiveInt('WATCH_BUFFER_SIZE', v);
  if ((v = get('WATCH_BUFFER_BYTES')) !== undefined) config.watchBufferBytes = positiveInt('WATCH_BUFFER_BYTES', v);
  if ((v = get('MAX_DATA_PLANES')) !== undefined) config.maxDataPlanes = positiveInt('MAX_DATA_PLANES', v);
  if ((v = get('MAX_POLICIES')) !== undefined) config.maxPolicies = positiveInt('MAX_POLICIES', v);
  if ((v = get('AUDIT_MAX_ENTRIES')) !== undefined) config.audit.maxEntries = positiveInt('AUDIT_MAX_ENTRIES', v);
  if ((v = get('AUDIT_MAX_AGE')) !== undefined) config.audit.maxAgeMs = durationSetting('AUDIT_MAX_AGE', v);
  if ((v = get('HFI_DEFAULT_STOP_WHEN')) !== undefined)
    config.defaultGuard = guardSetting('HFI_DEFAULT_STOP_WHEN', yamlSetting('HFI_DEFAULT_STOP_WHEN', v));

  // A grant set in the environment replaces that grant's tokens from the file. Env tokens get fixed names.
  if ((v = get('HFI_TOKEN_FILE')) !== undefined) applyTokenFile(config.auth, readText(sources, v, 'HFI_TOKEN_FILE'));
  if ((v = get('HFI_ADMIN_TOKEN')) !== undefined) config.auth.tokens.admin = [{ name: 'admin', token: token('HFI_ADMIN_TOKEN', v) }];
  if ((v = get('HFI_READ_TOKENS')) !== undefined) {
    config.auth.tokens.read = v
      .split(',')
      .map((t) => t.trim())
      .filter((t) => t !== '')
      .map((t, i) => ({ name: `read-${i + 1}`, token: token('HFI_READ_TOKENS', t) }));
  }
  if ((v = get('HFI_DATAPLANE_TOKEN')) !== undefined) {
    config.auth.tokens.dataplane = [{ name: 'dataplane', token: token('HFI_DATAPLANE_TOKEN', v) }];
  }
  if ((v = get('HFI_ALLOW_UNAUTHENTICATED')) !== undefined) {
    config.auth.allowUnauthenticated = booleanSetting('HFI_ALLOW_UNAUTHENTICATED', v);
  }
}

/**
 * `{admin, read, dataplane}`, each one token (named after its grant), a list (`read-1`, `read-2`...), or a
 * mapping `name: token` (the name is the actor the audit history records).
 */
function applyTokenFile(auth: AuthConfig, text: string): void {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (error) {
    throw new ConfigError('HFI_TOKEN_FILE', `not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new ConfigError('HFI_TOKEN_FILE', 'expected a mapping with keys admin, read, dataplane');
  }
  for (const [key, value] of Object.entries(doc)) {
    if (key !== 'admin' && key !== 'read' && key !== 'dataplane') {
      throw new ConfigError(`HFI_TOKEN_FILE ${key}`, 'unknown key (expected admin, read, dataplane)');
    }
    auth.tokens[key] = namedTokens(`HFI_TOKEN_FILE ${key}`, key, value);
  }
}

function namedTokens(setting: string, grant: Grant, value: unknown): NamedToken[] {
  if (typeof value === 'string') return [{ name: grant, token: token(setting, value) }];
  if (Array.isArray(value)) return value.map((t, i) => ({ name: `${grant}-${i + 1}`, token: token(setting, t) }));
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).map(([name, t]) => ({
      name: tokenName(`${setting}.${name}`, name),
      token: token(`${setting}.${name}`, t),
    }));
  }
  throw new ConfigError(setting, 'expected a token, a list of tokens, or a mapping of names to tokens');
}

function tokenName(setting: string, name: string): string {
  if (!TOKEN_NAME.test(name)) {
    throw new ConfigError(
      setting,
      'a token name is 1-63 lower-case letters, digits and "-._@", starting and ending with a letter or digit',
    );
  }
  if (RESERVED_TOKEN_NAMES.has(name)) throw new ConfigError(setting, `"${name}" is reserved (the audit history's actor for no token)`);
  return name;
}

/** Every name and every token once: a name is an actor, and a token shared by two names would make it ambiguous. */
function checkTokens(auth: AuthConfig): void {
  const names = new Set<string>();
  const secrets = new Set<string>();
  for (const [grant, tokens] of Object.entries(auth.tokens)) {
    for (const { name, token } of tokens) {
      if (names.has(name)) throw new ConfigError(`${grant} token "${name}"`, 'the name is taken by another token');
      if (secrets.has(token)) throw new ConfigError(`${grant} token "${name}"`, 'the same token is configured under another name');
      names.add(name);
      secrets.add(token);
    }
  }
}

/** The safe-by-default rule: an open server only on loopback, unless explicitly allowed. */
function checkExposure(config: ControlPlaneConfig): void {
  if (config.auth.tokens.admin.length > 0 || isLoopbackHost(config.host) || config.auth.allowUnauthenticated) return;
  throw new ConfigError(
    'HFI_ADMIN_TOKEN',
    `the server would listen on ${config.host} (not loopback) without authentication; ` +
      'set HFI_ADMIN_TOKEN (or HFI_TOKEN_FILE), or HFI_ALLOW_UNAUTHENTICATED=true to run open on purpose',
  );
}

// ---------------------------------------------------------------------------------------------
// Single settings

function portSetting(name: string, value: unknown): number {
  const n = parsePort(String(value));
  if (n === undefined) throw new ConfigError(name, `expected a port number 0-65535, got "${String(value)}"`);
  return n;
}

function hostSetting(name: string, value: unknown): string {
  const addr = typeof value === 'string' ? parseListenAddress(value) : undefined;
  if (!addr || addr.port !== undefined) throw new ConfigError(name, `expected a host name or IP address, got "${String(value)}"`);
  return addr.host;
}

/** Every duration setting, from the file or the environment: "30s", "500ms", "1m30s", or a number of seconds. */
function durationSetting(name: string, value: unknown): number {
  const parsed = typeof value === 'string' || typeof value === 'number' ? parseDurationSettingMs(String(value)) : undefined;
  if (!parsed?.ok)
    throw new ConfigError(name, `expected a duration such as "30s", "500ms" or "1m", or a number of seconds, got "${String(value)}"`);
  if (parsed.ms <= 0) throw new ConfigError(name, 'must be greater than zero');
  return parsed.ms;
}

function yamlSetting(name: string, text: string): unknown {
  try {
    return parseYaml(text);
  } catch (error) {
    throw new ConfigError(name, `not valid JSON or YAML: ${(error as Error).message.split('\n')[0]}`);
  }
}

/**
 * The default guard: a list of stop conditions as in spec.stopWhen (docs/policy.md "Stop conditions"); a
 * condition without a selector guards the policy's own workload. `[]` turns it off.
 */
function guardSetting(name: string, value: unknown): GuardCondition[] {
  if (Array.isArray(value) && value.length === 0) return [];
  const own = Array.isArray(value) ? value.map((c) => typeof c === 'object' && c !== null && !('selector' in c)) : [];
  const filled = Array.isArray(value) ? value.map((c, i) => (own[i] ? { ...c, selector: '*' } : c)) : value;
  const result = validateStopWhen(filled, name);
  if (!result.ok) {
    const first = result.errors[0]!;
    throw new ConfigError(first.path, first.message);
  }
  return result.conditions.map((condition, i) => ({ condition, policySelector: own[i] === true }));
}

function positiveInt(name: string, value: unknown): number {
  const s = String(value).trim();
  if (!/^\d+$/.test(s) || Number(s) < 1 || !Number.isSafeInteger(Number(s))) {
    throw new ConfigError(name, `expected a positive integer, got "${s}"`);
  }
  return Number(s);
}

function backendSetting(name: string, value: unknown): StorageBackend {
  if (value === 'memory' || value === 'etcd') return value;
  throw new ConfigError(name, `expected "memory" or "etcd", got "${String(value)}"`);
}

function endpointsSetting(name: string, values: string[]): string[] {
  const endpoints = values.map((e) => e.trim()).filter((e) => e !== '');
  if (endpoints.length === 0) throw new ConfigError(name, 'expected at least one endpoint URL');
  for (const e of endpoints) {
    let url: URL;
    try {
      url = new URL(e);
    } catch {
      throw new ConfigError(name, `"${e}" is not a URL (expected e.g. http://etcd:2379)`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(name, `"${e}" must use http or https`);
  }
  return endpoints;
}

function levelSetting(name: string, value: unknown): LogLevel {
  const s = String(value).toLowerCase();
  if ((LOG_LEVELS as readonly string[]).includes(s)) return s as LogLevel;
  throw new ConfigError(name, `expected one of ${LOG_LEVELS.join(', ')}, got "${String(value)}"`);
}

function formatSetting(name: string, value: unknown): LogFormat {
  if (value === 'json' || value === 'text') return value;
  throw new ConfigError(name, `expected "json" or "text", got "${String(value)}"`);
}

function booleanSetting(name: string, value: string): boolean {
  const s = value.toLowerCase();
  if (s === 'true' || s === '1' || s === 'yes') return true;
  if (s === 'false' || s === '0' || s === 'no') return false;
  throw new ConfigError(name, `expected true or false, got "${value}"`);
}

function token(name: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') throw new ConfigError(name, 'expected a non-empty string');
  if (/\s/.test(value.trim())) throw new ConfigError(name, 'a token may not contain whitespace');
  return value.trim();
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
