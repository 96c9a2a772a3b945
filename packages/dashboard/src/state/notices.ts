// Messages for the person at the screen (a refused write, a lost connection), read out by screen readers
// through the live region they are shown in.
import { signal } from '@preact/signals';

export interface Notice {
  id: number;
  kind: 'error' | 'info';
  text: string;
}

export const notices = signal<Notice[]>([]);
let nextId = 1;

export function notify(kind: Notice['kind'], text: string): void {
  notices.value = [...notices.value.filter((n) => n.text !== text), { id: nextId++, kind, text }].slice(-4);
}

export function dismiss(id: number): void {
  notices.value = notices.value.filter((n) => n.id !== id);
}
