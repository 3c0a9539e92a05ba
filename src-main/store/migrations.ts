// Numbered migrations; PRAGMA user_version holds the last one applied.
// Append only: a shipped migration is never edited.
export const migrations: readonly string[] = [
  // 1: the first schema. `workspace_id` is there from the start (F11).
  `
  CREATE TABLE workspaces (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  INSERT INTO workspaces (id, name, created_at) VALUES ('default', 'My workspace', CAST(unixepoch('subsec') * 1000 AS INTEGER));

  CREATE TABLE vault (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    wrapper TEXT NOT NULL,
    wrapped BLOB NOT NULL,
    created_at INTEGER NOT NULL
  );

  CREATE TABLE secrets (
    owner TEXT NOT NULL,
    field TEXT NOT NULL,
    sealed BLOB NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (owner, field)
  ) WITHOUT ROWID;

  CREATE TABLE app_credentials (
    platform TEXT PRIMARY KEY,
    client_id TEXT NOT NULL,
    has_secret INTEGER NOT NULL,
    saved_at INTEGER NOT NULL
  );

  CREATE TABLE accounts (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    platform TEXT NOT NULL,
    platform_user_id TEXT NOT NULL,
    handle TEXT NOT NULL,
    display_name TEXT NOT NULL,
    avatar TEXT,
    scopes TEXT NOT NULL DEFAULT '',
    details TEXT NOT NULL DEFAULT '{}',
    token_expires_at INTEGER,
    connection_expires_at INTEGER,
    last_synced_at INTEGER,
    last_error_kind TEXT,
    last_error_message TEXT,
    last_error_at INTEGER,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (workspace_id, platform, platform_user_id)
  );

  CREATE TABLE activity (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id TEXT NOT NULL,
    workspace_id TEXT NOT NULL,
    platform TEXT NOT NULL,
    kind TEXT NOT NULL,
    detail TEXT,
    at INTEGER NOT NULL
  );
  CREATE INDEX activity_by_account ON activity (account_id, at);
  `,
  // 2: when the current token was obtained (the scheduler renews at 10% of its lifetime before expiry),
  // and the memory of notices sent, so each fires once per account, threshold and deadline across restarts.
  `
  ALTER TABLE accounts ADD COLUMN token_obtained_at INTEGER;
  UPDATE accounts SET token_obtained_at = last_synced_at;

  CREATE TABLE notices (
    account_id TEXT NOT NULL,
    threshold TEXT NOT NULL,
    deadline INTEGER NOT NULL,
    workspace_id TEXT NOT NULL,
    platform TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    sent_at INTEGER NOT NULL,
    read_at INTEGER,
    PRIMARY KEY (account_id, threshold, deadline)
  );
  CREATE INDEX notices_by_time ON notices (sent_at);
  `,
  // 3: where the cached avatar came from, so a profile re-read fetches the picture again only when it changed.
  `
  ALTER TABLE accounts ADD COLUMN avatar_url TEXT;
  `,
  // 4: the way in when a platform has two (an Instagram account reached through a Facebook Page), and how
  // this account renews when that differs from its platform (a LinkedIn app approved for refresh tokens).
  `
  ALTER TABLE accounts ADD COLUMN via TEXT;
  ALTER TABLE accounts ADD COLUMN renewal TEXT;
  `,
  // 5: notices about the whole installation rather than one account (every account was exported). The
  // account notices' key is (account, threshold, deadline) and each fires once; these have none of that.
  `
  CREATE TABLE app_notices (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    sent_at INTEGER NOT NULL,
    read_at INTEGER
  );
  CREATE INDEX app_notices_by_time ON app_notices (sent_at);
  `,
  // 6: tools the user paired with the gateway. Only a hash of each key is kept; a tool's grants end with its
  // workspace, and an account it was granted leaves its list when the account is disconnected.
  `
  CREATE TABLE tools (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    all_accounts INTEGER NOT NULL,
    capabilities TEXT NOT NULL,
    paired_at INTEGER NOT NULL,
    last_used_at INTEGER,
    last_used_account TEXT,
    last_used_what TEXT
  );
  CREATE TABLE tool_accounts (
    tool_id TEXT NOT NULL REFERENCES tools (id) ON DELETE CASCADE,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    PRIMARY KEY (tool_id, account_id)
  );
  `,
  // 7: posts published through Plugboard and what each account made of them. A result keeps the account's platform
  // and handle as they were, so the history outlives a Disconnect; a workspace's posts go with it.
  `
  CREATE TABLE posts (
    id TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    at INTEGER NOT NULL,
    by_kind TEXT NOT NULL,
    by_tool_id TEXT,
    by_name TEXT,
    text TEXT NOT NULL,
    link TEXT,
    draft INTEGER NOT NULL
  );
  CREATE INDEX posts_by_workspace ON posts (workspace_id, at);
  CREATE TABLE post_results (
    post_id TEXT NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    account_id TEXT NOT NULL,
    platform TEXT NOT NULL,
    handle TEXT NOT NULL,
    outcome TEXT NOT NULL,
    platform_post_id TEXT,
    url TEXT,
    message TEXT,
    at INTEGER NOT NULL,
    PRIMARY KEY (post_id, account_id)
  ) WITHOUT ROWID;
  CREATE INDEX post_results_by_account ON post_results (account_id);
  `,
  // 8: a notice whose condition ended (the account renewed, was reconnected or disconnected) stays in the list,
  // marked resolved, so the user sees that it no longer needs them and why.
  `
  ALTER TABLE notices ADD COLUMN resolved_at INTEGER;
  ALTER TABLE notices ADD COLUMN resolved_how TEXT;
  `,
];
