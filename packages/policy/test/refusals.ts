// Every refusal the validator can make, as the field paths it is reported at and what its message says.
// rejected-configs.test.ts checks that each one is produced by a fixture in testdata/invalid/, and that
// every error a fixture produces is listed here: a new refusal is added here with its fixture.
import { LIMITS } from '../src/index.js';

/** A refusal: the field paths it is reported at, and what its message says. */
export interface Refusal {
  path: RegExp;
  message: RegExp;
}

const refusal = (path: RegExp, message: string | RegExp): Refusal => ({
  path,
  message: typeof message === 'string' ? new RegExp(message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : message,
});

const ANY = /^/;
const RULE = String.raw`^spec\.rules\[\d+\]`;
const under = (suffix: string): RegExp => new RegExp(`${RULE}${suffix}$`);
const MATCH_VALUE = under(String.raw`\.match\.(path|method|headers\[\d+\])\.(exact|prefix|regex)`);
const REGEX = under(String.raw`\.match\.(path|method|headers\[\d+\])\.regex`);
const FIXED_DELAY = under(String.raw`\.fault\.delay\.fixedDelay`);
const DELAY_MS = under(String.raw`\.fault\.(delay_ms|delay\.fixed_delay_ms)`);
const ABORT_HEADER = under(String.raw`\.fault\.abort\.headers(\.[\w-]+|\[".*"\])`);
/** readInteger's two refusals: not a whole number (found <kind> <value>), or outside the range (found <value>). */
const notAnInteger = (path: RegExp): Refusal =>
  refusal(path, /expected an integer from -?\d+ to \d+ \(.*\), found (number|string|boolean|a list|an object)/);
const outOfRange = (path: RegExp): Refusal => refusal(path, /expected an integer from -?\d+ to \d+ \(.*\), found -?\d+$/);

// Not listed: the catch-alls for errors that no JSON or YAML value can cause ("could not be validated",
// "cannot be parsed", "regex cannot be compiled").
export const REFUSALS: readonly Refusal[] = [
  // parse.ts
  refusal(/^$/, 'syntax error at line'),
  refusal(/^$/, 'cannot be read: '),
  refusal(ANY, /duplicate key ".*": a key may appear only once in a mapping/),
  refusal(/^$/, `are nested more than ${LIMITS.nestingDepth} deep`),
  refusal(/^$/, `a mapping may have at most ${LIMITS.objectKeys} keys`),
  // checkKeys: null anywhere
  refusal(ANY, 'expected a value, found null (in YAML, an empty value is null): leave the field out to get its default'),
  // the whole policy
  refusal(/^$/, `bytes as canonical JSON, the limit is ${LIMITS.policyBytes}`),
  // errors.ts: unknown fields anywhere
  refusal(ANY, 'unknown field (did you mean'),
  refusal(ANY, 'unknown field (expected one of'),
  // the document
  refusal(/^$/, 'expected a FaultInjectionPolicy object'),
  refusal(/^apiVersion$/, 'expected "v1"'),
  refusal(/^kind$/, 'expected "FaultInjectionPolicy"'),
  refusal(/^status$/, 'expected an object (it is ignored on input)'),
  // metadata
  refusal(/^metadata$/, 'is required (it holds the policy name)'),
  refusal(/^metadata$/, 'expected an object, found'),
  refusal(/^metadata\.name$/, 'is required: a DNS-1123 label'),
  refusal(/^metadata\.name$/, 'expected a string, found'),
  refusal(/^metadata\.name$/, `the limit is ${LIMITS.nameMaxLength}`),
  refusal(/^metadata\.name$/, 'expected a DNS-1123 label'),
  refusal(/^metadata\.labels$/, 'expected an object of string values'),
  refusal(/^metadata\.labels$/, `labels, the limit is ${LIMITS.labelsMax}`),
  refusal(/^metadata\.labels/, 'invalid label key'),
  refusal(/^metadata\.labels/, 'expected a string label value'),
  refusal(/^metadata\.labels/, 'invalid label value'),
  refusal(/^metadata\.version$/, 'expected a non-empty string of at most'),
  refusal(/^metadata\.(createdAt|updatedAt)$/, 'expected an ISO-8601 timestamp'),
  // spec, selector, priority, rules
  refusal(/^spec$/, 'is required (it holds the rules)'),
  refusal(/^spec$/, 'expected an object, found'),
  refusal(/^spec\.selector$/, 'expected an object {service, namespace}'),
  refusal(/^spec\.(stopWhen\[\d+\]\.)?selector\.service$/, 'expected "*" or a service name'),
  refusal(/^spec\.selector\.namespace$/, 'expected "*" or a namespace'),
  notAnInteger(/^spec\.priority$/),
  outOfRange(/^spec\.priority$/),
  refusal(/^spec\.rules$/, 'is required: a list of at least one rule'),
  refusal(/^spec\.rules$/, 'expected a list of rules'),
  refusal(/^spec\.rules$/, 'expected at least one rule, found an empty list'),
  refusal(/^spec\.rules$/, `rules, the limit is ${LIMITS.rulesPerPolicy}`),
  refusal(under(''), 'expected a rule object {match, fault}'),
  // match
  refusal(under(String.raw`\.match`), 'expected an object {path, method, headers}'),
  refusal(under(String.raw`\.match\.(path|method)`), 'expected an object with exactly one of exact, prefix, regex'),
  refusal(under(String.raw`\.match\.(path|method)`), 'expected exactly one of exact, prefix, regex, found none'),
  refusal(under(String.raw`\.match\.(path|method)`), /expected exactly one of exact, prefix, regex, found \w+ and \w+/),
  refusal(under(String.raw`\.match\.path\.(exact|prefix|regex)`), 'must not be empty (omit the path matcher'),
  refusal(under(String.raw`\.match\.path\.(exact|prefix)`), 'ignores the query string'),
  refusal(under(String.raw`\.match\.method\.(exact|prefix|regex)`), 'must not be empty (omit the method matcher'),
  refusal(under(String.raw`\.match\.method\.(exact|prefix)`), 'expected an HTTP method'),
  refusal(MATCH_VALUE, 'expected a string (quote it in YAML)'),
  refusal(MATCH_VALUE, 'expected a string, found'),
  refusal(MATCH_VALUE, `characters long, the limit is ${LIMITS.matchValueLength}`),
  refusal(under(String.raw`\.match\.headers`), 'expected a list of {name, exact|prefix|regex|present}'),
  refusal(under(String.raw`\.match\.headers`), `header conditions, the limit is ${LIMITS.headersPerRule}`),
  refusal(under(String.raw`\.match\.headers\[\d+\]`), 'expected an object {name, exact|prefix|regex|present}'),
  refusal(under(String.raw`\.match\.headers\[\d+\]`), 'expected exactly one of exact, prefix, regex, present, found none'),
  refusal(under(String.raw`\.match\.headers\[\d+\]`), /expected exactly one of exact, prefix, regex, present, found \w+ and \w+/),
  refusal(under(String.raw`\.match\.headers\[\d+\]\.name`), 'expected a header name such as "x-user"'),
  refusal(under(String.raw`\.match\.headers\[\d+\]\.name`), 'or a pseudo-header such as ":authority"'),
  refusal(under(String.raw`\.match\.headers\[\d+\]\.present`), 'expected true (header must be present) or false'),
  // regex/dfa.ts and regex/table.ts
  refusal(REGEX, `regex is ${LIMITS.regexSourceLength + 1} characters long, the limit is ${LIMITS.regexSourceLength}`),
  refusal(REGEX, 'regex is not a valid regular expression'),
  refusal(REGEX, 'uses a backreference'),
  refusal(REGEX, 'uses a lookahead'),
  refusal(REGEX, 'uses a lookbehind'),
  refusal(REGEX, 'uses a word-boundary assertion'),
  refusal(REGEX, 'contains the character U+'),
  refusal(REGEX, '"^" and "$" may appear only at the start or the end'),
  refusal(REGEX, 'is too complex: building its automaton needs more than'),
  refusal(REGEX, 'is too complex: its automaton has'),
  refusal(REGEX, 'is too complex: its table has'),
  // fault
  refusal(under(String.raw`\.fault`), 'is required: {percentage, delay and/or abort}'),
  refusal(under(String.raw`\.fault`), 'expected an object {percentage, delay, abort}'),
  refusal(under(String.raw`\.fault`), 'needs a delay, an abort, or both'),
  refusal(under(String.raw`\.fault\.percentage`), /expected a number from 0 to 100, found (string|boolean|a list|an object)/),
  refusal(under(String.raw`\.fault\.percentage`), /expected a number from 0 to 100, found -?\d/),
  refusal(under(String.raw`\.fault\.percentage`), 'expected at most 4 decimal places'),
  notAnInteger(under(String.raw`\.fault\.start_delay_ms`)),
  outOfRange(under(String.raw`\.fault\.start_delay_ms`)),
  notAnInteger(under(String.raw`\.fault\.duration_seconds`)),
  outOfRange(under(String.raw`\.fault\.duration_seconds`)),
  // delay
  refusal(under(String.raw`\.fault\.delay_ms`), 'the delay is given twice'),
  refusal(under(String.raw`\.fault\.delay`), 'expected an object {fixedDelay: "1s"} or {fixed_delay_ms: 1000}'),
  refusal(under(String.raw`\.fault\.delay`), 'found neither'),
  refusal(under(String.raw`\.fault\.delay`), 'expected one of fixedDelay or fixed_delay_ms, found both'),
  refusal(FIXED_DELAY, 'expected a duration string such as'),
  // @hfi/duration
  refusal(FIXED_DELAY, /^duration "" is empty$/),
  refusal(FIXED_DELAY, 'must not be negative'),
  refusal(FIXED_DELAY, /^duration ".*" expected a duration such as/),
  refusal(FIXED_DELAY, 'has a number without a unit'),
  refusal(FIXED_DELAY, /has unknown unit ".*": use ns, us, ms, s, m or h/),
  refusal(FIXED_DELAY, 'is not a whole number of milliseconds'),
  refusal(FIXED_DELAY, 'is too large'),
  notAnInteger(DELAY_MS),
  outOfRange(DELAY_MS),
  refusal(under(String.raw`\.fault\.(delay_ms|delay\.fixed_delay_ms|delay\.fixedDelay)`), 'expected a delay of at least 1ms'),
  refusal(FIXED_DELAY, `expected a delay of at most ${LIMITS.maxDelayMs}ms`),
  // delay distributions
  refusal(under(String.raw`\.fault\.delay\.jitter(_ms)?`), 'expected a jitter smaller than the fixed delay'),
  refusal(under(String.raw`\.fault\.delay\.jitter(_ms)?`), 'the longest delay'),
  refusal(under(String.raw`\.fault\.delay\.jitter_ms`), 'the jitter is given twice'),
  refusal(under(String.raw`\.fault\.delay`), 'expected either a fixed delay (with or without jitter) or two quantiles, found both'),
  refusal(under(String.raw`\.fault\.delay(\.quantiles_ms)?`), 'expected exactly two quantiles'),
  refusal(under(String.raw`\.fault\.delay(\.quantiles_ms)?\.p(50|90|95|99|999)`), /^expected more than p\d+ \(\d+ms\)/),
  // counted faults (faults/limit.ts)
  refusal(under(String.raw`\.fault\.limit`), 'expected an object {firstRequests, perSecond}'),
  refusal(under(String.raw`\.fault\.limit`), 'expected firstRequests or perSecond (or both), found neither'),
  notAnInteger(under(String.raw`\.fault\.limit\.(firstRequests|perSecond)`)),
  outOfRange(under(String.raw`\.fault\.(limit\.(firstRequests|perSecond)|maxActive)`)),
  refusal(under(String.raw`\.fault\.maxActive`), 'this rule holds none (it has no delay or start_delay_ms)'),
  // reset (faults/reset.ts)
  refusal(under(String.raw`\.fault\.reset`), 'expected {} (a reset takes no options)'),
  refusal(under(String.raw`\.fault\.reset\..+`), 'unknown field (a reset takes no options'),
  refusal(under(String.raw`\.fault\.reset`), 'a fault either aborts or resets the request, not both'),
  // response phase (faults/phase.ts)
  refusal(under(String.raw`\.fault\.phase`), 'expected "request" (the default: before the upstream) or "response"'),
  refusal(under(String.raw`\.fault\.phase`), 'a reset acts on the request only'),
  refusal(under(String.raw`\.match\.responseStatus`), 'expected an HTTP status from 100 to 599 or a class such as "5xx"'),
  refusal(under(String.raw`\.match\.responseStatus`), 'only with fault.phase: response'),
  // request overrides (faults/overrides.ts)
  refusal(/^spec\.requestOverrides$/, 'expected an object {maxDelay, abortStatuses}'),
  refusal(/^spec\.requestOverrides$/, 'expected maxDelay (or maxDelayMs) or abortStatuses, found neither'),
  refusal(/^spec\.requestOverrides\.maxDelayMs$/, 'the longest delay is given twice'),
  refusal(/^spec\.requestOverrides\.maxDelay$/, /^(duration|expected 1ms to|expected a duration string)/),
  refusal(/^spec\.requestOverrides\.maxDelayMs$/, /^expected an integer from/),
  refusal(/^spec\.requestOverrides\.abortStatuses$/, 'expected a list of 1 to'),
  refusal(/^spec\.requestOverrides\.abortStatuses\[\d+\]$/, /^(expected an integer from|status \d+ is listed twice)/),
  // stop conditions (stop-conditions.ts)
  refusal(/^spec\.stopWhen$/, 'expected a list of conditions {selector, errorRateAbove, p99LatencyAbove, window, minRequests}'),
  refusal(/^spec\.stopWhen$/, /^expected 1 to \d+ conditions, found \d+$/),
  refusal(/^spec\.stopWhen\[\d+\]$/, 'expected a condition {selector, errorRateAbove, p99LatencyAbove, window, minRequests}'),
  refusal(/^spec\.stopWhen\[\d+\]$/, 'needs errorRateAbove, p99LatencyAbove, or both'),
  refusal(/^spec\.stopWhen\[\d+\]\.selector$/, 'is required: the workload {service, namespace} whose health is guarded'),
  refusal(/^spec\.stopWhen\[\d+\]\.errorRateAbove$/, 'expected a percentage from 0 to 100, found'),
  refusal(
    /^spec\.stopWhen\[\d+\]\.(p99LatencyAbove|window)$/,
    /^(duration ".*" |expected .+ to .+, found |expected a duration string such as)/,
  ),
  refusal(/^spec\.stopWhen\[\d+\]\.(p99LatencyAboveMs|windowMs)$/, /^(given twice: use either|expected an integer from)/),
  refusal(/^spec\.stopWhen\[\d+\]\.minRequests$/, /^expected an integer from 1 to \d+ \(requests in the window\)/),
  // dry runs
  refusal(/^spec\.dryRun$/, 'expected true (match and count, inject nothing) or false, found'),
  // schedules (schedule.ts)
  refusal(/^spec\.schedule$/, 'expected an object {cron, activeFor, timezone}'),
  refusal(/^spec\.schedule\.cron$/, 'expected a cron expression of five fields'),
  refusal(/^spec\.schedule\.cron$/, /^cron ".*" (does not parse|never fires)/),
  refusal(/^spec\.schedule\.activeFor$/, /^(duration|expected 1ms to|expected a duration string|is required|windows would overlap)/),
  refusal(/^spec\.schedule\.activeForMs$/, /^(the window length is given twice|expected an integer from)/),
  refusal(/^spec\.schedule\.timezone$/, /(is not an IANA time zone|expected an IANA time zone)/),
  // abort
  refusal(under(String.raw`\.fault\.abort`), 'expected an object {httpStatus, grpcStatus, body, headers}'),
  refusal(under(String.raw`\.fault\.abort\.httpStatus`), 'is required: an HTTP status from 200 to 599'),
  notAnInteger(under(String.raw`\.fault\.abort\.httpStatus`)),
  outOfRange(under(String.raw`\.fault\.abort\.httpStatus`)),
  notAnInteger(under(String.raw`\.fault\.abort\.grpcStatus`)),
  outOfRange(under(String.raw`\.fault\.abort\.grpcStatus`)),
  refusal(under(String.raw`\.fault\.abort\.body`), 'expected a string, found'),
  refusal(under(String.raw`\.fault\.abort\.body`), `bytes (UTF-8), the limit is ${LIMITS.abortBodyBytes}`),
  refusal(under(String.raw`\.fault\.abort\.headers`), 'expected an object {name: value}'),
  refusal(under(String.raw`\.fault\.abort\.headers`), `headers, the limit is ${LIMITS.abortHeaders}`),
  refusal(ABORT_HEADER, "expected a header name (letters, digits and !#$%&'*+-.^_`|~), found"),
  refusal(ABORT_HEADER, 'expected a string header value (quote it in YAML)'),
  refusal(ABORT_HEADER, 'expected a string header value, found'),
  refusal(ABORT_HEADER, `header value is ${LIMITS.headerValueLength + 1} characters long, the limit is ${LIMITS.headerValueLength}`),
  refusal(ABORT_HEADER, 'header value must be HTTP field content'),
  refusal(ABORT_HEADER, 'cannot be set by an abort'),
  refusal(ABORT_HEADER, 'is given twice (names are case-insensitive)'),
];
