/** Registers faster wasm kernels in place of stock ones; call once after the wasm backend is ready. */
export function registerWasmKernelOverrides(): void {
  // Filled in by the kernel-speed work (issue 6); the stock kernels stay in use until then.
}
