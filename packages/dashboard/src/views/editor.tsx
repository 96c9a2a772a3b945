// The editor: paste or write a policy in YAML, validate it with the server's dry run (its field errors are
// shown at their lines), and apply it.
import { isHfiError } from '@hfi/client';
import { signal } from '@preact/signals';
import { useRef, useState } from 'preact/hooks';
import { useDashboard } from '../context.js';
import { type PlacedError, placeErrors, syntaxErrors } from '../model/field-lines.js';
import { describeFailure } from '../model/messages.js';
import { navigate } from '../state/router.js';

const EXAMPLE = `apiVersion: v1
kind: FaultInjectionPolicy
metadata:
  name: checkout-abort
spec:
  selector:
    service: frontend
    namespace: demo
  rules:
    - match:
        path: { prefix: /api/checkout }
      fault:
        percentage: 50
        abort: { httpStatus: 503 }
        duration_seconds: 300
`;

/** The text being edited, kept while the person looks at other views. */
const draft = signal(EXAMPLE);

/** Puts a policy's YAML into the editor (the policy view's "Edit"). */
export function openInEditor(text: string): void {
  draft.value = text;
}

type Outcome =
  | { kind: 'idle' }
  | { kind: 'busy'; what: string }
  | { kind: 'valid'; text: string }
  | { kind: 'invalid'; message: string; errors: PlacedError[] }
  | { kind: 'failed'; message: string };

export function EditorView() {
  const { session, live } = useDashboard();
  const [outcome, setOutcome] = useState<Outcome>({ kind: 'idle' });
  const area = useRef<HTMLTextAreaElement>(null);
  const gutter = useRef<HTMLPreElement>(null);
  const text = draft.value;
  const errorLines = new Set(outcome.kind === 'invalid' ? outcome.errors.map((e) => e.line) : []);
  const lineCount = text.split('\n').length;

  const send = async (dryRun: boolean) => {
    const what = dryRun ? 'Validating' : 'Applying';
    setOutcome({ kind: 'busy', what });
    try {
      const { result, policy } = await session.client.value.applyPolicyText(text, { dryRun });
      const name = policy.metadata.name;
      if (dryRun) {
        const would = result === 'created' ? 'would create' : result === 'unchanged' ? 'is the same as' : 'would update';
        setOutcome({ kind: 'valid', text: `Valid: this ${would} policy ${name}.` });
        return;
      }
      await live.reload();
      navigate(`/policies/${name}`);
    } catch (error) {
      if (isHfiError(error, 'HFI_INVALID_POLICY') || isHfiError(error, 'HFI_MALFORMED_BODY')) {
        const details = 'details' in error ? error.details : [];
        const syntax = syntaxErrors(text);
        const errors =
          syntax.length > 0 ? syntax : placeErrors(text, details.length > 0 ? details : [{ path: '', message: error.message }]);
        setOutcome({ kind: 'invalid', message: error.message, errors });
      } else {
        setOutcome({ kind: 'failed', message: describeFailure(dryRun ? 'Validating the policy' : 'Applying the policy', error) });
      }
    }
  };

  const goToLine = (line: number | undefined) => {
    const element = area.current;
    if (!element || line === undefined) return;
    const lines = element.value.split('\n');
    const start = lines.slice(0, line - 1).reduce((sum, l) => sum + l.length + 1, 0);
    element.focus();
    element.setSelectionRange(start, start + (lines[line - 1]?.length ?? 0));
  };

  return (
    <section class="view editor" aria-labelledby="editor-title">
      <div class="view-head">
        <h1 id="editor-title">Editor</h1>
        <p>One policy in YAML (or JSON). Validate asks the server for a dry run: nothing is written.</p>
      </div>
      <div class="code">
        <pre class="gutter" ref={gutter} aria-hidden="true">
          {Array.from({ length: lineCount }, (_, i) => (
            <span key={i} class={errorLines.has(i + 1) ? 'error-line' : undefined} data-line={i + 1}>
              {i + 1}
              {'\n'}
            </span>
          ))}
        </pre>
        <textarea
          ref={area}
          aria-label="Policy YAML"
          aria-invalid={outcome.kind === 'invalid'}
          aria-describedby="editor-outcome"
          spellcheck={false}
          value={text}
          onInput={(e) => {
            draft.value = e.currentTarget.value;
            if (outcome.kind !== 'busy') setOutcome({ kind: 'idle' });
          }}
          onScroll={(e) => {
            if (gutter.current) gutter.current.scrollTop = e.currentTarget.scrollTop;
          }}
        />
      </div>
      <div class="editor-actions">
        <button type="button" onClick={() => void send(true)} disabled={outcome.kind === 'busy'}>
          Validate
        </button>
        <button type="button" class="primary" onClick={() => void send(false)} disabled={outcome.kind === 'busy'}>
          Apply
        </button>
      </div>
      <div id="editor-outcome" class="outcome" role="status" aria-live="polite">
        {outcome.kind === 'busy' && <p>{outcome.what}…</p>}
        {outcome.kind === 'valid' && <p class="ok">{outcome.text}</p>}
        {outcome.kind === 'failed' && <p class="error">{outcome.message}</p>}
        {outcome.kind === 'invalid' && (
          <>
            <p class="error">The server refused the policy:</p>
            <ul class="field-errors">
              {outcome.errors.map((e) => (
                <li key={`${e.path}:${e.message}`} data-path={e.path}>
                  <button type="button" class="link" onClick={() => goToLine(e.line)} disabled={e.line === undefined}>
                    {e.line === undefined ? 'line ?' : `line ${e.line}`}
                  </button>{' '}
                  {e.path !== '' && <code class="path">{e.path}</code>}
                  {e.path !== '' && !e.exact && ' (missing)'} {e.message}
                </li>
              ))}
            </ul>
          </>
        )}
      </div>
    </section>
  );
}
