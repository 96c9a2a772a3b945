// What every command needs: resolved global options, a client, the output streams and the clock.

import { HfiClient } from '@hfi/client';
import { parseDurationSettingMs } from '@hfi/duration';
import type { Command } from 'commander';
import { UsageError } from './errors.js';
import { COLOR, type Palette, PLAIN, shouldColor } from './format/color.js';

/** The process as the CLI sees it; main.ts supplies the real one. */
export interface CliIo {
  writeOut(text: string): void;
  writeErr(text: string): void;
  env: Readonly<Record<string, string | undefined>>;
  stdinIsTTY: boolean;
  stdoutIsTTY: boolean;
  readStdin(): Promise<string>;
  /** The directory relative -f paths are read from. */
  cwd: string;
  /** Asks a yes/no question on the terminal; false unless the answer is y or yes. */
  confirm(question: string): Promise<boolean>;
  now(): number;
  /** Calls `handler` on Ctrl-C (SIGINT) or SIGTERM; returns a function that stops listening. */
  onInterrupt(handler: () => void): () => void;
  fetch?: typeof fetch;
  version: string;
  /** `hfi-cli recommend <args>`: hfi-recommender's command line with these arguments; resolves to its exit code. */
  recommend(argv: readonly string[]): Promise<number>;
}

export const DEFAULT_SERVER = 'http://localhost:8080';
export const DEFAULT_TIMEOUT = '10s';

export interface GlobalOptions {
  server?: string;
  token?: string;
  timeout?: string;
  output?: string;
  color?: boolean;
}

export class CliContext {
  readonly palette: Palette;
  private clientInstance: HfiClient | undefined;

  constructor(
    readonly io: CliIo,
    private readonly globals: GlobalOptions,
  ) {
    this.palette = shouldColor(globals.color !== false, io.stdoutIsTTY, io.env) ? COLOR : PLAIN;
  }

  /** Checked when first needed, so offline commands (validate, completion) ignore a bad --server. */
  get server(): string {
    return normaliseServer(this.globals.server ?? this.io.env.HFI_SERVER ?? DEFAULT_SERVER);
  }

  static of(io: CliIo, command: Command): CliContext {
    return new CliContext(io, command.optsWithGlobals<GlobalOptions>());
  }

  get client(): HfiClient {
    if (this.clientInstance === undefined) {
      const timeoutText = this.globals.timeout ?? this.io.env.HFI_TIMEOUT ?? DEFAULT_TIMEOUT;
      const timeout = parseDurationSettingMs(timeoutText);
      const timeoutMs = timeout.ok ? timeout.ms : 0;
      if (timeoutMs <= 0) {
        throw new UsageError(`--timeout: expected a duration such as 10s, 500ms or 1m, got "${timeoutText}"`);
      }
      const token = this.globals.token ?? this.io.env.HFI_TOKEN;
      this.clientInstance = new HfiClient({
        server: this.server,
        token: token === '' ? undefined : token,
        timeoutMs,
        userAgent: `hfi-cli/${this.io.version}`,
        ...(this.io.fetch ? { fetch: this.io.fetch } : {}),
      });
    }
    return this.clientInstance;
  }

  now(): number {
    return this.io.now();
  }

  /** The -o value, checked against what this command can print. */
  output<T extends string>(allowed: readonly T[], fallback: T): T {
    const value = this.globals.output;
    if (value === undefined) return fallback;
    if ((allowed as readonly string[]).includes(value)) return value as T;
    throw new UsageError(`-o ${value}: this command prints ${allowed.map((a) => `"${a}"`).join(', ')}`);
  }

  out(text: string): void {
    this.io.writeOut(text.endsWith('\n') ? text : `${text}\n`);
  }

  err(text: string): void {
    this.io.writeErr(text.endsWith('\n') ? text : `${text}\n`);
  }
}

function normaliseServer(raw: string): string {
  const text = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`--server: "${raw}" is not a URL (expected e.g. http://localhost:8080)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`--server: expected an http:// or https:// URL, got "${raw}"`);
  }
  return url.toString().replace(/\/+$/, '');
}
