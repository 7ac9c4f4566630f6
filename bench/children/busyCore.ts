/**
 * The CPU-contention variant's neighbour: keeps one core busy (a tight loop of real work) until it
 * is killed. Reports {type:'ready'} first so the measured run starts under load.
 */
process.send!({ type: 'ready' });
let sink = 0;
setImmediate(() => {
  for (;;) sink = (sink * 31 + 7) % 1_000_003;
});
