// The abort kind (docs/policy.md "abort"): loads a rule's abort from the wire (status, gRPC status, body and
// extra response headers, bounded) and sends it as Envoy's local reply.

import { proxy_send_local_response } from '../abi/imports';
import { EMPTY, sameBytes } from '../bytes';
import { JsonKind } from '../json';
import { MAX_ABORT_HEADERS } from '../limits';
import { FieldReader } from '../loader/fields';
import { countAbort } from '../metrics';
import { Rule } from '../ruleset';
import { Stream } from '../stream';
import { abortHeaderPairs } from './fault-header';

const NO_BUFFERS: ArrayBuffer[] = [];
const ABORT_DETAILS = String.UTF8.encode('hfi_fault_abort');

/** An abort as sent; rules with equal aborts share one object (the x-hfi-fault value is per rule). */
export class Abort {
  status: i32 = 0;
  grpcStatus: i32 = -1;
  body: ArrayBuffer = EMPTY;
  /** Response headers besides x-hfi-fault: name, value, name, value, … */
  headers: ArrayBuffer[] = NO_BUFFERS;

  equals(other: Abort): bool {
    if (this.status != other.status || this.grpcStatus != other.grpcStatus || !sameBytes(this.body, other.body)) return false;
    const a = this.headers;
    const b = other.headers;
    if (a.length != b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameBytes(a[i], b[i])) return false;
    return true;
  }
}

/** Whether the stream's fault ends in an abort: its rule's, or a status the request chose (faults/overrides.ts). */
export function aborts(stream: Stream): bool {
  return stream.rule.abort !== null || stream.abortStatus > 0;
}

/**
 * Sends the stream's abort as a local reply (the effective context must be the stream's): the status sent, or 0
 * when it has none.
 */
export function sendAbort(stream: Stream): i32 {
  const rule = stream.rule;
  const abort = rule.abort;
  const chosen = stream.abortStatus;
  if (abort === null && chosen == 0) return 0;
  const pairs = abortHeaderPairs(rule);
  const body = abort !== null ? abort.body : EMPTY;
  const status = chosen > 0 ? chosen : abort!.status;
  stream.localReplySent = true;
  proxy_send_local_response(
    status,
    changetype<usize>(ABORT_DETAILS),
    ABORT_DETAILS.byteLength,
    changetype<usize>(body),
    body.byteLength,
    changetype<usize>(pairs),
    pairs.byteLength,
    abort !== null ? abort.grpcStatus : -1,
  );
  countAbort();
  return status;
}

/** The `abort` field of a rule: reads it into `rule` (sharing an equal abort of `seen`). */
export function readAbortField(fields: FieldReader, rule: Rule, seen: Abort[]): void {
  rule.abort = readAbort(fields, seen);
}

/** How many distinct aborts a load remembers for sharing (bounds the linear search). */
const MAX_SHARED_ABORTS: i32 = 64;

/** `null` or an abort object; an equal one in `seen` (the distinct aborts loaded so far) if there is one. */
function readAbort(fields: FieldReader, seen: Abort[]): Abort | null {
  const r = fields.reader;
  if (r.kind() == JsonKind.Null) {
    r.readNull();
    return null;
  }
  const abort = new Abort();
  let hasStatus = false;
  if (!r.enterObject()) return null;
  let first = true;
  while (r.nextKey(first)) {
    first = false;
    if (r.keyIs('status')) {
      abort.status = <i32>fields.integer('abort', '.status', 200, 599);
      hasStatus = true;
    } else if (r.keyIs('grpcStatus')) abort.grpcStatus = <i32>fields.integer('abort', '.grpcStatus', -1, 16);
    else if (r.keyIs('body')) abort.body = fields.bytes('abort', '.body');
    else if (r.keyIs('headers')) {
      if (!r.enterArray()) return null;
      let firstItem = true;
      let n = 0;
      while (r.nextItem(firstItem)) {
        firstItem = false;
        if (++n > MAX_ABORT_HEADERS) {
          fields.fail('abort', '.headers', 'too many headers');
          return null;
        }
        if (!r.enterArray()) return null;
        if (!r.nextItem(true)) {
          fields.fail('abort', '.headers[' + (n - 1).toString() + ']', 'expected [name, value]');
          return null;
        }
        const name = fields.bytes('abort', '.headers[' + (n - 1).toString() + '][0]');
        if (!r.nextItem(false)) {
          fields.fail('abort', '.headers[' + (n - 1).toString() + ']', 'expected [name, value]');
          return null;
        }
        const value = fields.bytes('abort', '.headers[' + (n - 1).toString() + '][1]');
        if (r.nextItem(false)) {
          fields.fail('abort', '.headers[' + (n - 1).toString() + ']', 'expected [name, value]');
          return null;
        }
        if (!fields.ok) return null;
        if (abort.headers.length == 0) abort.headers = new Array<ArrayBuffer>();
        abort.headers.push(name);
        abort.headers.push(value);
      }
    } else r.skipValue();
    if (!fields.ok) return null;
  }
  if (!hasStatus) fields.fail('abort', '.status', 'required');
  // Share an equal abort seen before (most rules of a set abort alike).
  for (let i = 0; i < seen.length; i++) if (unchecked(seen[i]).equals(abort)) return unchecked(seen[i]);
  if (seen.length < MAX_SHARED_ABORTS) seen.push(abort);
  return abort;
}
