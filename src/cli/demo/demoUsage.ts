/** Help of `servicebus-rx demo`. */
export const demoUsage = `Usage: servicebus-rx demo [--duration SECONDS] [--sessions N] [--messages N] [--plain]

Starts the embedded broker in-process, sends orders grouped by customer (one session per
customer: order-created, item-added…, order-submitted) and processes them with a session pool,
auto-renewing locks. One customer is handled by a deliberately slow worker whose renewal budget
runs out: its lock is lost and its messages are redelivered to another worker.
Ends with a summary that checks nothing was lost. Ctrl-C ends it early, with a summary that lists
the messages not processed yet (still in the queue) and checks that against the broker.

Options:
  --duration SECONDS  how long orders keep arriving, 1..300 (default 12)
  --sessions N        customers, one session each, 1..100 (default 16)
  --messages N        messages per customer, 2..50 (default 6)
  --plain             plain progress lines even on a terminal
  -h, --help          show this help

Exit codes: 0 all messages completed or dead-lettered, 1 something was lost or failed, 2 bad command line,
130 stopped with Ctrl-C (SIGINT), 143 stopped with SIGTERM.
`;
