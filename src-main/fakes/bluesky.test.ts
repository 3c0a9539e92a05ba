import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ERROR_KINDS } from './fake-server.ts';
import { BLUESKY_ENDPOINTS, startFakeBluesky, type FakeBluesky } from './bluesky.ts';

let bsky: FakeBluesky;
const ALICE = () => bsky.users[0]!;
const CAROL = () => bsky.users[2]!;

beforeEach(async () => {
  bsky = await startFakeBluesky();
});
afterEach(async () => {
  await bsky.close();
});

interface SessionReply {
  did: string;
  handle: string;
  accessJwt: string;
  refreshJwt: string;
  didDoc?: unknown;
}

const xrpc = (nsid: string) => `${bsky.originMap()['https://bsky.social']}/xrpc/${nsid}`;
const claims = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as { exp: number; iat: number; scope: string; sub: string };

function login(identifier: string, password: string, extra: Record<string, string> = {}) {
  return fetch(xrpc('com.atproto.server.createSession'), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ identifier, password, ...extra }),
  });
}

async function session(identifier = ALICE().handle, password = ALICE().appPasswords[0]!): Promise<SessionReply> {
  const res = await login(identifier, password);
  expect(res.status).toBe(200);
  return (await res.json()) as SessionReply;
}

const bearerPost = (nsid: string, token: string) => fetch(xrpc(nsid), { method: 'POST', headers: { authorization: `Bearer ${token}` } });
const bearerGet = (nsid: string, token: string, query = '') => fetch(`${xrpc(nsid)}${query}`, { headers: { authorization: `Bearer ${token}` } });

describe('createSession', () => {
  it('opens an app-password session with JWTs carrying real exp and the appPass scope', async () => {
    const s = await session();
    expect(s.did).toBe(ALICE().did);
    expect(s.handle).toBe('alice.bsky.social');
    const access = claims(s.accessJwt);
    const refresh = claims(s.refreshJwt);
    expect(access.scope).toBe('com.atproto.appPass');
    expect(refresh.scope).toBe('com.atproto.refresh');
    expect(access.exp - access.iat).toBe(7200);
    expect(refresh.exp - refresh.iat).toBe(90 * 86400);
    expect(Math.abs(access.iat - Math.floor(bsky.now() / 1000))).toBeLessThanOrEqual(1);
  });

  it('accepts the email, the DID and an @-prefixed handle as identifier', async () => {
    for (const id of [ALICE().email, ALICE().did, `@${ALICE().handle}`]) expect((await session(id)).did).toBe(ALICE().did);
  });

  it('gives the main password a com.atproto.access session', async () => {
    const s = await session(ALICE().handle, ALICE().mainPassword);
    expect(claims(s.accessJwt).scope).toBe('com.atproto.access');
  });

  it('asks for the email code when a 2FA account uses its main password, but not with an app password', async () => {
    const res = await login(CAROL().handle, CAROL().mainPassword);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: 'AuthFactorTokenRequired' });
    expect((await session(CAROL().handle, CAROL().appPasswords[0]!)).did).toBe(CAROL().did);
  });

  it('refuses a wrong password or unknown handle as AuthenticationRequired', async () => {
    for (const [id, pw] of [[ALICE().handle, 'zzzz-zzzz-zzzz-zzzz'], ['nobody.bsky.social', 'abcd-efgh-ijkl-mnop']] as const) {
      const res = await login(id, pw);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: 'AuthenticationRequired', message: 'Invalid identifier or password' });
    }
  });
});

describe('refreshSession', () => {
  it('rotates: the new pair works and the previous refresh JWT is refused at once (no grace window)', async () => {
    const s = await session();
    const res = await bearerPost('com.atproto.server.refreshSession', s.refreshJwt);
    expect(res.status).toBe(200);
    const next = (await res.json()) as SessionReply;
    expect(next.refreshJwt).not.toBe(s.refreshJwt);
    expect(bsky.refreshTokenWorks(next.refreshJwt)).toBe(true);
    expect(bsky.refreshTokenWorks(s.refreshJwt)).toBe(false);
    const again = await bearerPost('com.atproto.server.refreshSession', s.refreshJwt);
    expect(again.status).toBe(400);
    expect(await again.json()).toMatchObject({ error: 'InvalidToken' });
  });

  it('refuses an access JWT, an expired refresh JWT (ExpiredToken) and a forged one', async () => {
    const s = await session();
    expect(await (await bearerPost('com.atproto.server.refreshSession', s.accessJwt)).json()).toMatchObject({ error: 'InvalidToken' });
    const forged = `${s.refreshJwt.slice(0, -4)}AAAA`;
    expect(await (await bearerPost('com.atproto.server.refreshSession', forged)).json()).toMatchObject({ error: 'InvalidToken' });
    bsky.advance(91 * 86400);
    const res = await bearerPost('com.atproto.server.refreshSession', s.refreshJwt);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'ExpiredToken' });
  });

  it('expireRefreshTokens makes the current refresh JWT ExpiredToken but not later sessions', async () => {
    const s = await session();
    bsky.expireRefreshTokens(ALICE().did);
    expect(await (await bearerPost('com.atproto.server.refreshSession', s.refreshJwt)).json()).toMatchObject({ error: 'ExpiredToken' });
    const fresh = await session();
    expect((await bearerPost('com.atproto.server.refreshSession', fresh.refreshJwt)).status).toBe(200);
  });
});

describe('deleteSession, getSession, profile', () => {
  it('deleteSession ends the session: its refresh and access JWTs stop working', async () => {
    const s = await session();
    expect(bsky.liveGrants(ALICE().did)).toBe(1);
    expect((await bearerPost('com.atproto.server.deleteSession', s.refreshJwt)).status).toBe(200);
    expect(bsky.liveGrants(ALICE().did)).toBe(0);
    expect((await bearerPost('com.atproto.server.refreshSession', s.refreshJwt)).status).toBe(400);
    expect((await bearerGet('com.atproto.server.getSession', s.accessJwt)).status).toBe(400);
  });

  it('getProfile gives the AppView profile with a cdn.bsky.app avatar that loads', async () => {
    const s = await session();
    const res = await bearerGet('app.bsky.actor.getProfile', s.accessJwt, `?actor=${encodeURIComponent(s.did)}`);
    const profile = (await res.json()) as { did: string; handle: string; displayName: string; avatar: string };
    expect(profile).toMatchObject({ did: ALICE().did, handle: ALICE().handle, displayName: 'Alice Example' });
    expect(profile.avatar).toMatch(/^https:\/\/cdn\.bsky\.app\/img\/avatar\/plain\/did:plc:[a-z0-9]+\/b[a-z2-7]+@png$/);
    const url = new URL(profile.avatar);
    const img = await fetch(`${bsky.originMap()['https://cdn.bsky.app']}${url.pathname}`);
    expect(img.headers.get('content-type')).toBe('image/png');
    expect((await img.arrayBuffer()).byteLength).toBeGreaterThan(50);
  });

  it('without an AppView getProfile says "No service configured"; getRecord, getBlob and getSession still serve the profile', async () => {
    const s = await session();
    bsky.setAppView(false);
    const res = await bearerGet('app.bsky.actor.getProfile', s.accessJwt, `?actor=${s.did}`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toMatch(/No service configured/);
    const record = (await (await fetch(`${xrpc('com.atproto.repo.getRecord')}?repo=${s.did}&collection=app.bsky.actor.profile&rkey=self`)).json()) as {
      value: { displayName: string; avatar: { ref: { $link: string } } };
    };
    expect(record.value.displayName).toBe('Alice Example');
    const blob = await fetch(`${xrpc('com.atproto.sync.getBlob')}?did=${s.did}&cid=${record.value.avatar.ref.$link}`);
    expect(blob.status).toBe(200);
    expect(((await (await bearerGet('com.atproto.server.getSession', s.accessJwt)).json()) as { handle: string }).handle).toBe(ALICE().handle);
  });

  it('an expired access JWT is ExpiredToken', async () => {
    const s = await session();
    bsky.expireAccessTokens();
    const res = await bearerGet('com.atproto.server.getSession', s.accessJwt);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'ExpiredToken' });
  });

  it('revokeAppPasswords kills the app password and its sessions', async () => {
    const s = await session();
    bsky.revokeAppPasswords(ALICE().did);
    expect(bsky.liveGrants(ALICE().did)).toBe(0);
    expect((await bearerPost('com.atproto.server.refreshSession', s.refreshJwt)).status).toBe(400);
    expect((await login(ALICE().handle, 'abcd-efgh-ijkl-mnop')).status).toBe(401);
  });
});

describe('account states, as @atproto/pds answers them', () => {
  it('a privileged app password (direct messages) opens a com.atproto.appPassPrivileged session', async () => {
    const s = await session(ALICE().handle, ALICE().privilegedAppPasswords[0]!);
    expect(claims(s.accessJwt).scope).toBe('com.atproto.appPassPrivileged');
  });

  it('taken down: refreshSession is AccountTakedown, an app password fails like a wrong one, getRepoStatus says takendown', async () => {
    const s = await session();
    bsky.takedown(ALICE().did, true);
    const refresh = await bearerPost('com.atproto.server.refreshSession', s.refreshJwt);
    expect(refresh.status).toBe(401);
    expect(await refresh.json()).toEqual({ error: 'AccountTakedown', message: 'Account has been taken down' });
    const app = await login(ALICE().handle, ALICE().appPasswords[0]!);
    expect(app.status).toBe(401);
    expect(await app.json()).toEqual({ error: 'AuthenticationRequired', message: 'Invalid identifier or password' });
    expect(await (await login(ALICE().handle, ALICE().mainPassword)).json()).toMatchObject({ error: 'AccountTakedown' });
    expect((await bearerGet('com.atproto.server.getSession', s.accessJwt)).status).toBe(400);
    const status = await fetch(`${xrpc('com.atproto.sync.getRepoStatus')}?did=${encodeURIComponent(ALICE().did)}`);
    expect(await status.json()).toEqual({ did: ALICE().did, active: false, status: 'takendown' });
    // deleteSession still ends the session.
    expect((await bearerPost('com.atproto.server.deleteSession', s.refreshJwt)).status).toBe(200);
    expect(bsky.liveGrants(ALICE().did)).toBe(0);
  });

  it('lifting a takedown leaves earlier sessions revoked; the app password signs in again', async () => {
    const s = await session();
    bsky.takedown(ALICE().did, true);
    bsky.takedown(ALICE().did, false);
    expect(bsky.refreshTokenWorks(s.refreshJwt)).toBe(false);
    expect((await session()).did).toBe(ALICE().did);
  });

  it('deactivated: sessions open and refresh but say active: false, status: deactivated; records are not served', async () => {
    bsky.deactivate(ALICE().did, true);
    const s = (await session()) as SessionReply & { active: boolean; status?: string };
    expect([s.active, s.status]).toEqual([false, 'deactivated']);
    const refreshed = (await (await bearerPost('com.atproto.server.refreshSession', s.refreshJwt)).json()) as SessionReply & { active: boolean; status?: string };
    expect([refreshed.active, refreshed.status]).toEqual([false, 'deactivated']);
    expect(await (await bearerGet('com.atproto.server.getSession', refreshed.accessJwt)).json()).toMatchObject({ active: false, status: 'deactivated' });
    const record = await fetch(`${xrpc('com.atproto.repo.getRecord')}?repo=${s.did}&collection=app.bsky.actor.profile&rkey=self`);
    expect(record.status).toBe(400);
    bsky.deactivate(ALICE().did, false);
    const active = (await session()) as SessionReply & { active: boolean; status?: string };
    expect([active.active, active.status]).toEqual([true, undefined]);
  });
});

describe('failure catalogue', () => {
  for (const kind of ERROR_KINDS) {
    it(`refreshSession answers ${kind}`, async () => {
      const s = await session();
      bsky.failNext('refreshSession', kind);
      const res = await fetch(xrpc('com.atproto.server.refreshSession'), {
        method: 'POST',
        headers: { authorization: `Bearer ${s.refreshJwt}` },
        signal: AbortSignal.timeout(500),
      }).catch(() => null);
      if (kind === 'timeout') {
        // Never answered: the client gives up.
        expect(res).toBeNull();
        return;
      }
      expect(res).not.toBeNull();
      const body = await res!.text();
      switch (kind) {
        case 'html_502':
          expect(res!.status).toBe(502);
          expect(body).toMatch(/Bad Gateway/);
          break;
        case 'bad_json':
          expect(() => JSON.parse(body)).toThrow();
          break;
        case 'missing_fields':
          expect(JSON.parse(body)).not.toHaveProperty('accessJwt');
          break;
        case 'rate_limited':
          expect(res!.status).toBe(429);
          expect(res!.headers.get('ratelimit-remaining')).toBe('0');
          expect(Number(res!.headers.get('ratelimit-reset'))).toBeGreaterThan(Math.floor(bsky.now() / 1000));
          expect(res!.headers.get('ratelimit-limit')).toBe('75');
          break;
        case 'invalid_grant':
          expect(res!.status).toBe(400);
          expect(JSON.parse(body)).toMatchObject({ error: 'InvalidToken' });
          break;
        case 'server_error':
          expect(res!.status).toBe(500);
          break;
      }
      // The injected failure consumed nothing: the refresh JWT still works.
      expect(bsky.refreshTokenWorks(s.refreshJwt)).toBe(true);
    }, 10_000);
  }

  it('knows every endpoint by name and rejects unknown ones', () => {
    for (const e of BLUESKY_ENDPOINTS) expect(() => bsky.failNext(e, 'server_error')).not.toThrow();
    expect(() => bsky.failNext('nope' as never, 'server_error')).toThrow(/no endpoint/);
  });

  it('invalid_grant at createSession is AuthenticationRequired, at getProfile ExpiredToken', async () => {
    bsky.failNext('createSession', 'invalid_grant');
    expect(await (await login(ALICE().handle, ALICE().appPasswords[0]!)).json()).toMatchObject({ error: 'AuthenticationRequired' });
    const s = await session();
    bsky.failNext('getProfile', 'invalid_grant');
    expect(await (await bearerGet('app.bsky.actor.getProfile', s.accessJwt, `?actor=${s.did}`)).json()).toMatchObject({ error: 'ExpiredToken' });
  });
});
