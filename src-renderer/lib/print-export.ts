/** Browser-side export: print an HTML document through a hidden frame, or download text as a file. */

/** Prints a complete HTML document (the screenplay layout) with the browser's print dialog (Save as PDF). */
export function printHtml(html: string): Promise<void> {
  return new Promise((resolve) => {
    const returnFocus = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const frame = document.createElement('iframe');
    frame.setAttribute('aria-hidden', 'true');
    frame.style.cssText = 'position:fixed;width:0;height:0;border:0;right:0;bottom:0;';
    frame.srcdoc = html;
    frame.addEventListener(
      'load',
      () => {
        const view = frame.contentWindow;
        // Printing blocks until the dialog closes; remove the frame afterwards either way.
        view?.addEventListener('afterprint', () => frame.remove(), { once: true });
        view?.focus();
        view?.print();
        // Keyboard shortcuts must reach the app again, not the hidden frame.
        window.focus();
        returnFocus?.focus();
        frame.dataset.printed = 'true';
        setTimeout(() => frame.remove(), 60_000);
        resolve();
      },
      { once: true },
    );
    document.body.append(frame);
  });
}

export function downloadText(fileName: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
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
