// A modal confirmation on the native <dialog>: focus moves into it and stays there, Escape cancels,
// Enter confirms (the confirm button is the form's submit), and focus returns to what opened it. A write
// that fails keeps the dialog open and says why in it.
import type { ComponentChildren } from 'preact';
import { useEffect, useId, useRef, useState } from 'preact/hooks';

export interface ConfirmDialogProps {
  title: string;
  confirmLabel: string;
  /** Styled as a dangerous action. */
  danger?: boolean;
  /** Resolves with undefined when done (the dialog closes), or with why it failed (shown in the dialog). */
  onConfirm: (form: FormData) => Promise<string | undefined>;
  onClose: () => void;
  children?: ComponentChildren;
}

export function ConfirmDialog({ title, confirmLabel, danger, onConfirm, onClose, children }: ConfirmDialogProps) {
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | undefined>(undefined);
  useEffect(() => {
    const element = dialog.current;
    element?.showModal();
    return () => element?.close();
  }, []);
  const submit = async (event: SubmitEvent) => {
    event.preventDefault();
    if (busy) return;
    setBusy(true);
    const failed = await onConfirm(new FormData(event.currentTarget as HTMLFormElement));
    setBusy(false);
    if (failed === undefined) onClose();
    else setFailure(failed);
  };
  return (
    <dialog ref={dialog} class="dialog" aria-labelledby={titleId} onClose={onClose}>
      <form onSubmit={submit}>
        <h2 id={titleId}>{title}</h2>
        {children}
        {failure && (
          <p class="error" role="alert">
            {failure}
          </p>
        )}
        <div class="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class={danger ? 'danger' : 'primary'} disabled={busy} autofocus>
            {busy ? 'Working…' : confirmLabel}
          </button>
        </div>
      </form>
    </dialog>
  );
}
