import { describe, expect, it } from 'vitest';
import { ignoredSentence, launchEnv } from './launch-env.ts';

const env = { PLUGBOARD_ORIGINS: '{"https://api.x.com": "http://127.0.0.1:7001"}', PLUGBOARD_DATA_DIR: '/tmp/elsewhere', HOME: '/home/u' };

describe('launchEnv', () => {
  it('a packaged app ignores the origin map and the data folder, and names both', () => {
    const got = launchEnv(env, { packaged: true });
    expect(got).toEqual({ dataDir: null, origins: {}, ignored: ['PLUGBOARD_ORIGINS', 'PLUGBOARD_DATA_DIR'] });
    expect(ignoredSentence(got.ignored)).toBe(
      'PLUGBOARD_ORIGINS and PLUGBOARD_DATA_DIR are ignored by the packaged app: only development runs may redirect platform traffic or the data folder.',
    );
  });

  it('a packaged app ignores even a malformed map instead of refusing to start', () => {
    expect(launchEnv({ PLUGBOARD_ORIGINS: '{nope' }, { packaged: true }).ignored).toEqual(['PLUGBOARD_ORIGINS']);
  });

  it('a development run honours both', () => {
    expect(launchEnv(env, { packaged: false })).toEqual({ dataDir: '/tmp/elsewhere', origins: { 'https://api.x.com': 'http://127.0.0.1:7001' }, ignored: [] });
    expect(launchEnv({}, { packaged: false })).toEqual({ dataDir: null, origins: {}, ignored: [] });
  });

  it('even in development a plain-http replacement must be on this computer', () => {
    expect(() => launchEnv({ PLUGBOARD_ORIGINS: '{"https://api.x.com": "http://203.0.113.9:8080"}' }, { packaged: false })).toThrow(
      /PLUGBOARD_ORIGINS: https:\/\/api\.x\.com must be https, or plain http only on this computer/,
    );
  });
});
