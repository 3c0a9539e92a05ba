// What `plugboard help` and `--help` print: the commands, their options, and what the exit codes mean.

export const OVERVIEW = `plugboard: use the accounts connected in Plugboard from your own tools.

Usage:
  plugboard pair --name NAME [--description TEXT]    ask Plugboard to let this command in (answer in its window)
  plugboard accounts                                 the accounts you gave it: handle, platform, status, expiry
  plugboard request ACCOUNT METHOD PATH|URL [--data @file|@-|TEXT] [-H 'Name: value']... [-i]
                                                     call the platform's API; Plugboard adds a fresh token
  plugboard token ACCOUNT                            print a fresh access token (only if you allowed that)
  plugboard exec --account ACCOUNT... -- CMD [ARGS]  run CMD with PLUGBOARD_<PLATFORM>_TOKEN in its environment
  plugboard post --to ACCOUNT... TEXT [--link URL] [--draft]
                                                     publish one post to those accounts (you confirm it in Plugboard)
  plugboard mcp                                      serve your accounts to an AI assistant over MCP (stdio)
  plugboard help [COMMAND] | plugboard --version

ACCOUNT is platform:@handle (x:@alice), platform:handle, or the account's id. --json gives scripts JSON.

Exit codes: 0 done, 2 usage, 3 not paired or not allowed (or you declined the post), 4 Plugboard not
running or locked, 5 the platform refused (request: it answered 400 or more), 6 post: not every account
posted, 1 anything else.

Plugboard is found at PLUGBOARD_SOCKET, else the socket in PLUGBOARD_DATA_DIR, else in the default data
folder. The key from pairing is kept per socket in the file \`plugboard help pair\` names; PLUGBOARD_KEY overrides it.
`;

export const COMMAND_HELP: Record<string, (configFile: string) => string> = {
  pair: (configFile) => `Usage: plugboard pair --name NAME [--description TEXT] [--no-save] [--json]

Asks Plugboard to let this command in. Plugboard's window shows NAME and TEXT; you choose which accounts and
what it may do there. The command waits for your answer (up to 5 minutes; Ctrl-C takes the request back),
prints what you allowed and keeps the key, owner-only, in
  ${configFile}
one key per Plugboard (per socket). Pairing again under another name replaces the key kept for that socket.
--json prints Plugboard's answer, key included, for a script that keeps its own; --no-save keeps nothing.
`,
  accounts: () => `Usage: plugboard accounts [--json]

The accounts this command was given: account (platform:@handle), platform, status, and when the current
access token ends. --json prints them as an array for scripts. Never shows a token.
`,
  request: () => `Usage: plugboard request ACCOUNT METHOD PATH|URL [--data @FILE | --data @- | --data TEXT] [-H 'Name: value']... [-i] [--json]

Calls the platform's API as ACCOUNT: Plugboard renews the token if it is due, adds it, and streams the reply
to stdout. PATH is relative to the platform's API base (/2/users/me); a full URL must be on one of its API
origins. --data @FILE streams a file, @- streams stdin. -H adds a header (Authorization and Cookie are
dropped by Plugboard). -i/--include prints the status line and headers first, as curl -i does.
--json prints {status, headers, body} (read whole) instead.
If the platform answers 400 or more, its reply is still printed, and the exit code is 5.
`,
  token: () => `Usage: plugboard token ACCOUNT [--json]

Prints a fresh access token for ACCOUNT and nothing else, so $(plugboard token x:@alice) is the token.
Only if you allowed this command to read tokens when pairing; each read is on the account's record.
Never a refresh token or an app password. --json adds the account and the token's expiry.
`,
  exec: () => `Usage: plugboard exec --account ACCOUNT [--account ACCOUNT]... -- CMD [ARGS...]

Runs CMD with a fresh access token per account in its environment, named for the platform:
PLUGBOARD_X_TOKEN, PLUGBOARD_LINKEDIN_TOKEN... The tokens are in CMD's environment only, for this run;
PLUGBOARD_KEY is not passed on. Two accounts of the same platform would share a name, so that is refused:
run one command per account. Needs the same permission as \`plugboard token\`.
Exits with CMD's exit code (127 if CMD is not found, 128+N if a signal N ended it).
`,
  post: () => `Usage: plugboard post --to ACCOUNT [--to ACCOUNT]... TEXT|- [--link URL] [--draft] [--json]

Publishes TEXT (- reads it from stdin) to each ACCOUNT. Plugboard shows the post, exactly as it will go out,
in its window, and the command waits for you to confirm it there (up to 10 minutes; Ctrl-C takes it back),
unless you allowed this command to publish unattended when pairing. Each platform's rules are checked first.
--link adds a link (in the text or beside it, as each platform takes it); --draft keeps a WordPress post as a draft.
Prints one line per account:
  posted     x:@alice  https://x.com/alice/status/…
  refused    x:@alice: the platform's reason
  not tried  x:@alice: why Plugboard did not send it (a rule of the platform, an account to reconnect)
  unknown    x:@alice: it was sent and the answer lost; how to check before posting again
--json prints the post with its results instead. Exits 0 when every account posted, 6 when some did not,
3 when you declined the post in Plugboard or did not answer in time. Needs the publish permission.
`,
  mcp: (configFile) => `Usage: plugboard mcp

An MCP server on stdin/stdout for an AI assistant (Claude Desktop, an IDE…): add it to the assistant's
mcpServers as {"command": "plugboard", "args": ["mcp"]}. The first time an assistant starts it, Plugboard asks
you in its window to pair it, named after the assistant ("Claude Desktop (MCP)"); its key is kept in
  ${configFile}
Its tools: list_accounts, account_status, publish_post (each post is shown in Plugboard for you to confirm
unless you allowed unattended publishing), and platform_request if you allowed calling platform APIs.
It writes nothing but the protocol on stdout; its messages go to stderr.
`,
  help: () => OVERVIEW,
};
