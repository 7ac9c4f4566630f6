/**
 * The dependency rule of servicebus-rx (docs/architecture.md), checked by `npm run check:deps`
 * (part of `npm test`).
 *
 * - The client is a stack of folders under src/; a folder imports only from folders listed
 *   before it in CLIENT_LAYERS (lowest first). Sub-folders belong to their top folder's layer.
 * - The broker (src/emulator/) is a separate tree: it never imports the client, and the client
 *   never imports it. Only src/cli/ (the top) may import both.
 * - No folder-level import cycle anywhere in src/.
 */
/** @type {string[]} the client stack, lowest first */
const CLIENT_LAYERS = ['errors', 'observability', 'time', 'retry', 'auth', 'entity', 'amqp', 'lock', 'session', 'pool', 'client', 'cli'];

const CLIENT_TREE = `^src/(${CLIENT_LAYERS.filter((l) => l !== 'cli').join('|')})/|^src/index\\.ts$`;

/**
 * Known type-only cycles inside the broker tree (src/emulator/connection ↔ src/emulator/links,
 * entities/Consumer ↔ entities/MessageSession) as they were when this rule was introduced; the
 * broker's owners remove them, then delete these exceptions. Anything else that forms a cycle fails.
 */
const KNOWN_BROKER_CYCLE_FOLDERS = '^src/emulator/(connection|links)$';
const KNOWN_BROKER_CYCLE_MODULES =
  '^src/emulator/(connection/BrokerConnection|links/DeliveryLink|entities/Consumer|entities/MessageSession)\\.ts$';

/** One rule per layer: it may not import any layer above it. */
const upwardRules = CLIENT_LAYERS.slice(0, -1).map((layer, i) => ({
  name: `layer-${layer}-imports-only-downward`,
  comment: `src/${layer}/ may import only from layers below it (${CLIENT_LAYERS.slice(0, i).join(', ') || 'none'}); see docs/architecture.md`,
  severity: 'error',
  from: { path: `^src/${layer}/` },
  to: { path: `^src/(${CLIENT_LAYERS.slice(i + 1).join('|')})/|^src/index\\.ts$` },
}));

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-folder-cycle',
      comment: 'Folders in src/ import each other in a cycle; move the shared piece down a layer (docs/architecture.md).',
      severity: 'error',
      scope: 'folder',
      from: { path: '^src/', pathNot: KNOWN_BROKER_CYCLE_FOLDERS },
      to: { circular: true },
    },
    {
      name: 'no-module-cycle',
      comment: 'Modules in src/ import each other in a cycle.',
      severity: 'error',
      from: { path: '^src/', pathNot: KNOWN_BROKER_CYCLE_MODULES },
      to: { circular: true },
    },
    {
      name: 'client-never-imports-emulator',
      comment: 'The client tree must not import the broker (src/emulator/); only src/cli/ may use both.',
      severity: 'error',
      from: { path: CLIENT_TREE },
      to: { path: '^src/emulator/' },
    },
    {
      name: 'emulator-never-imports-client',
      comment: 'The broker (src/emulator/) is a separate tree: it must not import anything in src/ outside src/emulator/.',
      severity: 'error',
      from: { path: '^src/emulator/' },
      to: { path: '^src/', pathNot: '^src/emulator/' },
    },
    {
      name: 'rhea-internals-through-their-index',
      comment: "The client's reliance on rhea internals goes through src/amqp/rhea/index.ts (its contract tests are in test/contracts/).",
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/amqp/rhea/' },
      to: { path: '^src/amqp/rhea/', pathNot: '^src/amqp/rhea/index\\.ts$' },
    },
    ...upwardRules,
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|build)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.json'] },
  },
};
