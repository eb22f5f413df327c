import { readFile } from 'node:fs/promises';
import type { Plugin } from 'vite';
import wabtInit from 'wabt';

/**
 * Compiles an imported `.wat` (WebAssembly text) file at build time; the module's default export is the binary as a
 * Uint8Array, so the hand-written kernels ship inside the JavaScript bundle with no file to locate at run time.
 */
export function watPlugin(): Plugin {
  return {
    name: 'understudy-wat',
    async load(id) {
      if (!id.endsWith('.wat')) return null;
      const wabt = await wabtInit();
      const module = wabt.parseWat(id, await readFile(id, 'utf8'), { simd: true });
      try {
        module.validate();
        const base64 = Buffer.from(module.toBinary({}).buffer).toString('base64');
        return `export default Uint8Array.from(atob(${JSON.stringify(base64)}), (c) => c.charCodeAt(0));`;
      } finally {
        module.destroy();
      }
    },
  };
}
