import { describe, expect, it } from 'vitest';
import { isSafeExternalUrl, screenplayArgs } from '../../../src-main/app/app-service.ts';
import { APP_ORIGIN, contentSecurityPolicy, isTrustedOrigin } from '../../../src-main/security-policy.ts';

describe('security policy', () => {
  it('trusts only the app origin, including for the custom app:// scheme', () => {
    expect(isTrustedOrigin(`${APP_ORIGIN}/index.html`, [APP_ORIGIN])).toBe(true);
    expect(isTrustedOrigin('app://other/index.html', [APP_ORIGIN])).toBe(false);
    expect(isTrustedOrigin('https://understudy/index.html', [APP_ORIGIN])).toBe(false);
    expect(isTrustedOrigin('file:///etc/passwd', [APP_ORIGIN])).toBe(false);
    expect(isTrustedOrigin(undefined, [APP_ORIGIN])).toBe(false);
    expect(isTrustedOrigin('not a url', [APP_ORIGIN])).toBe(false);
    expect(isTrustedOrigin('http://127.0.0.1:5000/x', ['http://127.0.0.1:5000'])).toBe(true);
  });

  it('opens only https links externally', () => {
    expect(isSafeExternalUrl('https://fountain.io/syntax')).toBe(true);
    expect(isSafeExternalUrl('http://fountain.io')).toBe(false);
    expect(isSafeExternalUrl('file:///etc/passwd')).toBe(false);
    expect(isSafeExternalUrl('javascript:alert(1)')).toBe(false);
  });

  it('allows scripts only from self and no plugins, frames or base rewriting', () => {
    const csp = contentSecurityPolicy(['ws://127.0.0.1:1234']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-(inline|eval)/);
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("connect-src 'self' ws://127.0.0.1:1234");
  });

  it('finds the screenplays among the command-line arguments Electron passes', () => {
    expect(
      screenplayArgs(['.', '--no-sandbox', '/home/w/Pilot.fountain', 'notes.txt', '/x/B.FOUNTAIN', '/x/Draft.fdx']),
    ).toEqual(['/home/w/Pilot.fountain', '/x/B.FOUNTAIN', '/x/Draft.fdx']);
  });
});
