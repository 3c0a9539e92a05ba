// A real WordPress for the tests, from Debian 12's packages (`wordpress`, `php8.2-cli`,
// `php8.2-mysql`, `mariadb-server`), started and stopped by the test itself, nothing
// system-wide touched:
//   - MariaDB: our own `mariadbd` child process on a throw-away datadir in a temp folder,
//     socket only (--skip-networking: it listens on no TCP port at all);
//   - WordPress: a copy of /usr/share/wordpress (0.2 s; Debian's own wp-config.php reads
//     /etc/wordpress/config-<host>.php, so the copy gets its own wp-config.php instead),
//     WP_ENVIRONMENT_TYPE 'local' so application passwords work over plain http;
//   - served by `php -S 127.0.0.1:<free port>` with a small router (pretty permalinks);
//   - installed, users and application passwords created with PHP on the command line.
// stop() kills both processes and removes the temp folder. Nothing secret is printed.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src-main/fakes/free-port.ts';

export const WORDPRESS_DIR = '/usr/share/wordpress';
export const INSTALL_HINT =
  'apt-get install -y wordpress php8.2-cli php8.2-mysql mariadb-server (Debian 12)';

export interface WordPressUser {
  id: number;
  username: string;
  appPassword: string;
}

export interface WordPressSite {
  /** e.g. http://127.0.0.1:41234 (no trailing slash). */
  siteUrl: string;
  /** The WordPress version the site runs (from wp-includes/version.php). */
  version: string;
  users: { admin: WordPressUser; subscriber: WordPressUser };
  /** The admin's own login password (for wp-login.php, as a person in a browser). */
  adminLoginPassword: string;
  /** '/%postname%/' (pretty) or '' (plain); changes take effect on the next request. */
  setPermalinkStructure(structure: string): void;
  /** Milliseconds spent in startWordPressSite, per step. */
  timings: Record<string, number>;
  stop(): Promise<void>;
}

function which(cmd: string, extra: string[] = []): string | null {
  for (const dir of [...(process.env.PATH ?? '').split(':'), ...extra]) {
    if (dir && existsSync(join(dir, cmd))) return join(dir, cmd);
  }
  return null;
}

function binaries() {
  const sbin = ['/usr/sbin', '/usr/local/sbin', '/sbin'];
  return {
    php: which('php'),
    mariadbd: which('mariadbd', sbin) ?? which('mysqld', sbin),
    installDb: which('mariadb-install-db', sbin) ?? which('mysql_install_db', sbin),
  };
}

/** What is missing to run a real WordPress here (empty when everything is there). */
export function wordpressMissing(): string[] {
  const b = binaries();
  const missing: string[] = [];
  if (!b.php) missing.push('php (php8.2-cli)');
  else {
    const mods = spawnSync(b.php, ['-m'], { encoding: 'utf8' }).stdout ?? '';
    if (!/^mysqli$/m.test(mods)) missing.push('the PHP mysqli extension (php8.2-mysql)');
  }
  if (!b.mariadbd) missing.push('mariadbd (mariadb-server)');
  if (!b.installDb) missing.push('mariadb-install-db (mariadb-server)');
  if (!existsSync(join(WORDPRESS_DIR, 'wp-includes', 'version.php'))) missing.push(`${WORDPRESS_DIR} (wordpress)`);
  return missing;
}


const phpString = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
const secret = () => randomBytes(24).toString('base64url');

function waitForOutput(child: ChildProcess, pattern: RegExp, what: string, timeoutMs: number, log: () => string): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (d: Buffer) => {
      seen += d.toString();
      if (pattern.test(seen)) done(null);
    };
    const onExit = (code: number | null) => done(new Error(`${what} exited (code ${code}) before it was ready:\n${log()}`));
    const timer = setTimeout(() => done(new Error(`${what} not ready after ${timeoutMs} ms:\n${log()}`)), timeoutMs);
    function done(err: Error | null) {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
      if (err) reject(err);
      else resolve();
    }
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
  });
}

async function waitForHttp(url: string, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      return;
    } catch (err) {
      if (Date.now() > until) throw new Error(`php -S did not answer at ${url}: ${String(err)}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** Signals a child; a `group` child (spawned detached) gets it on its whole process group (php -S workers). */
function signal(child: ChildProcess, sig: NodeJS.Signals, group: boolean) {
  try {
    if (group && child.pid) process.kill(-child.pid, sig);
    else child.kill(sig);
  } catch {
    // already gone
  }
}

function stopChild(child: ChildProcess | null, graceMs: number, group = false): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) {
    if (child && group) signal(child, 'SIGKILL', true); // workers outliving their parent
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const timer = setTimeout(() => signal(child, 'SIGKILL', group), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      if (group) signal(child, 'SIGKILL', true);
      resolve();
    });
    signal(child, 'SIGTERM', group);
  });
}

/** Runs a PHP file on the command line; its last stdout line must be JSON. Output is never printed (it holds passwords). */
function runPhp(php: string, file: string, cwd: string): unknown {
  const r = spawnSync(php, ['-d', 'display_errors=stderr', file], { cwd, encoding: 'utf8', timeout: 30_000 });
  const lines = (r.stdout ?? '').trim().split('\n');
  const last = lines[lines.length - 1] ?? '';
  if (r.status !== 0 || !last.startsWith('{')) {
    // stderr only: PHP's warnings and errors, not the JSON with the passwords.
    throw new Error(`php ${file} failed (exit ${r.status}): ${(r.stderr ?? '').slice(0, 2000)}`);
  }
  return JSON.parse(last);
}

export async function startWordPressSite(opts: { permalinks?: 'pretty' | 'plain' } = {}): Promise<WordPressSite> {
  const b = binaries();
  const missing = wordpressMissing();
  if (missing.length || !b.php || !b.mariadbd || !b.installDb) throw new Error(`cannot start WordPress, missing: ${missing.join(', ')} — ${INSTALL_HINT}`);
  const { php, mariadbd, installDb } = b;
  const timings: Record<string, number> = {};
  let t = performance.now();
  const lap = (name: string) => {
    const now = performance.now();
    timings[name] = Math.round(now - t);
    t = now;
  };

  // Short path: a unix socket path must stay under ~107 bytes.
  const root = mkdtempSync(join(tmpdir(), 'pb-wp-'));
  const dataDir = join(root, 'db');
  const socket = join(root, 'mysqld.sock');
  const docroot = join(root, 'site');
  let mysqld: ChildProcess | null = null;
  let server: ChildProcess | null = null;
  let mysqldLog = '';
  let serverLog = '';
  const killNow = () => {
    // Last resort if the test process exits without stop(): no orphaned servers.
    if (server) signal(server, 'SIGKILL', true);
    if (mysqld && mysqld.exitCode === null) signal(mysqld, 'SIGKILL', false);
  };
  process.once('exit', killNow);

  const stop = async () => {
    process.off('exit', killNow);
    await Promise.all([stopChild(server, 3000, true), stopChild(mysqld, 10_000)]);
    rmSync(root, { recursive: true, force: true });
  };

  try {
    const asRoot = process.getuid?.() === 0;
    const runAs = asRoot ? ['--user=root'] : [`--user=${userInfo().username}`];
    const dbPassword = secret();

    // 1. MariaDB: a fresh datadir, then our own server on a socket, database + user made by --init-file.
    const init = spawnSync(
      installDb,
      ['--no-defaults', `--datadir=${dataDir}`, '--auth-root-authentication-method=normal', '--skip-test-db', ...runAs],
      { encoding: 'utf8', timeout: 60_000 },
    );
    if (init.status !== 0) throw new Error(`mariadb-install-db failed: ${init.stdout}\n${init.stderr}`);
    lap('mariadbInstallDb');
    const initSql = join(root, 'init.sql');
    writeFileSync(
      initSql,
      [
        'CREATE DATABASE wordpress CHARACTER SET utf8mb4;',
        `CREATE USER 'wordpress'@'localhost' IDENTIFIED BY '${dbPassword}';`,
        "GRANT ALL PRIVILEGES ON wordpress.* TO 'wordpress'@'localhost';",
        '',
      ].join('\n'),
      { mode: 0o600 },
    );
    mysqld = spawn(
      mariadbd,
      [
        '--no-defaults',
        `--datadir=${dataDir}`,
        `--socket=${socket}`,
        `--pid-file=${join(root, 'mysqld.pid')}`,
        '--skip-networking',
        '--skip-log-bin',
        '--innodb-buffer-pool-size=32M',
        `--init-file=${initSql}`,
        ...runAs,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    mysqld.stdout?.on('data', (d: Buffer) => (mysqldLog += d.toString()));
    mysqld.stderr?.on('data', (d: Buffer) => (mysqldLog += d.toString()));
    const mysqldReady = waitForOutput(mysqld, /ready for connections/, 'mariadbd', 30_000, () => mysqldLog.slice(-3000));

    // 2. The site's files (while MariaDB starts): a copy of Debian's WordPress with our own wp-config.php.
    const port = await freePort();
    const siteUrl = `http://127.0.0.1:${port}`;
    cpSync(WORDPRESS_DIR, docroot, { recursive: true });
    const keys = ['AUTH_KEY', 'SECURE_AUTH_KEY', 'LOGGED_IN_KEY', 'NONCE_KEY', 'AUTH_SALT', 'SECURE_AUTH_SALT', 'LOGGED_IN_SALT', 'NONCE_SALT'];
    writeFileSync(
      join(docroot, 'wp-config.php'),
      `<?php
// Written by e2e/real/wordpress-site.ts for a throw-away test site.
define('DB_NAME', 'wordpress');
define('DB_USER', 'wordpress');
define('DB_PASSWORD', ${phpString(dbPassword)});
define('DB_HOST', ${phpString(`localhost:${socket}`)});
define('DB_CHARSET', 'utf8mb4');
define('DB_COLLATE', '');
${keys.map((k) => `define('${k}', ${phpString(secret())});`).join('\n')}
$table_prefix = 'wp_';
define('WP_ENVIRONMENT_TYPE', 'local');   // application passwords over plain http
define('WP_HOME', ${phpString(siteUrl)});
define('WP_SITEURL', ${phpString(siteUrl)});
define('AUTOMATIC_UPDATER_DISABLED', true);
define('WP_AUTO_UPDATE_CORE', false);
define('DISABLE_WP_CRON', true);
define('WP_HTTP_BLOCK_EXTERNAL', true);   // no calls to wordpress.org from a test
define('WP_DEBUG', false);
if (!defined('ABSPATH')) define('ABSPATH', __DIR__ . '/');
require_once ABSPATH . 'wp-settings.php';
`,
      { mode: 0o600 },
    );
    const version = /\$wp_version\s*=\s*'([^']+)'/.exec(readFileSync(join(docroot, 'wp-includes', 'version.php'), 'utf8'))?.[1] ?? 'unknown';
    // Pretty permalinks under php -S: real files are served as they are, everything else goes to index.php.
    const router = join(root, 'router.php');
    writeFileSync(
      router,
      `<?php
$root = $_SERVER['DOCUMENT_ROOT'];
$path = urldecode(parse_url($_SERVER['REQUEST_URI'], PHP_URL_PATH) ?? '/');
if ($path !== '/' && (is_file($root . $path) || is_file(rtrim($root . $path, '/') . '/index.php'))) return false;
$_SERVER['SCRIPT_NAME'] = '/index.php';
$_SERVER['PHP_SELF'] = '/index.php';
$_SERVER['SCRIPT_FILENAME'] = $root . '/index.php';
chdir($root);
require $root . '/index.php';
`,
    );
    lap('copySite');
    await mysqldReady;
    lap('mariadbStart');

    // 3. Install WordPress (the same wp_install the install screen calls), no mail.
    const adminLogin = secret();
    const cliHeader = `<?php
$_SERVER['HTTP_HOST'] = ${phpString(`127.0.0.1:${port}`)};
$_SERVER['SERVER_NAME'] = '127.0.0.1';
$_SERVER['REQUEST_URI'] = '/';
$_SERVER['REQUEST_METHOD'] = 'GET';
`;
    writeFileSync(
      join(root, 'install.php'),
      `${cliHeader}define('WP_INSTALLING', true);
require ${phpString(join(docroot, 'wp-load.php'))};
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
function wp_new_blog_notification($blog_title, $blog_url, $user_id, $password) {}
$r = wp_install('Plugboard test site', 'admin', 'admin@example.test', false, '', ${phpString(adminLogin)});
echo "\\n", json_encode(['userId' => $r['user_id']]), "\\n";
`,
    );
    runPhp(php, join(root, 'install.php'), root);
    lap('wpInstall');

    // 4. A subscriber (cannot publish), application passwords for both, the permalink structure.
    writeFileSync(
      join(root, 'users.php'),
      `${cliHeader}require ${phpString(join(docroot, 'wp-load.php'))};
$out = [];
$sub = wp_insert_user(['user_login' => 'subscriber', 'user_pass' => ${phpString(secret())}, 'user_email' => 'subscriber@example.test', 'role' => 'subscriber', 'display_name' => 'Sub Scriber']);
if (is_wp_error($sub)) { fwrite(STDERR, $sub->get_error_message()); exit(1); }
foreach (['admin' => get_user_by('login', 'admin')->ID, 'subscriber' => $sub] as $k => $id) {
  $p = WP_Application_Passwords::create_new_application_password($id, ['name' => 'Plugboard']);
  if (is_wp_error($p)) { fwrite(STDERR, $p->get_error_message()); exit(1); }
  $out[$k] = ['id' => $id, 'username' => get_userdata($id)->user_login, 'appPassword' => WP_Application_Passwords::chunk_password($p[0])];
}
global $wp_rewrite;
$wp_rewrite->set_permalink_structure(${phpString(opts.permalinks === 'plain' ? '' : '/%postname%/')});
flush_rewrite_rules(false);
echo "\\n", json_encode($out), "\\n";
`,
    );
    const users = runPhp(php, join(root, 'users.php'), root) as WordPressSite['users'];
    rmSync(join(root, 'users.php'));
    rmSync(join(root, 'install.php'));
    lap('usersAndAppPasswords');

    // 5. Serve it on loopback only.
    server = spawn(php, ['-S', `127.0.0.1:${port}`, '-t', docroot, router], {
      cwd: docroot,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Workers are forked children: the server gets its own process group so stop() ends them all.
      detached: true,
      env: { ...process.env, PHP_CLI_SERVER_WORKERS: '4' },
    });
    server.stdout?.on('data', (d: Buffer) => (serverLog = (serverLog + d.toString()).slice(-5000)));
    server.stderr?.on('data', (d: Buffer) => (serverLog = (serverLog + d.toString()).slice(-5000)));
    await waitForHttp(`${siteUrl}/wp-includes/images/blank.gif`, 10_000);
    lap('phpServer');

    const setPermalinkStructure = (structure: string) => {
      const f = join(root, 'permalinks.php');
      writeFileSync(
        f,
        `${cliHeader}require ${phpString(join(docroot, 'wp-load.php'))};
global $wp_rewrite;
$wp_rewrite->set_permalink_structure(${phpString(structure)});
flush_rewrite_rules(false);
echo "\\n", json_encode(['ok' => get_option('permalink_structure')]), "\\n";
`,
      );
      runPhp(php, f, root);
    };

    return { siteUrl, version, users, adminLoginPassword: adminLogin, setPermalinkStructure, timings, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
