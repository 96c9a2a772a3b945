// Bearer-token access. Each route declares what it needs; a class of access is guarded as soon as a
// token granting it is configured, and writes as soon as any token is (so an open server stays open only by
// decision: see config.ts). The token's name is who made a change (the audit history's actor).
import { createHash, timingSafeEqual } from 'node:crypto';
import { ANONYMOUS_ACTOR } from '@hfi/api';
import type { AuthConfig, Grant } from './config/config.js';
import { HfiError } from './errors.js';

/**
 * public: health, ready, metrics. read: GET of the API. write: POST/DELETE. dataplane: the long-poll.
 * stream: the SSE rule-set stream, which both data planes and read-only tools (`hfi-cli policy watch`) follow.
 */
export type Access = 'public' | 'read' | 'write' | 'dataplane' | 'stream';

export class Authenticator {
  private readonly tokens: { digest: Buffer; grant: Grant; name: string }[] = [];
  private readonly configured: Record<Grant, boolean>;

  constructor(config: AuthConfig) {
    for (const grant of ['admin', 'read', 'dataplane'] as const) {
      for (const { name, token } of config.tokens[grant]) this.tokens.push({ digest: digest(token), grant, name });
    }
    this.configured = {
      admin: config.tokens.admin.length > 0,
      read: config.tokens.read.length > 0,
      dataplane: config.tokens.dataplane.length > 0,
    };
  }

  /**
   * Throws HFI_UNAUTHORIZED / HFI_FORBIDDEN unless the authorization header grants `access`; answers the
   * caller's name (the token's, or "anonymous" where the access is not guarded).
   */
  check(access: Access, authorization: string | undefined): string {
    if (access === 'public' || !this.guarded(access)) return ANONYMOUS_ACTOR;
    const found = this.tokenOf(authorization);
    if (!found) {
      throw new HfiError(
        'HFI_UNAUTHORIZED',
        authorization ? 'the bearer token is not valid' : 'missing "authorization: Bearer <token>" header',
      );
    }
    if (!allows(found.grant, access)) throw new HfiError('HFI_FORBIDDEN', `a ${found.grant} token may not perform ${access} operations`);
    return found.name;
  }

  private guarded(access: Access): boolean {
    const c = this.configured;
    // Writes are guarded once any token exists: with only read tokens, writes would otherwise be open to all.
    if (access === 'write') return this.tokens.length > 0;
    const readGuarded = c.admin || c.read;
    if (access === 'read') return readGuarded;
    if (access === 'stream') return readGuarded || c.dataplane;
    return c.dataplane;
  }

  private tokenOf(authorization: string | undefined): { grant: Grant; name: string } | undefined {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!match) return undefined;
    const presented = digest(match[1]!);
    let found: { grant: Grant; name: string } | undefined;
    // Compare against every token, always, so timing says nothing about which one matched.
    for (const { digest: d, grant, name } of this.tokens) {
      if (timingSafeEqual(d, presented) && found === undefined) found = { grant, name };
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
