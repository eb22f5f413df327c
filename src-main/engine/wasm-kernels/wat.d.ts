/** A WebAssembly text file compiled at build time (scripts/build/vite-plugin-wat.ts). */
declare module '*.wat' {
  const binary: Uint8Array<ArrayBuffer>;
  export default binary;
}
