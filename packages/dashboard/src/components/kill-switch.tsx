// The kill switch, in the header of every view: halt everything, halt one service or namespace, resume.
// Each asks for confirmation in a dialog; the header says at a glance whether anything is halted.
import type { StoredHalt } from '@hfi/client';
import { useState } from 'preact/hooks';
import { useDashboard } from '../context.js';
import { ConfirmDialog } from './confirm-dialog.js';

type Open = 'all' | 'scoped' | 'resume' | undefined;

export function describeHalt(halt: StoredHalt): string {
  return describeSelector(halt.selector);
}

/** What a halt's selector covers, in words. */
export function describeSelector({ service, namespace }: StoredHalt['selector']): string {
  if (service === '*' && namespace === '*') return 'everything';
  if (namespace === '*') return `service ${service}, every namespace`;
  if (service === '*') return `every service in namespace ${namespace}`;
  return `service ${service} in namespace ${namespace}`;
}

const text = (form: FormData, name: string): string => String(form.get(name) ?? '').trim();
/** One halt per selector: the selector names it. */
const keyOf = (halt: StoredHalt): string => `${halt.selector.service}/${halt.selector.namespace}`;

export function KillSwitch() {
  const { live, actions } = useDashboard();
  const [open, setOpen] = useState<Open>(undefined);
  const halts = live.halts.value;
  const close = () => setOpen(undefined);
  return (
    <section class={`kill-switch${halts.length > 0 ? ' halted' : ''}`} aria-label="Kill switch">
      <output class="halt-state" aria-live="polite">
        {halts.length === 0 ? 'Nothing halted' : `Halted: ${halts.map(describeHalt).join('; ')}`}
      </output>
      <button type="button" class="danger" onClick={() => setOpen('all')}>
        Halt everything
      </button>
      <button type="button" onClick={() => setOpen('scoped')}>
        Halt scope…
      </button>
      <button type="button" onClick={() => setOpen('resume')} disabled={halts.length === 0}>
        Resume…
      </button>
      {open === 'all' && (
        <ConfirmDialog
          title="Halt every fault, everywhere?"
          confirmLabel="Halt everything"
          danger
          onClose={close}
          onConfirm={(form) => actions.halt({ reason: text(form, 'reason') })}
        >
          <p>Every data plane stops injecting as soon as it has the halt; requests being delayed are released at once.</p>
          <label>
            Reason (optional)
            <input name="reason" maxLength={1024} placeholder="e.g. checkout errors, INC-42" />
          </label>
        </ConfirmDialog>
      )}
      {open === 'scoped' && (
        <ConfirmDialog
          title="Halt one service or namespace"
          confirmLabel="Halt"
          danger
          onClose={close}
          onConfirm={(form) =>
            actions.halt({
              selector: { service: text(form, 'service') || '*', namespace: text(form, 'namespace') || '*' },
              reason: text(form, 'reason'),
            })
          }
        >
          <p>A field left empty means every service (or every namespace).</p>
          <label>
            Service
            <input name="service" maxLength={63} placeholder="*" autoComplete="off" />
          </label>
          <label>
            Namespace
            <input name="namespace" maxLength={63} placeholder="*" autoComplete="off" />
          </label>
          <label>
            Reason (optional)
            <input name="reason" maxLength={1024} />
          </label>
        </ConfirmDialog>
      )}
      {open === 'resume' && (
        <ConfirmDialog
          title="Resume faults?"
          confirmLabel="Resume"
          onClose={close}
          onConfirm={(form) => {
            const choice = text(form, 'halt');
            const halt = halts.find((h) => keyOf(h) === choice);
            return actions.resume(halt ? halt.selector : {});
          }}
        >
          <p>Policies start injecting again on the data planes the halt covered.</p>
          <fieldset>
            <legend>Which halt</legend>
            <label class="choice">
              <input type="radio" name="halt" value="" defaultChecked />
              Every halt ({halts.length})
            </label>
            {halts.map((h) => (
              <label class="choice" key={keyOf(h)}>
                <input type="radio" name="halt" value={keyOf(h)} />
                {describeHalt(h)}
                {h.reason ? ` — ${h.reason}` : ''}
              </label>
            ))}
          </fieldset>
        </ConfirmDialog>
      )}
    </section>
  );
}
