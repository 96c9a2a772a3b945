// Numeric codes of the proxy-wasm ABI 0.2.1 (spec "abi-versions/v0.2.1").

export const enum Status {
  Ok = 0,
  NotFound = 1,
  BadArgument = 2,
}

export const enum LogLevel {
  Trace = 0,
  Debug = 1,
  Info = 2,
  Warn = 3,
  Error = 4,
  Critical = 5,
}

export const enum FilterHeadersStatus {
  Continue = 0,
  StopIteration = 1,
}

export const enum MapType {
  HttpRequestHeaders = 0,
  HttpResponseHeaders = 2,
  HttpCallResponseHeaders = 6,
}

export const enum BufferType {
  HttpCallResponseBody = 4,
  PluginConfiguration = 7,
}

export const enum MetricType {
  Counter = 0,
  Gauge = 1,
  Histogram = 2,
}

export const enum StreamType {
  HttpRequest = 0,
  HttpResponse = 1,
}
