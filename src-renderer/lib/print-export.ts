/** Browser-side export: the browser has no file system, so an exported file is handed over as a download. */

export function download(fileName: string, data: string | Uint8Array, type: string): void {
  // A Blob takes bytes over a plain ArrayBuffer only; pdf-lib's may sit on any buffer, so they are copied.
  const url = URL.createObjectURL(new Blob([typeof data === 'string' ? data : new Uint8Array(data)], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.style.display = 'none';
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** `pilot.fountain` -> `pilot.fdx`. */
export function withExtension(name: string, extension: string): string {
  return `${name.replace(/\.(fountain|spmd|txt)$/i, '')}.${extension}`;
}
