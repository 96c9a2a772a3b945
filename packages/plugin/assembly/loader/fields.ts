// Typed reads of wire JSON fields, with the first problem reported by its field path. The path is only
// built when something is wrong: readers take a constant `field` relative to the current rule (with `#`
// for the current header condition's index) and a constant `sub`, joined on failure.

import { base64DecodedSize, decodeBase64Into } from '../base64';
import { EMPTY } from '../bytes';
import { JsonKind, JsonReader } from '../json';

export class FieldReader {
  reader: JsonReader;
  error: string = '';
  /** In the compact form (wire version 5), the policy the current rule is in; -1 in the rule form. */
  policyIndex: i32 = -1;
  ruleIndex: i32 = -1;
  headerIndex: i32 = -1;

  constructor(reader: JsonReader) {
    this.reader = reader;
  }

  fail(field: string, sub: string, reason: string): void {
    if (this.error.length != 0) return;
    let where = field.replace('#', this.headerIndex.toString()) + sub;
    if (this.ruleIndex >= 0) where = 'rules[' + this.ruleIndex.toString() + ']' + (where.length > 0 ? '.' + where : '');
    if (this.policyIndex >= 0) where = 'policies[' + this.policyIndex.toString() + ']' + (where.length > 0 ? '.' + where : '');
    this.error = where + ': ' + reason;
  }

  get ok(): bool {
    return this.error.length == 0 && !this.reader.failed;
  }

  integer(field: string, sub: string, min: f64, max: f64): f64 {
    const r = this.reader;
    const v = r.readNumber();
    if (r.failed) return 0;
    if (v != Math.floor(v) || v < min || v > max) {
      this.fail(field, sub, 'expected an integer in ' + (<i64>min).toString() + '..' + (<i64>max).toString());
    }
    return v;
  }

  flag(field: string, sub: string): bool {
    const r = this.reader;
    if (r.kind() != JsonKind.True && r.kind() != JsonKind.False) {
      this.fail(field, sub, 'expected true or false');
      r.skipValue();
      return false;
    }
    return r.readBool();
  }

  /** Reads a string into the reader's view (no copy). */
  view(field: string, sub: string): bool {
    if (this.reader.kind() != JsonKind.String) {
      this.fail(field, sub, 'expected a string');
      this.reader.skipValue();
      return false;
    }
    return this.reader.readStringView();
  }

  /** The view's bytes as a buffer of their own (the shared EMPTY when there are none). */
  viewBytes(): ArrayBuffer {
    const r = this.reader;
    if (r.viewSize == 0) return EMPTY;
    const out = new ArrayBuffer(<i32>r.viewSize);
    memory.copy(changetype<usize>(out), r.viewPtr, r.viewSize);
    return out;
  }

  str(field: string, sub: string): string {
    if (!this.view(field, sub)) return '';
    return String.UTF8.decodeUnsafe(this.reader.viewPtr, this.reader.viewSize);
  }

  bytes(field: string, sub: string): ArrayBuffer {
    if (!this.view(field, sub)) return EMPTY;
    return this.viewBytes();
  }

  /** Decodes a base64 string straight into a new buffer of its decoded size; null (with an error) if invalid. */
  base64(field: string, sub: string): ArrayBuffer | null {
    if (!this.view(field, sub)) return null;
    const r = this.reader;
    const size = base64DecodedSize(r.viewPtr, r.viewSize);
    if (size >= 0) {
      const out = new ArrayBuffer(size);
      if (decodeBase64Into(r.viewPtr, r.viewSize, changetype<usize>(out), size)) return out;
    }
    this.fail(field, sub, 'invalid base64');
    return null;
  }
}
