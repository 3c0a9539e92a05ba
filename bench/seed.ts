// A throw-away data folder with N accounts over the ten platforms, written through the real
// store code (the same vault, secrets and upsert the core uses), for the benches.
//   node bench/seed.ts [--count 1000] [--dir /tmp/x] [--passphrase p]
// Every token is fresh enough that nothing is due for renewal when the core opens the folder:
// a renewal would decrypt tokens and call a platform, which is not what the benches measure.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { crc32, deflateSync } from 'node:zlib';
import { PLATFORM_IDS, type PlatformId } from '../src-main/api/contract.ts';
import { providerDecl } from '../src-main/connectors/providers.ts';
import type { TokenSet } from '../src-main/connectors/types.ts';
import { connectionDeadline } from '../src-main/core/account-facts.ts';
import { Accounts } from '../src-main/store/accounts.ts';
import { Activity } from '../src-main/store/activity.ts';
import { AppCredentials } from '../src-main/store/app-credentials.ts';
import { openDatabase } from '../src-main/store/db.ts';
import { PassphraseKeyWrapper } from '../src-main/vault/passphrase-wrapper.ts';
import { Secrets } from '../src-main/vault/secrets.ts';
import { Vault } from '../src-main/vault/vault.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Shares of accounts that need the user: yellow (deadline inside the 7-day window) and red. */
const EXPIRING_SHARE = 0.03;
const EXPIRED_SHARE = 0.02;
/** Rows written per outer transaction: one fsync per batch instead of one per account (synchronous = FULL). */
const BATCH = 500;

export const BENCH_PASSPHRASE = 'bench passphrase, not a secret';

export interface SeedResult {
  dir: string;
  passphrase: string;
  count: number;
  perPlatform: Record<PlatformId, number>;
  expiring: number;
  expired: number;
  avatarBytes: { min: number; median: number; max: number };
  ms: number;
}

export function mulberry32(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/**
 * A 48×48 PNG as platforms serve small profile pictures (X's "_normal" size): a gradient with
 * some grain, so each one is different and a couple of kilobytes, not a one-colour square.
 */
function avatarPng(random: () => number): string {
  const size = 48;
  const [r0, g0, b0, r1, g1, b1] = Array.from({ length: 6 }, () => Math.floor(random() * 256));
  const rows: Buffer[] = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 3);
    for (let x = 0; x < size; x++) {
      const t = (x + y) / (2 * size - 2);
      const grain = random() < 0.3 ? (random() < 0.5 ? -8 : 8) : 0;
      const px = [r0! + (r1! - r0!) * t, g0! + (g1! - g0!) * t, b0! + (b1! - b0!) * t].map((v) => Math.max(0, Math.min(255, Math.round(v + grain))));
      row.set(px, 1 + x * 3);
    }
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const png = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows), { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
  return `data:image/png;base64,${png.toString('base64')}`;
}

/** Opaque tokens of the lengths the platforms hand out (X ~90 characters, Google and Meta ~200). */
function token(platform: PlatformId, kind: 'access' | 'refresh'): string {
  const long = platform === 'youtube' || platform === 'facebook' || platform === 'instagram' || platform === 'threads' || platform === 'linkedin';
  const body = randomBytes(long ? 150 : 66).toString('base64url');
  if (platform === 'youtube') return kind === 'access' ? `ya29.${body}` : `1//${body.slice(0, 100)}`;
  if (platform === 'facebook' || platform === 'instagram') return `EAAB${body}`;
  if (platform === 'threads') return `THAA${body}`;
  if (platform === 'bluesky') return `eyJ${body}`;
  return body;
}

const WORDS = ['sunrise', 'bakery', 'studio', 'maya', 'makes', 'north', 'coffee', 'daily', 'craft', 'green', 'pixel', 'river', 'atlas', 'hello', 'shop', 'news'];

function profileFor(platform: PlatformId, i: number, random: () => number) {
  const words = Array.from({ length: 1 + Math.floor(random() * 3) }, () => WORDS[Math.floor(random() * WORDS.length)]!);
  const handle = `${words.join(platform === 'instagram' || platform === 'threads' ? '.' : '_')}${i}`;
  const displayName = words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join(' ');
  const details: Record<string, string> = {};
  if (platform === 'x') details.subscriptionType = random() < 0.2 ? 'Premium' : 'None';
  if (platform === 'wordpress') details.siteName = `${displayName} Blog`;
  if (platform === 'linkedin' && random() < 0.4) details.organizationId = String(10_000 + i);
  if (platform === 'instagram' && random() < 0.5) Object.assign(details, { via: 'facebook', pageName: `${displayName} Page` });
  return {
    profile: { platformUserId: `${platform}-${i}`, handle: platform === 'bluesky' ? `${handle}.bsky.social` : handle, displayName, avatarUrl: `https://cdn.example/${platform}/${i}.png`, details },
    via: details.via === 'facebook' ? ('facebook' as const) : null,
  };
}

export async function seed(opts: { count: number; dir?: string; passphrase?: string; seed?: number }): Promise<SeedResult> {
  const started = performance.now();
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), `plugboard-bench-${opts.count}-`));
  const passphrase = opts.passphrase ?? BENCH_PASSPHRASE;
  const random = mulberry32(opts.seed ?? 7);
  const now = Date.now();
  const db = openDatabase(dir);
  // The wrapper's default cost, as the host uses: opening this folder later pays the real scrypt.
  const vault = await Vault.open(db, new PassphraseKeyWrapper(passphrase), now);
  const secrets = new Secrets(db, vault);
  const activity = new Activity(db);
  const accounts = new Accounts(db, secrets, activity);
  const appCredentials = new AppCredentials(db, secrets);
  // Without saved app credentials an OAuth card opens on its Credentials tab and shows no pills.
  for (const platform of PLATFORM_IDS) {
    if (providerDecl(platform).auth === 'oauth2') appCredentials.save(platform, `bench-${platform}-client`, token(platform, 'refresh'), false, now);
  }

  const perPlatform = Object.fromEntries(PLATFORM_IDS.map((p) => [p, 0])) as Record<PlatformId, number>;
  const avatarSizes: number[] = [];
  let expiring = 0;
  let expired = 0;
  const writeOne = (i: number) => {
    const platform = PLATFORM_IDS[i % PLATFORM_IDS.length]!;
    const decl = providerDecl(platform);
    const { profile, via } = profileFor(platform, i, random);
    const avatar = random() < 0.9 ? avatarPng(random) : null;
    if (avatar) avatarSizes.push(avatar.length);
    // Obtained a little while ago: well before its renewal point, so the scheduler only plans it.
    const lifetime = decl.accessTokenLifetimeSec === null ? null : decl.accessTokenLifetimeSec * 1000;
    const obtainedAt = now - Math.floor(random() * (lifetime === null ? DAY : lifetime * 0.2));
    const roll = random();
    const hasDeadline = decl.connectionLifetimeSec !== null || decl.renewal === 'none';
    // Where the access token's own expiry is the connection's deadline (no refresh token), that is what moves.
    const tokenIsDeadline = decl.renewal === 'none' || decl.renewal === 'long-lived-extension';
    let deadline = decl.connectionLifetimeSec === null || tokenIsDeadline ? undefined : obtainedAt + decl.connectionLifetimeSec * 1000;
    let accessExpiresAt = lifetime === null ? null : obtainedAt + lifetime;
    let kind: 'ok' | 'expiring' | 'ended' | 'refused' = 'ok';
    if (roll < EXPIRING_SHARE && hasDeadline && lifetime !== null) {
      kind = 'expiring';
      // Whole milliseconds, as every time the app stores is (an export refuses anything else).
      const soon = now + Math.floor((1 + random() * 5) * DAY);
      if (tokenIsDeadline) accessExpiresAt = soon;
      else deadline = soon;
    } else if (roll < EXPIRING_SHARE + EXPIRED_SHARE) {
      // Half past their own deadline (nothing can renew them), half refused by the platform.
      kind = hasDeadline && lifetime !== null && random() < 0.5 ? 'ended' : 'refused';
      if (kind === 'ended') {
        if (tokenIsDeadline) accessExpiresAt = now - Math.floor((1 + random() * 10) * DAY);
        else deadline = now - Math.floor((1 + random() * 10) * DAY);
      }
    }
    const tokens: TokenSet = {
      accessToken: token(platform, 'access'),
      refreshToken: decl.renewal === 'refresh' || decl.renewal === 'rotating-refresh' ? token(platform, 'refresh') : undefined,
      accessTokenExpiresAt: accessExpiresAt,
      refreshTokenExpiresAt: decl.renewal === 'refresh' || decl.renewal === 'rotating-refresh' ? (deadline ?? null) : undefined,
      scopes: decl.oauth?.scopes ?? [],
    };
    const renewal = decl.renewal;
    const { id } = accounts.upsertConnected({
      workspaceId: 'default',
      platform,
      via,
      renewal,
      profile,
      avatar,
      tokens,
      appPassword: decl.auth === 'app-password' ? randomBytes(12).toString('base64url') : null,
      connectionExpiresAt: connectionDeadline(renewal, tokens, null),
      now: obtainedAt,
    });
    if (kind === 'refused') accounts.recordError(id, 'auth', `${decl.name} refused the connection: it was revoked there. Reconnect to renew it.`, obtainedAt);
    if (kind === 'expiring') expiring++;
    if (kind === 'ended' || kind === 'refused') expired++;
    perPlatform[platform]++;
  };
  for (let start = 0; start < opts.count; start += BATCH) {
    db.transaction(() => {
      for (let i = start; i < Math.min(opts.count, start + BATCH); i++) writeOne(i);
    })();
  }
  db.close();
  avatarSizes.sort((a, b) => a - b);
  return {
    dir,
    passphrase,
    count: opts.count,
    perPlatform,
    expiring,
    expired,
    avatarBytes: { min: avatarSizes[0] ?? 0, median: avatarSizes[Math.floor(avatarSizes.length / 2)] ?? 0, max: avatarSizes.at(-1) ?? 0 },
    ms: performance.now() - started,
  };
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { count: { type: 'string', default: '1000' }, dir: { type: 'string' }, passphrase: { type: 'string' } } });
  const result = await seed({ count: Number(values.count), dir: values.dir, passphrase: values.passphrase });
  console.log(`seeded ${result.count} accounts in ${(result.ms / 1000).toFixed(1)} s into ${result.dir}`);
  console.log(`per platform: ${Object.entries(result.perPlatform).map(([p, n]) => `${p} ${n}`).join(', ')}`);
  console.log(`needing the user: ${result.expiring} expiring, ${result.expired} expired; avatars ${result.avatarBytes.min}–${result.avatarBytes.max} bytes as data: URIs (median ${result.avatarBytes.median})`);
  console.log(`open it with: PLUGBOARD_PASSPHRASE='${result.passphrase}' node src-main/host/cli.ts --data-dir ${result.dir}`);
}
