// Run first by the npm scripts that start TypeScript with Node's type stripping (Node 22.18 or newer).
// npm puts the Node pinned in devDependencies (the `node` package) first on every script's PATH, so the
// machine's own Node does not matter, unless that package's install script did not run. Then the
// script's Node is the machine's, and this says so in one sentence instead of ERR_UNKNOWN_FILE_EXTENSION.
// CommonJS without newer syntax, so that any Node can run it and refuse.
'use strict';
var fs = require('fs');
var path = require('path');

var NEEDED = [22, 18];

/** null when `version` strips types; otherwise the sentence to print. */
function refusal(version, root) {
  var parts = version.replace(/^v/, '').split('.').map(Number);
  if (parts[0] > NEEDED[0] || (parts[0] === NEEDED[0] && parts[1] >= NEEDED[1])) return null;
  var pinned = require(path.join(root, 'package.json')).devDependencies.node;
  var pkg = path.join(root, 'node_modules', 'node');
  // The package ships no binary: its install script fetches one into bin/.
  var fix = !fs.existsSync(path.join(pkg, 'package.json'))
    ? '`npm install` puts the pinned Node ' + pinned + ' first on their PATH'
    : !fs.existsSync(path.join(pkg, 'bin'))
      ? '`npm rebuild node` runs the install script of the pinned Node ' + pinned + ', which was skipped'
      : 'the pinned Node ' + pinned + ' is installed, so start them with `npm run`, which puts it first on their PATH';
  return 'Plugboard\'s scripts need Node ' + NEEDED.join('.') + ' or newer and found Node ' + version.replace(/^v/, '') + ': ' + fix + '.';
}

module.exports = { refusal: refusal };

if (require.main === module) {
  var sentence = refusal(process.version, path.join(__dirname, '..'));
  if (sentence) {
    console.error(sentence);
    process.exit(1);
  }
}
