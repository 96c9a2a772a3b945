// A rule's abort from the wire: status, gRPC status, body and extra response headers, bounded.

import { JsonKind } from '../json';
import { MAX_ABORT_HEADERS } from '../limits';
import { Abort } from '../ruleset';
import { FieldReader } from './fields';

/** How many distinct aborts a load remembers for sharing (bounds the linear search). */
const MAX_SHARED_ABORTS: i32 = 64;

/** `null` or an abort object; an equal one in `seen` (the distinct aborts loaded so far) if there is one. */
export function readAbort(fields: FieldReader, seen: Abort[]): Abort | null {
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
