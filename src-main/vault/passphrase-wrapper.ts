// Wraps the data key under a key derived from a passphrase with scrypt (memory-hard),
// for the browser host, tests, and machines whose keychain is weak.
// Blob layout: "PBK1" | log2(N) | r | p | salt(16) | iv(12) | tag(16) | ciphertext.
import { createCipheriv, createDecipheriv, randomBytes, scrypt } from 'node:crypto';
import { VaultLockedError, type KeyWrapper } from './key-wrapper.ts';

const MAGIC = Buffer.from('PBK1');
const AAD = Buffer.from('plugboard/data-key');
const HEADER = MAGIC.length + 3 + 16 + 12 + 16;

/** OWASP's scrypt floor for interactive logins: N=2^17, r=8, p=1 (128 MiB, ~0.3 s). */
const DEFAULT_LOG_N = 17;

function deriveKey(passphrase: string, salt: Buffer, logN: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const N = 2 ** logN;
    scrypt(passphrase.normalize('NFC'), salt, 32, { N, r, p, maxmem: 256 * N * r }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

export class PassphraseKeyWrapper implements KeyWrapper {
  readonly kind = 'passphrase';
  readonly #passphrase: string;
  readonly #logN: number;

  constructor(passphrase: string, opts: { logN?: number } = {}) {
    if (!passphrase) throw new VaultLockedError('A passphrase is required to open this data folder (set PLUGBOARD_PASSPHRASE).');
    this.#passphrase = passphrase;
    this.#logN = opts.logN ?? DEFAULT_LOG_N;
  }

  async wrap(dataKey: Buffer): Promise<Buffer> {
    const salt = randomBytes(16);
    const iv = randomBytes(12);
    const r = 8;
    const p = 1;
    const kek = await deriveKey(this.#passphrase, salt, this.#logN, r, p);
    const cipher = createCipheriv('aes-256-gcm', kek, iv);
    cipher.setAAD(AAD);
    const ct = Buffer.concat([cipher.update(dataKey), cipher.final()]);
    return Buffer.concat([MAGIC, Buffer.from([this.#logN, r, p]), salt, iv, cipher.getAuthTag(), ct]);
  }

  async unwrap(blob: Buffer): Promise<Buffer> {
    if (blob.length <= HEADER || !blob.subarray(0, 4).equals(MAGIC)) {
      throw new VaultLockedError('The stored data key is not in a format this version of Plugboard understands.');
    }
    const [logN, r, p] = [blob[4]!, blob[5]!, blob[6]!];
    if (logN < 10 || logN > 22 || r < 1 || r > 32 || p < 1 || p > 16) {
      throw new VaultLockedError('The stored data key has implausible key-derivation settings; the file may be damaged.');
    }
    let offset = 7;
    const take = (n: number) => blob.subarray(offset, (offset += n));
    const salt = take(16);
    const iv = take(12);
    const tag = take(16);
    const ct = blob.subarray(offset);
    const kek = await deriveKey(this.#passphrase, salt, logN, r, p);
    try {
      const decipher = createDecipheriv('aes-256-gcm', kek, iv);
      decipher.setAAD(AAD);
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(ct), decipher.final()]);
    } catch {
      throw new VaultLockedError('The passphrase does not unlock this data folder. Nothing was changed; try again with the right passphrase.');
    }
  }
}
