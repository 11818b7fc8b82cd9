import { useEffect, useState } from 'preact/hooks';
import type { StoredState } from '../shared/state';
import { watchStoredState } from './stored-state';

/** The stored state as a hook, for pages built from hooks (options); `null` until first read. */
export function useStoredState(): StoredState | null {
  const [state, setState] = useState<StoredState | null>(null);
  useEffect(() => watchStoredState(setState), []);
  return state;
}
