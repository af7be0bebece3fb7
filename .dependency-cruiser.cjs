// Dependency rules from ARCHITECTURE.md, checked by `npm test` (npm run deps).
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      severity: 'error',
      comment: 'Modules form a DAG.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'store-never-imports-a-protocol',
      severity: 'error',
      comment: 'The store speaks its own language; protocols encode (WildDuck on-fetch.js is the thing to avoid).',
      from: { path: '^src/store/' },
      to: { path: '^src/(lmtp|imap|pop3|delivery|net|sasl|cli)/' },
    },
    {
      name: 'protocols-never-import-each-other',
      severity: 'error',
      from: { path: '^src/(lmtp|imap|pop3)/' },
      to: { path: '^src/(lmtp|imap|pop3)/', pathNot: '^src/$1/' },
    },
    {
      name: 'protocols-use-the-store-interface-only',
      severity: 'error',
      comment: 'Only main.ts and cli/ wire the SQLite implementation in.',
      from: { path: '^src/(lmtp|imap|pop3|delivery|sasl|net|tls)/' },
      to: { path: '^src/store/sqlite/' },
    },
    {
      name: 'pure-modules-import-no-io',
      severity: 'error',
      comment: 'mime/ and imap/protocol/ are pure: bytes in, typed values out.',
      from: { path: '^src/(mime|imap/protocol)/' },
      to: {
        path: '^(node:)?(net|tls|fs|fs/promises|child_process|dgram|dns|http|https|worker_threads)$|better-sqlite3|^src/(store|net|tls|log|config|cli|sasl|delivery)/',
      },
    },
    {
      name: 'lower-layers-do-not-import-upper',
      severity: 'error',
      comment: 'net/, tls/, sasl/, config/, log/ never reach up into protocols, delivery or the CLI.',
      from: { path: '^src/(net|tls|sasl|config|log)/' },
      to: { path: '^src/(lmtp|imap|pop3|delivery|cli|main)' },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js'] },
    moduleSystems: ['es6', 'cjs'],
  },
};
