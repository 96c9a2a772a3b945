// Every key of a range (or under a prefix), read as one snapshot a page at a time. One range read of 10,000 policies is a
// 5 MB answer, over gRPC's 4 MiB message cap: the replica never started, as every resync failed alike.
// Pages keep each answer small and each call within the store's deadline; all are read at the revision of
// the first, so together they are the same snapshot one read would have been.
import { type Etcd3, GRPCResourceExhastedError, type IKeyValue, type IRangeResponse, type IResponseHeader, Range } from 'etcd3';

export interface PrefixSnapshot {
  /** The first page's header: the snapshot's revision and the cluster id. */
  header: IResponseHeader;
  kvs: IKeyValue[];
}

export interface PagedReadOptions {
  /** Keys per page. */
  pageKeys: number;
  /** Runs one etcd call (the caller's deadline and error handling). */
  call: <T>(run: () => Promise<T>) => Promise<T>;
}

/** A page answered RESOURCE_EXHAUSTED: its values are larger than the client's receive cap allows together. */
const TOO_LARGE = Symbol('too large');

export function readPrefix(client: Etcd3, prefix: string, options: PagedReadOptions): Promise<PrefixSnapshot> {
  return readRange(client, Range.prefix(prefix), options);
}

export async function readRange(client: Etcd3, range: Range, options: PagedReadOptions): Promise<PrefixSnapshot> {
  const { end } = range;
  let start: Buffer = range.start;
  let limit = options.pageKeys;
  let header: IResponseHeader | undefined;
  const kvs: IKeyValue[] = [];
  for (;;) {
    const page = await options.call(() => readPage(client, new Range(start, end), limit, header?.revision));
    if (page === TOO_LARGE) {
      // Only values written around the API can be this large: fewer per page, down to one.
      limit = Math.max(1, Math.floor(limit / 2));
      continue;
    }
    header ??= page.header;
    kvs.push(...page.kvs);
    const last = page.kvs.at(-1);
    if (!page.more || !last) return { header, kvs };
    start = Buffer.concat([last.key, Buffer.from([0])]); // the next key after the last one read
  }
}

async function readPage(
  client: Etcd3,
  range: Range,
  limit: number,
  revision: string | undefined,
): Promise<IRangeResponse | typeof TOO_LARGE> {
  const read = client.getAll().inRange(range).limit(limit);
  if (revision !== undefined) read.revision(revision);
  try {
    return await read.exec();
  } catch (error) {
    if (error instanceof GRPCResourceExhastedError && limit > 1) return TOO_LARGE;
    throw error;
  }
}
