/** The app's own origin in Electron: a privileged custom scheme, so IPC senders can be checked against it. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'understudy';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;

/**
 * Strict CSP for the renderer. Inline styles are allowed because CodeMirror injects its theme as <style>
 * elements; scripts are 'self' only, and the only connection allowed is back to our own origin.
 */
export function contentSecurityPolicy(connectSrc: string[] = []): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self' ${connectSrc.join(' ')}`.trim(),
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** True when `url` belongs to the app's own pages (Electron custom scheme, or the loopback server's origin). */
export function isTrustedOrigin(url: string | undefined, allowedOrigins: readonly string[]): boolean {
  if (!url) return false;
  try {
    const { origin, protocol, host } = new URL(url);
    // Custom schemes report origin "null" in WHATWG URL, so compare scheme + host instead.
    const effective = origin === 'null' ? `${protocol}//${host}` : origin;
    return allowedOrigins.includes(effective);
  } catch {
    return false;
  }
}
