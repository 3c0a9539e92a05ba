import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SCRYPT_LOG_N, FORMAT_VERSION, HEADER_LENGTH, MAGIC, openExport, sealExport, TransferError, type TransferErrorCode } from './export-file.ts';

// A cheap scrypt cost keeps the many openings fast; one test below uses the default.
const FAST = { scryptLogN: 10 };
const payload = Buffer.from(JSON.stringify({ hello: 'Plugboard', token: 'PLANTED-token-5c4b3a', list: [1, 2, 3] }), 'utf8');

function codeOf(file: Buffer, passphrase: string): TransferErrorCode | 'opened' {
  try {
    openExport(file, passphrase);
    return 'opened';
  } catch (e) {
    if (!(e instanceof TransferError)) throw e;
    return e.code;
  }
}

function messageOf(file: Buffer, passphrase: string): string {
  try {
    openExport(file, passphrase);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('the file opened');
}

function flipped(file: Buffer, at: number): Buffer {
  const copy = Buffer.from(file);
  copy[at]! ^= 0x01;
  return copy;
}

describe('export file', () => {
  it('round-trips the payload at the default scrypt cost and records that cost in the header', () => {
    const file = sealExport(payload, 'correct horse battery staple');
    expect(file.subarray(0, MAGIC.length).toString('ascii')).toBe('Plugboard export');
    expect(file.readUInt16BE(16)).toBe(FORMAT_VERSION);
    expect([file[20], file[21], file[22], file[23]]).toEqual([1, DEFAULT_SCRYPT_LOG_N, 8, 1]);
    expect(Buffer.from(openExport(file, 'correct horse battery staple')).equals(payload)).toBe(true);
  });

  it('keeps the payload unreadable and seals the same payload differently each time', () => {
    const a = sealExport(payload, 'pw', FAST);
    const b = sealExport(payload, 'pw', FAST);
    expect(a.includes('PLANTED-token-5c4b3a')).toBe(false);
    expect(a.equals(b)).toBe(false);
    expect(a.length).toBe(HEADER_LENGTH + payload.length + 16);
  });

  it('opens with the same passphrase typed in another Unicode form', () => {
    const file = sealExport(payload, 'caf\u00e9', FAST);
    expect(Buffer.from(openExport(file, 'cafe\u0301')).equals(payload)).toBe(true);
  });

  it('tells a wrong passphrase apart, with a sentence that says what to do', () => {
    const file = sealExport(payload, 'right', FAST);
    expect(codeOf(file, 'wrong')).toBe('wrong_passphrase');
    expect(messageOf(file, 'wrong')).toMatch(/passphrase does not open this export.*try again/);
  });

  it('calls a flipped byte anywhere in the header damage, never a wrong passphrase', () => {
    const file = sealExport(payload, 'pw', FAST);
    for (let at = 0; at < HEADER_LENGTH; at++) {
      expect({ at, code: codeOf(flipped(file, at), 'pw') }).toEqual({ at, code: 'damaged' });
    }
  });

  it('calls a flipped byte in the ciphertext or the tag damage', () => {
    const file = sealExport(payload, 'pw', FAST);
    for (const at of [HEADER_LENGTH, HEADER_LENGTH + 7, file.length - 17, file.length - 16, file.length - 1]) {
      expect({ at, code: codeOf(flipped(file, at), 'pw') }).toEqual({ at, code: 'damaged' });
    }
    expect(messageOf(flipped(file, HEADER_LENGTH + 3), 'pw')).toMatch(/damaged or was changed/);
  });

  it('calls a file cut off anywhere, or with bytes added, damage', () => {
    const file = sealExport(payload, 'pw', FAST);
    for (const length of [1, 8, 15, 16, 18, 20, 40, HEADER_LENGTH - 1, HEADER_LENGTH, HEADER_LENGTH + 15, HEADER_LENGTH + 16, file.length - 1]) {
      expect({ length, code: codeOf(file.subarray(0, length), 'pw') }).toEqual({ length, code: 'damaged' });
    }
    expect(codeOf(Buffer.concat([file, Buffer.from([0])]), 'pw')).toBe('damaged');
  });

  it('says an empty file or another kind of file is not a Plugboard export', () => {
    expect(codeOf(Buffer.alloc(0), 'pw')).toBe('not_plugboard');
    expect(messageOf(Buffer.alloc(0), 'pw')).toMatch(/empty/);
    expect(codeOf(Buffer.from('{"accounts": []}'), 'pw')).toBe('not_plugboard');
    expect(codeOf(Buffer.from('%PDF'), 'pw')).toBe('not_plugboard');
    expect(codeOf(randomBytes(500), 'pw')).toBe('not_plugboard');
  });

  it('names a newer format and says to update, before reading a header it may not understand', () => {
    const file = sealExport(payload, 'pw', FAST);
    const newer = Buffer.concat([file.subarray(0, 16), Buffer.from([0, 2, 0xff, 0xfd]), randomBytes(10)]);
    expect(codeOf(newer, 'pw')).toBe('newer_version');
    expect(messageOf(newer, 'pw')).toBe(
      'This export was made by a newer Plugboard (format 2); this version reads format 1. Update Plugboard, then import the file again.',
    );
  });

  it('refuses a rewritten header whose digest was recomputed: GCM covers every header byte', () => {
    const file = sealExport(payload, 'pw', FAST);
    // Changing the nonce with a fresh digest keeps the key (same salt and passphrase) but breaks the associated data.
    const forged = Buffer.from(file);
    forged[45]! ^= 0xff;
    createHash('sha256').update(forged.subarray(0, 68)).digest().subarray(0, 16).copy(forged, 68);
    expect(codeOf(forged, 'pw')).toBe('damaged');
  });

  it('refuses to seal without a passphrase or at a cost outside what it can open', () => {
    expect(() => sealExport(payload, '', FAST)).toThrow(/passphrase/);
    expect(() => sealExport(payload, 'pw', { scryptLogN: 8 })).toThrow(RangeError);
    expect(() => sealExport(payload, 'pw', { scryptLogN: 24 })).toThrow(RangeError);
  });
});
