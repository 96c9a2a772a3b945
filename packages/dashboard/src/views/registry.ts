// The dashboard's views, declared once: the navigation, the router and the page title all read this list.
// A view for an API that lands later (workloads, audit history, recommender sessions) is one more entry.
import type { FunctionComponent } from 'preact';
import { DataPlanesView } from './dataplanes.js';
import { EditorView } from './editor.js';
import { PoliciesView } from './policies.js';
import { PolicyView } from './policy.js';

export interface ViewProps {
  /** The route's captured parameters (a policy's name). */
  params: string[];
}

export interface ViewEntry {
  id: string;
  title: (params: string[]) => string;
  /** The route, as a pattern over the hash path. */
  pattern: RegExp;
  component: FunctionComponent<ViewProps>;
  /** Shown in the navigation, at this path. */
  nav?: { label: string; path: string };
}

export const VIEWS: readonly ViewEntry[] = [
  {
    id: 'policies',
    title: () => 'Policies',
    pattern: /^\/(?:policies)?$/,
    component: PoliciesView,
    nav: { label: 'Policies', path: '/policies' },
  },
  { id: 'policy', title: ([name]) => `Policy ${name}`, pattern: /^\/policies\/([a-z0-9-]+)$/, component: PolicyView },
  { id: 'editor', title: () => 'Editor', pattern: /^\/editor$/, component: EditorView, nav: { label: 'Editor', path: '/editor' } },
  {
    id: 'dataplanes',
    title: () => 'Data planes',
    pattern: /^\/dataplanes$/,
    component: DataPlanesView,
    nav: { label: 'Data planes', path: '/dataplanes' },
  },
];

export function resolveView(path: string): { view: ViewEntry; params: string[] } | undefined {
  for (const view of VIEWS) {
    const match = view.pattern.exec(path);
    if (match) return { view, params: match.slice(1).map(decodeURIComponent) };
  }
  return undefined;
}
