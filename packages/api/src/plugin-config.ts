// The data-plane plugin's configuration (Istio `pluginConfig`, an Envoy StringValue, hfi-proxy's
// --plugin-config), declared once. The plugin reads it with its own JSON reader from generated
// AssemblyScript constants (packages/plugin/scripts/generate-contract.mjs); hfi-proxy and the deploy
// manifests' tests check against the schema; docs/plugin.md's table is tested against it.
// At run time the plugin ignores keys it does not know (fail open); the schema refuses them, so that a
// typo is caught where a person can see it.
import { type Static, type TSchema, Type } from '@sinclair/typebox';

/** Settings in seconds: JSON numbers (Istio sends doubles) or numeric strings ("30"). */
export const PLUGIN_SECONDS_SETTINGS = {
  poll_hold_sec: { min: 1, max: 300, default: 30, description: 'how long the server may hold a poll' },
  poll_timeout_sec: {
    min: 1,
    max: 600,
    /** Unset: poll_hold_sec plus this many seconds. */
    default: { holdPlus: 5 },
    description: 'the proxy_http_call timeout of a poll; must exceed poll_hold_sec',
  },
  retry_interval_sec: { min: 0.1, max: 3600, default: 5, description: 'the first backoff after a failed poll' },
  fault_lease_sec: {
    // A lease must leave a hold of at least 1 s: polls hold at most half of it.
    min: 2,
    max: 86_400,
    /** Unset: no lease. */
    default: 'off',
    description: 'the lease: after this long without an answer from the control plane, inject nothing until it answers again',
  },
} as const;

export const PLUGIN_TEXT_SETTINGS = {
  control_plane_cluster: {
    default: 'outbound|8080||hfi-control-plane.hfi-system.svc.cluster.local',
    description: 'the Envoy cluster the polls go to',
  },
  control_plane_authority: {
    /** Unset: derived from the cluster (Istio `outbound|port||host`: `host:port`), else PLUGIN_DEFAULT_AUTHORITY. */
    default: undefined,
    description: 'the :authority (Host) of the polls',
  },
  control_plane_addr: {
    default: undefined,
    description: 'seed form: `http://hfi-control-plane:8080` gives the cluster and the authority (explicit keys win)',
  },
  token: { default: undefined, description: 'sent as `authorization: Bearer <token>`' },
} as const;

export const PLUGIN_FLAG_SETTINGS = {
  debug: { default: false, description: 'debug lines (per fault decision, per poll) through proxy_log' },
  report_outcomes: {
    default: true,
    description: 'observe every request (status class, latency, faulted) and report it to POST /v1/dataplane/report (docs/outcomes.md)',
  },
} as const;

/** The authority the plugin uses when neither control_plane_authority nor control_plane_addr is given. */
export const PLUGIN_DEFAULT_AUTHORITY = 'hfi-control-plane.hfi-system.svc.cluster.local:8080';

export type PluginConfigKey = keyof typeof PLUGIN_SECONDS_SETTINGS | keyof typeof PLUGIN_TEXT_SETTINGS | keyof typeof PLUGIN_FLAG_SETTINGS;

/** Every key, in the order docs/plugin.md lists them: where the polls go, how they are paced, the rest. */
export const PLUGIN_CONFIG_KEYS = [
  'control_plane_cluster',
  'control_plane_authority',
  'control_plane_addr',
  'poll_hold_sec',
  'poll_timeout_sec',
  'retry_interval_sec',
  'fault_lease_sec',
  'token',
  'debug',
  'report_outcomes',
] as const satisfies readonly PluginConfigKey[];

function seconds(setting: { min: number; max: number; description: string }) {
  const description = `${setting.description} (${setting.min}..${setting.max} seconds)`;
  return Type.Optional(
    Type.Union(
      [
        Type.Number({ minimum: setting.min, maximum: setting.max }),
        Type.String({ pattern: '^-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][-+]?[0-9]+)?$', description: 'a number in quotes' }),
      ],
      { description },
    ),
  );
}

function mapValues<T extends object, S extends TSchema>(table: T, f: (value: T[keyof T]) => S): { [K in keyof T]: S } {
  return Object.fromEntries(Object.entries(table).map(([key, value]) => [key, f(value)])) as { [K in keyof T]: S };
}

const settings = {
  ...mapValues(PLUGIN_TEXT_SETTINGS, (s) => Type.Optional(Type.String({ description: s.description }))),
  ...mapValues(PLUGIN_SECONDS_SETTINGS, seconds),
  ...mapValues(PLUGIN_FLAG_SETTINGS, (s) => Type.Optional(Type.Boolean({ description: s.description }))),
};

export const PluginConfig = Type.Object(Object.fromEntries(PLUGIN_CONFIG_KEYS.map((key) => [key, settings[key]])) as typeof settings, {
  additionalProperties: false,
  $id: 'PluginConfig',
  description: 'The plugin configuration (docs/plugin.md "Configuration"). Empty: every default.',
});
export type PluginConfig = Static<typeof PluginConfig>;
