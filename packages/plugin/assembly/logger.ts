// Logging through proxy_log. Debug messages are dropped before reaching the host unless the
// configuration sets `debug: true`; nothing on the request path logs at info or above per request.

import { LogLevel } from './abi/constants';
import { log } from './abi/host';

let debugEnabled = false;

export function setDebug(enabled: bool): void {
  debugEnabled = enabled;
}

export function isDebug(): bool {
  return debugEnabled;
}

export function logDebug(message: string): void {
  if (debugEnabled) log(LogLevel.Debug, 'hfi: ' + message);
}

export function logInfo(message: string): void {
  log(LogLevel.Info, 'hfi: ' + message);
}

export function logWarn(message: string): void {
  log(LogLevel.Warn, 'hfi: ' + message);
}

export function logError(message: string): void {
  log(LogLevel.Error, 'hfi: ' + message);
}
