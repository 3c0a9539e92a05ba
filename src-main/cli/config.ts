// Where the command keeps the keys Plugboard gave it: one JSON file, owner-only (0600 in a 0700 folder), in the
// user's config folder beside Plugboard's data folder rather than in it (the app owns that one). Keys are kept
// per socket, so two Plugboards (two data folders) never get each other's key; `plugboard mcp` keeps one per
// assistant besides, since each assistant pairs under its own name. PLUGBOARD_KEY overrides.
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { defaultDataDir } from '../host/data-dir.ts';
import { EXIT } from '../gateway/protocol.ts';
import { CliFailure } from './failure.ts';

export interface SavedKey {
  key: string;
  tool: string;
  toolId: string;
  pairedAt: string;
}

interface ConfigFile {
  keys: Record<string, SavedKey>;
  /** `plugboard mcp`'s keys: per socket, per the name the assistant paired under. */
  assistants: Record<string, Record<string, SavedKey>>;
}

const asRecord = <T>(v: unknown): Record<string, T> => (v && typeof v === 'object' ? (v as Record<string, T>) : {});

/** ~/.config/plugboard-cli/config.json, ~/Library/Application Support/plugboard-cli/config.json, %APPDATA%\plugboard-cli\config.json. */
export function configFile(): string {
  return join(dirname(defaultDataDir()), 'plugboard-cli', 'config.json');
}

function read(file: string): ConfigFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { keys: {}, assistants: {} };
    throw new CliFailure(EXIT.failed, `Cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}.`);
  }
  try {
    const parsed = JSON.parse(text) as Partial<ConfigFile>;
    return { keys: asRecord(parsed.keys), assistants: asRecord(parsed.assistants) };
  } catch {
    throw new CliFailure(EXIT.failed, `${file} is not valid JSON: delete it and run \`plugboard pair\` again.`);
  }
}

export function saveKey(file: string, socket: string, saved: SavedKey): void {
  const config = read(file);
  config.keys[socket] = saved;
  write(file, config);
}

/** Keeps an assistant's key (null forgets it: revoked in Plugboard). */
export function saveAssistantKey(file: string, socket: string, name: string, saved: SavedKey | null): void {
  const config = read(file);
  const ofSocket = asRecord<SavedKey>(config.assistants[socket]);
  if (saved) ofSocket[name] = saved;
  else delete ofSocket[name];
  config.assistants[socket] = ofSocket;
  write(file, config);
}

export function assistantKey(file: string, socket: string, name: string): string | null {
  return asRecord<SavedKey>(read(file).assistants[socket])[name]?.key ?? null;
}

function write(file: string, config: ConfigFile): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  // Written aside and renamed: a crash never leaves half a file, and the new file is 0600 from its first byte.
  const aside = `${file}.${process.pid}.tmp`;
  writeFileSync(aside, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600, flag: 'w' });
  chmodSync(aside, 0o600);
  renameSync(aside, file);
}

/** The key to present on this socket: PLUGBOARD_KEY, else the one saved when pairing with it. */
export function keyFor(env: NodeJS.ProcessEnv, file: string, socket: string): string {
  if (env.PLUGBOARD_KEY) return env.PLUGBOARD_KEY;
  const saved = read(file).keys[socket];
  if (!saved?.key) throw new CliFailure(EXIT.notAllowed, `This command is not paired with the Plugboard on ${socket}: run \`plugboard pair --name <name>\` first, or set PLUGBOARD_KEY.`);
  return saved.key;
}
