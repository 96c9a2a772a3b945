// What every view reads: the live data, the writes, the session, and the clock's "now" (ticks each second).
import type { ReadonlySignal } from '@preact/signals';
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Actions } from './state/actions.js';
import type { LiveData } from './state/live.js';
import type { Session } from './state/session.js';

export interface Dashboard {
  live: LiveData;
  actions: Actions;
  session: Session;
  now: ReadonlySignal<number>;
}

export const DashboardContext = createContext<Dashboard | undefined>(undefined);

export function useDashboard(): Dashboard {
  const dashboard = useContext(DashboardContext);
  if (!dashboard) throw new Error('useDashboard outside <DashboardContext.Provider>');
  return dashboard;
}
