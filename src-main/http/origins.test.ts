import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test-support/temp-dir.ts';
import { checkOriginMap, isLoopbackHost, parseOriginMap, rewriteUrl } from './origins.ts';

describe('parseOriginMap', () => {
  it('accepts plain http only on loopback: tokens and client secrets travel to the replacement', () => {
    for (const target of ['http://127.0.0.1:7001', 'http://127.8.9.10', 'http://localhost:9000', 'http://[::1]:7001', 'https://proxy.example.com']) {
      expect(parseOriginMap(JSON.stringify({ 'https://api.x.com': target }))).toEqual({ 'https://api.x.com': new URL(target).origin });
    }
    for (const target of ['http://10.0.0.5:7001', 'http://example.com', 'http://127.0.0.1.example.com', 'http://localhost.example.com', 'http://[::2]']) {
      expect(() => parseOriginMap(JSON.stringify({ 'https://api.x.com': target })), target).toThrow(/must be https, or plain http only on this computer/);
    }
    expect(() => checkOriginMap({ 'https://api.x.com': 'http://192.168.1.2:8080' })).toThrow(/plain http only on this computer/);
    expect(isLoopbackHost('LOCALHOST')).toBe(true);
  });

  it('reads a JSON object given inline', () => {
    expect(parseOriginMap('{"https://api.x.com": "http://127.0.0.1:7001", "https://x.com": "http://127.0.0.1:7002"}')).toEqual({
      'https://api.x.com': 'http://127.0.0.1:7001',
      'https://x.com': 'http://127.0.0.1:7002',
    });
  });

  it('tolerates whitespace around an inline object', () => {
    expect(parseOriginMap('  \n{"https://api.x.com": "http://127.0.0.1:7001"}\n ')).toEqual({ 'https://api.x.com': 'http://127.0.0.1:7001' });
  });

  it('reads a path to a JSON file', () => {
    const file = join(tempDir(), 'origins.json');
    writeFileSync(file, JSON.stringify({ 'https://api.x.com': 'http://127.0.0.1:7001' }));
    expect(parseOriginMap(file)).toEqual({ 'https://api.x.com': 'http://127.0.0.1:7001' });
    // The variable is often written with a trailing newline in shell scripts.
    expect(parseOriginMap(`${file}\n`)).toEqual({ 'https://api.x.com': 'http://127.0.0.1:7001' });
  });

  it('maps nothing when unset or blank', () => {
    expect(parseOriginMap(undefined)).toEqual({});
    expect(parseOriginMap('')).toEqual({});
    expect(parseOriginMap('   ')).toEqual({});
  });

  it('normalises a trailing slash on keys and values, so lookups by URL.origin still match', () => {
    const map = parseOriginMap('{"https://api.x.com/": "http://127.0.0.1:7001/"}');
    expect(map).toEqual({ 'https://api.x.com': 'http://127.0.0.1:7001' });
    expect(rewriteUrl(map, 'https://api.x.com/2/users/me')).toBe('http://127.0.0.1:7001/2/users/me');
  });

  it('explains invalid JSON and names the variable', () => {
    expect(() => parseOriginMap('{"https://api.x.com": ')).toThrow(/^PLUGBOARD_ORIGINS is not valid JSON/);
  });

  it('explains invalid JSON inside a file too', () => {
    const file = join(tempDir(), 'broken.json');
    writeFileSync(file, '{ not json');
    expect(() => parseOriginMap(file)).toThrow(/PLUGBOARD_ORIGINS is not valid JSON/);
  });

  it('refuses a value with a path: the rewrite would silently drop it', () => {
    expect(() => parseOriginMap('{"https://api.x.com": "http://127.0.0.1:7001/api"}')).toThrow(/PLUGBOARD_ORIGINS: https:\/\/api\.x\.com must be an origin/);
  });

  it('refuses a key with a path, naming the key', () => {
    // zod reports a bad record key as "Invalid key in record", not with the origin rule's sentence.
    expect(() => parseOriginMap('{"https://api.x.com/2": "http://127.0.0.1:7001"}')).toThrow(/^PLUGBOARD_ORIGINS: https:\/\/api\.x\.com\/2 /);
  });

  it('refuses a non-http scheme', () => {
    expect(() => parseOriginMap('{"https://api.x.com": "ftp://127.0.0.1:7001"}')).toThrow(/PLUGBOARD_ORIGINS:.*must be an origin/);
    expect(() => parseOriginMap('{"https://api.x.com": "127.0.0.1:7001"}')).toThrow(/PLUGBOARD_ORIGINS:.*must be an origin/);
  });

  it('refuses JSON that is not an object of strings', () => {
    expect(() => parseOriginMap('{"https://api.x.com": 7001}')).toThrow(/^PLUGBOARD_ORIGINS: /);
  });

  it('explains a file that cannot be read, naming the path and the reason', () => {
    const missing = join(tempDir(), 'nope.json');
    expect(() => parseOriginMap(missing)).toThrow(`PLUGBOARD_ORIGINS names a file that cannot be read (${missing}): ENOENT`);
  });

  // root reads anything, so the permission bit proves nothing there.
  it.skipIf(process.getuid?.() === 0)('explains a file without read permission', () => {
    const file = join(tempDir(), 'locked.json');
    writeFileSync(file, '{}');
    chmodSync(file, 0o000);
    expect(() => parseOriginMap(file)).toThrow(/cannot be read .*EACCES/);
  });
});

describe('rewriteUrl', () => {
  const map = { 'https://api.x.com': 'http://127.0.0.1:7001' };

  it('keeps the path, query and hash', () => {
    expect(rewriteUrl(map, 'https://api.x.com/2/oauth2/token?grant_type=refresh_token&a=%20b#frag')).toBe(
      'http://127.0.0.1:7001/2/oauth2/token?grant_type=refresh_token&a=%20b#frag',
    );
  });

  it('leaves unmapped origins untouched, character for character', () => {
    const url = 'https://upload.x.com/1.1/media/upload.json?command=INIT';
    expect(rewriteUrl(map, url)).toBe(url);
  });

  it('matches the exact origin only: another host, scheme or port is not rewritten', () => {
    expect(rewriteUrl({ 'https://x.com': 'http://127.0.0.1:7002' }, 'https://api.x.com/2/users/me')).toBe('https://api.x.com/2/users/me');
    expect(rewriteUrl(map, 'https://x.com/i/oauth2/authorize')).toBe('https://x.com/i/oauth2/authorize');
    expect(rewriteUrl(map, 'http://api.x.com/2/users/me')).toBe('http://api.x.com/2/users/me');
    expect(rewriteUrl(map, 'https://api.x.com:8443/2/users/me')).toBe('https://api.x.com:8443/2/users/me');
  });

  it('rewrites an explicit default port, which is the same origin', () => {
    expect(rewriteUrl(map, 'https://api.x.com:443/2/users/me')).toBe('http://127.0.0.1:7001/2/users/me');
  });
});
