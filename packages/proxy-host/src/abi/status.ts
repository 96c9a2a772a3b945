// proxy-wasm WasmResult codes (spec "Status codes"; cpp-host include/proxy-wasm/wasm_api_impl.h).
export const WasmResult = {
  Ok: 0,
  NotFound: 1,
  BadArgument: 2,
  SerializationFailure: 3,
  ParseFailure: 4,
  BadExpression: 5,
  InvalidMemoryAccess: 6,
  Empty: 7,
  CasMismatch: 8,
  ResultMismatch: 9,
  InternalFailure: 10,
  BrokenConnection: 11,
  Unimplemented: 12,
} as const;

/** WASI errno values the Envoy host returns. */
export const WasiErrno = {
  Success: 0,
  Badf: 8,
  Inval: 28,
  Noent: 44,
  Nosys: 52,
  Notsup: 58,
} as const;

export const BufferType = {
  HttpRequestBody: 0,
  HttpResponseBody: 1,
  DownstreamData: 2,
  UpstreamData: 3,
  HttpCallResponseBody: 4,
  GrpcReceiveBuffer: 5,
  VmConfiguration: 6,
  PluginConfiguration: 7,
  CallData: 8,
  Max: 8,
} as const;

export const MapType = {
  RequestHeaders: 0,
  RequestTrailers: 1,
  ResponseHeaders: 2,
  ResponseTrailers: 3,
  GrpcReceiveInitialMetadata: 4,
  GrpcReceiveTrailingMetadata: 5,
  HttpCallResponseHeaders: 6,
  HttpCallResponseTrailers: 7,
  Max: 7,
} as const;

export const StreamType = { Request: 0, Response: 1, Downstream: 2, Upstream: 3 } as const;

/** FilterHeadersStatus / FilterDataStatus values a callback returns. */
export const FilterStatus = { Continue: 0, StopIteration: 1, ContinueAndEndStream: 2 } as const;

export const MetricType = { Counter: 0, Gauge: 1, Histogram: 2 } as const;
