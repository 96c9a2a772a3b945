// Bearer-token access. Each route declares what it needs; a class of access is guarded as soon as a
// token granting it is configured, and writes as soon as any token is (so an open server stays open only by
// decision: see config.ts).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { AuthConfig } from './config/config.js';
import { HfiError } from './errors.js';

/**
 * public: health, ready, metrics. read: GET of the API. write: POST/DELETE. dataplane: the long-poll.
 * stream: the SSE rule-set stream, which both data planes and read-only tools (`hfi-cli policy watch`) follow.
 */
export type Access = 'public' | 'read' | 'write' | 'dataplane' | 'stream';

type Grant = 'admin' | 'read' | 'dataplane';

export class Authenticator {
  private readonly tokens: { digest: Buffer; grant: Grant }[] = [];

  constructor(private readonly config: AuthConfig) {
    const add = (token: string | undefined, grant: Grant): void => {
      if (token) this.tokens.push({ digest: digest(token), grant });
    };
    add(config.adminToken, 'admin');
    for (const t of config.readTokens) add(t, 'read');
    add(config.dataplaneToken, 'dataplane');
  }

  /** Throws HFI_UNAUTHORIZED / HFI_FORBIDDEN unless the authorization header grants `access`. */
  check(access: Access, authorization: string | undefined): void {
    if (access === 'public' || !this.guarded(access)) return;
    const grant = this.grantOf(authorization);
    if (!grant) {
      throw new HfiError(
        'HFI_UNAUTHORIZED',
        authorization ? 'the bearer token is not valid' : 'missing "authorization: Bearer <token>" header',
      );
    }
    if (!allows(grant, access)) throw new HfiError('HFI_FORBIDDEN', `a ${grant} token may not perform ${access} operations`);
  }

  private guarded(access: Access): boolean {
    const c = this.config;
    // Writes are guarded once any token exists: with only read tokens, writes would otherwise be open to all.
    if (access === 'write') return this.tokens.length > 0;
    const readGuarded = c.adminToken !== undefined || c.readTokens.length > 0;
    if (access === 'read') return readGuarded;
    if (access === 'stream') return readGuarded || c.dataplaneToken !== undefined;
    return c.dataplaneToken !== undefined;
  }

  private grantOf(authorization: string | undefined): Grant | undefined {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!match) return undefined;
    const presented = digest(match[1]!);
    let found: Grant | undefined;
    // Compare against every token, always, so timing says nothing about which one matched.
    for (const { digest: d, grant } of this.tokens) {
      if (timingSafeEqual(d, presented) && found === undefined) found = grant;
    }
    return found;
  }
}

function allows(grant: Grant, access: Access): boolean {
  if (grant === 'admin') return true;
  if (grant === 'read') return access === 'read' || access === 'stream';
  return access === 'dataplane' || access === 'stream';
}

/** Fixed-length digests make the comparison constant-time whatever the token lengths. */
function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
