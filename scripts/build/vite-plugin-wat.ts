import type { Plugin } from 'vite';
import { watModuleSource } from './wat-compile.mjs';

/** Compiles an imported `.wat` file at build time into a module whose default export is the binary (wat-compile.mjs). */
export function watPlugin(): Plugin {
  return {
    name: 'understudy-wat',
    async load(id) {
      return id.endsWith('.wat') ? watModuleSource(id) : null;
    },
  };
}
