import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SCRYPT_LOG_N, FORMAT_VERSION, HEADER_LENGTH, MAGIC, openExport, sealExport, TransferError, type TransferErrorCode } from './export-file.ts';

// A cheap scrypt cost keeps the many openings fast; one test below uses the default.
const FAST = { scryptLogN: 10 };
const payload = Buffer.from(JSON.stringify({ hello: 'Plugboard', token: 'PLANTED-token-5c4b3a', list: [1, 2, 3] }), 'utf8');

async function codeOf(file: Buffer, passphrase: string): Promise<TransferErrorCode | 'opened'> {
  try {
    await openExport(file, passphrase);
    return 'opened';
  } catch (e) {
    if (!(e instanceof TransferError)) throw e;
    return e.code;
  }
}

async function messageOf(file: Buffer, passphrase: string): Promise<string> {
  try {
    await openExport(file, passphrase);
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
  it('round-trips the payload at the default scrypt cost and records that cost in the header', async () => {
    const file = await sealExport(payload, 'correct horse battery staple');
    expect(file.subarray(0, MAGIC.length).toString('ascii')).toBe('Plugboard export');
    expect(file.readUInt16BE(16)).toBe(FORMAT_VERSION);
    expect([file[20], file[21], file[22], file[23]]).toEqual([1, DEFAULT_SCRYPT_LOG_N, 8, 1]);
    expect(Buffer.from(await openExport(file, 'correct horse battery staple')).equals(payload)).toBe(true);
  });

  it('keeps the payload unreadable and seals the same payload differently each time', async () => {
    const a = await sealExport(payload, 'pw', FAST);
    const b = await sealExport(payload, 'pw', FAST);
    expect(a.includes('PLANTED-token-5c4b3a')).toBe(false);
    expect(a.equals(b)).toBe(false);
    expect(a.length).toBe(HEADER_LENGTH + payload.length + 16);
  });

  it('opens with the same passphrase typed in another Unicode form', async () => {
    const file = await sealExport(payload, 'caf\u00e9', FAST);
    expect(Buffer.from(await openExport(file, 'cafe\u0301')).equals(payload)).toBe(true);
  });

  it('tells a wrong passphrase apart, with a sentence that says what to do', async () => {
    const file = await sealExport(payload, 'right', FAST);
    expect(await codeOf(file, 'wrong')).toBe('wrong_passphrase');
    expect(await messageOf(file, 'wrong')).toMatch(/passphrase does not open this export.*try again/);
  });

  it('calls a flipped byte anywhere in the header damage, never a wrong passphrase', async () => {
    const file = await sealExport(payload, 'pw', FAST);
    for (let at = 0; at < HEADER_LENGTH; at++) {
      expect({ at, code: await codeOf(flipped(file, at), 'pw') }).toEqual({ at, code: 'damaged' });
    }
  });

  it('calls a flipped byte in the ciphertext or the tag damage', async () => {
    const file = await sealExport(payload, 'pw', FAST);
    for (const at of [HEADER_LENGTH, HEADER_LENGTH + 7, file.length - 17, file.length - 16, file.length - 1]) {
      expect({ at, code: await codeOf(flipped(file, at), 'pw') }).toEqual({ at, code: 'damaged' });
    }
    expect(await messageOf(flipped(file, HEADER_LENGTH + 3), 'pw')).toMatch(/damaged or was changed/);
  });

  it('calls a file cut off anywhere, or with bytes added, damage', async () => {
    const file = await sealExport(payload, 'pw', FAST);
    for (const length of [1, 8, 15, 16, 18, 20, 40, HEADER_LENGTH - 1, HEADER_LENGTH, HEADER_LENGTH + 15, HEADER_LENGTH + 16, file.length - 1]) {
      expect({ length, code: await codeOf(file.subarray(0, length), 'pw') }).toEqual({ length, code: 'damaged' });
    }
    expect(await codeOf(Buffer.concat([file, Buffer.from([0])]), 'pw')).toBe('damaged');
  });

  it('says an empty file or another kind of file is not a Plugboard export', async () => {
    expect(await codeOf(Buffer.alloc(0), 'pw')).toBe('not_plugboard');
    expect(await messageOf(Buffer.alloc(0), 'pw')).toMatch(/empty/);
    expect(await codeOf(Buffer.from('{"accounts": []}'), 'pw')).toBe('not_plugboard');
    expect(await codeOf(Buffer.from('%PDF'), 'pw')).toBe('not_plugboard');
    expect(await codeOf(randomBytes(500), 'pw')).toBe('not_plugboard');
  });

  it('names a newer format and says to update, before reading a header it may not understand', async () => {
    const file = await sealExport(payload, 'pw', FAST);
    const newer = Buffer.concat([file.subarray(0, 16), Buffer.from([0, 2, 0xff, 0xfd]), randomBytes(10)]);
    expect(await codeOf(newer, 'pw')).toBe('newer_version');
    expect(await messageOf(newer, 'pw')).toBe(
      'This export was made by a newer Plugboard (format 2); this version reads format 1. Update Plugboard, then import the file again.',
    );
  });

  it('refuses a rewritten header whose digest was recomputed: GCM covers every header byte', async () => {
    const file = await sealExport(payload, 'pw', FAST);
    // Changing the nonce with a fresh digest keeps the key (same salt and passphrase) but breaks the associated data.
    const forged = Buffer.from(file);
    forged[45]! ^= 0xff;
    createHash('sha256').update(forged.subarray(0, 68)).digest().subarray(0, 16).copy(forged, 68);
    expect(await codeOf(forged, 'pw')).toBe('damaged');
  });

  it('refuses a header asking for a cost Plugboard never writes, at once and with a sentence, before deriving anything', async () => {
    const file = await sealExport(payload, 'pw', FAST);
    // N=2^20, p=4 froze the process for 15 s and took 1.2 GB; r=16 and N=2^18 are merely more than Plugboard writes.
    for (const [logN, r, p] of [
      [20, 8, 4],
      [18, 8, 1],
      [17, 16, 1],
      [17, 8, 2],
    ]) {
      const crafted = Buffer.from(file);
      crafted.set([1, logN!, r!, p!], 20);
      createHash('sha256').update(crafted.subarray(0, 68)).digest().subarray(0, 16).copy(crafted, 68);
      const started = performance.now();
      const error = await openExport(crafted, 'pw').then(
        () => null,
        (e: unknown) => e,
      );
      // ~1 ms when refused up front; the derivation it asked for took 15 s.
      expect(performance.now() - started).toBeLessThan(2_000);
      expect(error).toBeInstanceOf(TransferError);
      expect((error as TransferError).message).toBe(
        `This file asks for key-derivation settings Plugboard never uses (scrypt N=2^${logN}, r=${r}, p=${p}), so it was not made by Plugboard and was not opened. Nothing was imported.`,
      );
    }
  });

  it('derives keys off the event loop: a timer keeps firing while a file is sealed and opened at the real cost', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    try {
      const file = await sealExport(payload, 'correct horse battery staple');
      const whileSealing = ticks;
      await openExport(file, 'correct horse battery staple');
      // Each derivation takes ~300 ms here: a blocked loop would tick 0 times, a free one dozens.
      expect(whileSealing).toBeGreaterThanOrEqual(3);
      expect(ticks - whileSealing).toBeGreaterThanOrEqual(3);
    } finally {
      clearInterval(timer);
    }
  });

  it('refuses to seal without a passphrase or at a cost outside what it can open', async () => {
    await expect(sealExport(payload, '', FAST)).rejects.toThrow(/passphrase/);
    await expect(sealExport(payload, 'pw', { scryptLogN: 8 })).rejects.toThrow(RangeError);
    await expect(sealExport(payload, 'pw', { scryptLogN: 18 })).rejects.toThrow(RangeError);
  });
});
