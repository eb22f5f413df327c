/** See wat-compile.mjs. */
export function watModuleSource(path: string): Promise<string>;
