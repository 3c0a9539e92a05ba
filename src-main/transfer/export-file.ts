// src-main/transfer/: moving data between machines (F16) — the sealed export file, and the import that merges it.
//
// The sealed export file (F16): bytes in, bytes out, under a passphrase the user
// chooses, because the vault's data key is tied to this machine's keychain and does not travel.
//
// Layout, format 1 (integers big-endian):
//   0  16  magic "Plugboard export" (ASCII)
//  16   2  format version (1)
//  18   2  format version XOR 0xFFFF: a flipped version byte reads as damage, not as "newer"
//  20   1  KDF id (1 = scrypt)
//  21   1  log2(N)   22  1  r   23  1  p
//  24  16  salt
//  40  12  AES-GCM nonce
//  52  16  key check: HMAC-SHA256(check key, KEY_CHECK_LABEL), first 16 bytes
//  68  16  header digest: SHA-256 of bytes 0..67, first 16 bytes
//  84   …  AES-256-GCM ciphertext, then its 16-byte tag; associated data = bytes 0..83
// scrypt yields 64 bytes: the first 32 are the AES key, the last 32 the check key.
//
// Why both a key check and a digest: the digest (unkeyed) catches a damaged header before
// the key is derived, so a changed salt or cost is never mistaken for a wrong passphrase; the
// key check then tells a wrong passphrase from a damaged body, which GCM alone cannot.
// Deliberate tampering is still refused: every header byte is GCM associated data.
import { createCipheriv, createDecipheriv, createHash, createHmac, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

export type TransferErrorCode = 'not_plugboard' | 'newer_version' | 'wrong_passphrase' | 'damaged';

export class TransferError extends Error {
  override name = 'TransferError';
  readonly code: TransferErrorCode;

  constructor(code: TransferErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

export const MAGIC = Buffer.from('Plugboard export', 'ascii');
export const FORMAT_VERSION = 1;
export const KDF_SCRYPT = 1;
/** OWASP's scrypt floor for interactive use: N=2^17, r=8, p=1 (128 MiB). */
export const DEFAULT_SCRYPT_LOG_N = 17;
const SCRYPT_R = 8;
const SCRYPT_P = 1;
/**
 * The only costs a file may ask for: what Plugboard writes (tests write cheaper files, down to 2^10).
 * The cost comes from the file, so anything above is an attacker's choice of our memory and time
 * (N=2^20 with p=4 took 1.2 GB and 15 s): opening at most 128 MiB and ~0.3 s is the bound.
 */
const MIN_LOG_N = 10;
const MAX_LOG_N = DEFAULT_SCRYPT_LOG_N;
const KEY_CHECK_LABEL = Buffer.from('plugboard/export/v1/key-check', 'utf8');

const VERSION_AT = 16;
const KDF_AT = 20;
const SALT_AT = 24;
const NONCE_AT = 40;
const CHECK_AT = 52;
const DIGEST_AT = 68;
export const HEADER_LENGTH = 84;
const TAG_LENGTH = 16;

export const damagedMessage =
  'The file is damaged or was changed after it was exported, so Plugboard will not import it. Nothing was imported: copy the file from the other machine again, or export it again there.';

const errors = {
  notPlugboard: () =>
    new TransferError('not_plugboard', 'This file is not a Plugboard export. Choose the file that Export on the other machine saved.'),
  empty: () =>
    new TransferError('not_plugboard', 'This file is empty, so it is not a Plugboard export. Choose the file that Export saved; if it is that file, it was not copied completely: copy it again.'),
  newer: (version: number) =>
    new TransferError(
      'newer_version',
      `This export was made by a newer Plugboard (format ${version}); this version reads format ${FORMAT_VERSION}. Update Plugboard, then import the file again.`,
    ),
  wrongPassphrase: () =>
    new TransferError('wrong_passphrase', 'That passphrase does not open this export. Nothing was imported; try again with the passphrase chosen when exporting.'),
  damaged: () => new TransferError('damaged', damagedMessage),
  costly: (logN: number, r: number, p: number) =>
    new TransferError(
      'damaged',
      `This file asks for key-derivation settings Plugboard never uses (scrypt N=2^${logN}, r=${r}, p=${p}), so it was not made by Plugboard and was not opened. Nothing was imported.`,
    ),
};

export async function sealExport(payload: Uint8Array, passphrase: string, opts: { scryptLogN?: number } = {}): Promise<Buffer> {
  if (!passphrase) throw new RangeError('Choose a passphrase to protect the export.');
  const logN = opts.scryptLogN ?? DEFAULT_SCRYPT_LOG_N;
  if (!acceptedCost(logN, SCRYPT_R, SCRYPT_P)) throw new RangeError(`scryptLogN must be between ${MIN_LOG_N} and ${MAX_LOG_N}.`);
  const header = Buffer.alloc(HEADER_LENGTH);
  MAGIC.copy(header, 0);
  header.writeUInt16BE(FORMAT_VERSION, VERSION_AT);
  header.writeUInt16BE(FORMAT_VERSION ^ 0xffff, VERSION_AT + 2);
  header.set([KDF_SCRYPT, logN, SCRYPT_R, SCRYPT_P], KDF_AT);
  const salt = randomBytes(16);
  const nonce = randomBytes(12);
  salt.copy(header, SALT_AT);
  nonce.copy(header, NONCE_AT);
  const { key, check } = await deriveKeys(passphrase, salt, logN, SCRYPT_R, SCRYPT_P);
  check.copy(header, CHECK_AT);
  headerDigest(header).copy(header, DIGEST_AT);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(header);
  const body = Buffer.concat([cipher.update(payload), cipher.final(), cipher.getAuthTag()]);
  return Buffer.concat([header, body]);
}

export async function openExport(file: Buffer, passphrase: string): Promise<Uint8Array> {
  checkMagic(file);
  checkVersion(file);
  if (file.length < HEADER_LENGTH + TAG_LENGTH) throw errors.damaged();
  const header = file.subarray(0, HEADER_LENGTH);
  if (!timingSafeEqual(headerDigest(header), header.subarray(DIGEST_AT, HEADER_LENGTH))) throw errors.damaged();
  const [kdf, logN, r, p] = [header[KDF_AT]!, header[KDF_AT + 1]!, header[KDF_AT + 2]!, header[KDF_AT + 3]!];
  // A digest that matches yet asks for another KDF or another cost was written by something other than Plugboard.
  if (kdf !== KDF_SCRYPT) throw errors.damaged();
  if (!acceptedCost(logN, r, p)) throw errors.costly(logN, r, p);
  const { key, check } = await deriveKeys(passphrase, header.subarray(SALT_AT, SALT_AT + 16), logN, r, p);
  if (!timingSafeEqual(check, header.subarray(CHECK_AT, DIGEST_AT))) throw errors.wrongPassphrase();
  const body = file.subarray(HEADER_LENGTH);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, header.subarray(NONCE_AT, NONCE_AT + 12));
    decipher.setAAD(header);
    decipher.setAuthTag(body.subarray(body.length - TAG_LENGTH));
    return Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_LENGTH)), decipher.final()]);
  } catch {
    throw errors.damaged();
  }
}

/**
 * A start that is almost the magic (one or two bytes off) or a cut-off piece of it is a damaged
 * export; anything else is some other file.
 */
function checkMagic(file: Buffer): void {
  if (file.length === 0) throw errors.empty();
  if (file.length < MAGIC.length) {
    throw MAGIC.subarray(0, file.length).equals(file) ? errors.damaged() : errors.notPlugboard();
  }
  let differing = 0;
  for (let i = 0; i < MAGIC.length; i++) if (file[i] !== MAGIC[i]) differing++;
  if (differing === 0) return;
  throw differing <= 2 ? errors.damaged() : errors.notPlugboard();
}

/** Read before the rest of the header, whose layout a newer format may change. */
function checkVersion(file: Buffer): void {
  if (file.length < VERSION_AT + 4) throw errors.damaged();
  const version = file.readUInt16BE(VERSION_AT);
  if ((version ^ 0xffff) !== file.readUInt16BE(VERSION_AT + 2) || version === 0) throw errors.damaged();
  if (version > FORMAT_VERSION) throw errors.newer(version);
}

function acceptedCost(logN: number, r: number, p: number): boolean {
  return Number.isInteger(logN) && logN >= MIN_LOG_N && logN <= MAX_LOG_N && r === SCRYPT_R && p === SCRYPT_P;
}

/** On libuv's thread pool (async scrypt): the core keeps answering and renewing while a key is derived. */
async function deriveKeys(passphrase: string, salt: Buffer, logN: number, r: number, p: number): Promise<{ key: Buffer; check: Buffer }> {
  const N = 2 ** logN;
  const out = await new Promise<Buffer>((resolve, reject) =>
    // NFC: the same passphrase typed on another OS or keyboard layout must give the same key.
    scrypt(passphrase.normalize('NFC'), salt, 64, { N, r, p, maxmem: 256 * N * r }, (err, derived) => (err ? reject(err) : resolve(derived))),
  );
  const check = createHmac('sha256', out.subarray(32)).update(KEY_CHECK_LABEL).digest().subarray(0, 16);
  return { key: out.subarray(0, 32), check };
}

function headerDigest(header: Buffer): Buffer {
  return createHash('sha256').update(header.subarray(0, DIGEST_AT)).digest().subarray(0, 16);
}
