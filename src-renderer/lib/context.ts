import { createContext } from 'svelte';
import type { Workbench } from './state/workbench.svelte.ts';

/** The workbench for components deep in the tree; panels still take what they use as props. */
export const [getWorkbench, setWorkbench] = createContext<Workbench>();
