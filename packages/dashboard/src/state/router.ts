// Routes are the URL's hash (#/policies/checkout-abort): the server serves one page, and a link or a
// reload opens the same view.
import { signal } from '@preact/signals';

export const route = signal(currentHash());

export function startRouter(): void {
  window.addEventListener('hashchange', () => {
    route.value = currentHash();
    // A view change moves focus to the new view's heading, as a page load would for a screen reader.
    requestAnimationFrame(() => {
      const heading = document.querySelector<HTMLElement>('main h1');
      if (!heading) return;
      heading.tabIndex = -1;
      heading.focus();
    });
  });
}

export function navigate(path: string): void {
  window.location.hash = `#${path}`;
}

function currentHash(): string {
  const hash = window.location.hash.replace(/^#/, '');
  return hash === '' ? '/' : hash;
}
