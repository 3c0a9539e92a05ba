import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  APP_ENTRY_URL,
  APP_USER_MODEL_ID,
  findProtocolUrl,
  isAppUrl,
  isDeveloperPortalUrl,
  isOpenableAuthorizationUrl,
  isPermissionGranted,
  resolveAppFile,
} from './policy.ts';

const root = resolve('/srv/plugboard/dist/renderer');

describe('isAppUrl', () => {
  it('accepts our origin and its pages', () => {
    expect(isAppUrl(APP_ENTRY_URL)).toBe(true);
    expect(isAppUrl('app://plugboard')).toBe(true);
    expect(isAppUrl('app://plugboard/assets/index.js#x')).toBe(true);
  });

  it('refuses other hosts, schemes and look-alikes', () => {
    for (const url of [
      'app://evil/index.html',
      'app://plugboard.evil/index.html',
      'app://user@plugboard/index.html',
      'https://plugboard/index.html',
      'file:///index.html',
      'plugboard://oauth/callback/x',
      'not a url',
    ]) {
      expect(isAppUrl(url), url).toBe(false);
    }
  });
});

describe('resolveAppFile', () => {
  it('maps pages and assets into the renderer folder', () => {
    expect(resolveAppFile(root, 'app://plugboard/')).toBe(join(root, 'index.html'));
    expect(resolveAppFile(root, 'app://plugboard')).toBe(join(root, 'index.html'));
    expect(resolveAppFile(root, 'app://plugboard/assets/index-abc.js?v=1')).toBe(join(root, 'assets', 'index-abc.js'));
    expect(resolveAppFile(root, 'app://plugboard/assets/my%20font.woff2')).toBe(join(root, 'assets', 'my font.woff2'));
  });

  it('never leaves the renderer folder', () => {
    for (const url of [
      'app://plugboard/../../etc/passwd',
      'app://plugboard/%2e%2e/%2e%2e/etc/passwd',
      'app://plugboard/..%2F..%2Fetc%2Fpasswd',
      'app://plugboard/assets/..%2F..%2F..%2Fsecret',
      'app://plugboard/..%5C..%5Csecret',
      'app://plugboard/%00index.html',
      'app://plugboard/%E0%A4%A',
      'app://other/index.html',
    ]) {
      const file = resolveAppFile(root, url);
      if (file !== null) expect(file.startsWith(root + '/'), `${url} → ${file}`).toBe(true);
    }
    expect(resolveAppFile(root, 'app://plugboard/..%2F..%2Fetc%2Fpasswd')).toBeNull();
    expect(resolveAppFile(root, 'app://plugboard/%00index.html')).toBeNull();
    expect(resolveAppFile(root, 'app://plugboard/%E0%A4%A')).toBeNull();
    expect(resolveAppFile(root, 'app://other/index.html')).toBeNull();
  });
});

describe('isOpenableAuthorizationUrl', () => {
  it('opens https anywhere and http only on this machine', () => {
    expect(isOpenableAuthorizationUrl('https://x.com/i/oauth2/authorize?state=s')).toBe(true);
    expect(isOpenableAuthorizationUrl('https://blog.example.org/wp-admin/authorize-application.php')).toBe(true);
    expect(isOpenableAuthorizationUrl('http://127.0.0.1:7001/i/oauth2/authorize')).toBe(true);
    expect(isOpenableAuthorizationUrl('http://localhost:7001/authorize')).toBe(true);
    expect(isOpenableAuthorizationUrl('http://[::1]:7001/authorize')).toBe(true);
  });

  it('refuses everything else', () => {
    for (const url of [
      'http://x.com/i/oauth2/authorize',
      'http://127.0.0.1.evil.com/authorize',
      'file:///etc/passwd',
      'smb://host/share',
      'javascript:alert(1)',
      'plugboard://oauth/callback/x',
      'https://user:pass@x.com/',
      '',
    ]) {
      expect(isOpenableAuthorizationUrl(url), url).toBe(false);
    }
  });
});

describe('isDeveloperPortalUrl', () => {
  it('allows the portals the setup guides link to', () => {
    expect(isDeveloperPortalUrl('https://developer.x.com/en/portal/dashboard')).toBe(true);
    expect(isDeveloperPortalUrl('https://developers.facebook.com/apps/123/')).toBe(true);
    expect(isDeveloperPortalUrl('https://console.cloud.google.com/apis/credentials')).toBe(true);
  });

  it('refuses other sites, plain http and other schemes', () => {
    expect(isDeveloperPortalUrl('https://example.com/')).toBe(false);
    expect(isDeveloperPortalUrl('http://developer.x.com/en/portal/dashboard')).toBe(false);
    expect(isDeveloperPortalUrl('https://developer.x.com.evil.com/')).toBe(false);
    expect(isDeveloperPortalUrl('https://user@developer.x.com/')).toBe(false);
    expect(isDeveloperPortalUrl('file:///etc/passwd')).toBe(false);
  });
});

describe('isPermissionGranted', () => {
  it('grants only the clipboard, only to our own main frame', () => {
    expect(isPermissionGranted('clipboard-sanitized-write', 'app://plugboard', true)).toBe(true);
    expect(isPermissionGranted('clipboard-sanitized-write', 'app://plugboard/index.html', false)).toBe(false);
    expect(isPermissionGranted('clipboard-sanitized-write', 'https://example.com', true)).toBe(false);
    expect(isPermissionGranted('clipboard-read', 'app://plugboard', true)).toBe(true);
    expect(isPermissionGranted('clipboard-read', 'app://plugboard', false)).toBe(false);
    expect(isPermissionGranted('clipboard-read', 'https://example.com', true)).toBe(false);
    expect(isPermissionGranted('notifications', 'app://plugboard', true)).toBe(false);
    expect(isPermissionGranted('media', 'app://plugboard', true)).toBe(false);
  });
});

describe('findProtocolUrl', () => {
  it('finds the callback among the launch arguments', () => {
    const url = 'plugboard://oauth/callback/x?code=c&state=s';
    expect(findProtocolUrl(['/opt/Plugboard/plugboard', '--no-sandbox', url])).toBe(url);
    expect(findProtocolUrl(['C:\\Plugboard.exe', '--', 'PLUGBOARD://oauth/callback/x?code=c'])).toBe('PLUGBOARD://oauth/callback/x?code=c');
    expect(findProtocolUrl(['/usr/bin/electron', '.'])).toBeUndefined();
  });
});

describe('APP_USER_MODEL_ID', () => {
  it('is electron-builder.yml appId, which the Windows installer gives the Start-menu shortcut', () => {
    const yml = readFileSync(new URL('../../electron-builder.yml', import.meta.url), 'utf8');
    expect(yml.match(/^appId:\s*(\S+)\s*$/m)?.[1]).toBe(APP_USER_MODEL_ID);
  });
});
