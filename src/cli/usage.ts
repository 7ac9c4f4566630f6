/** Help of `servicebus-rx` itself. */
export const mainUsage = `Usage: servicebus-rx <command> [options]

Commands:
  emulator   run the embedded Service-Bus-compatible AMQP broker (servicebus-rx emulator --help)
  demo       run the session demo (servicebus-rx demo --help)

Options:
  -h, --help     show this help
  -v, --version  print the version
`;

/** Help of `servicebus-rx emulator`. */
export const emulatorUsage = `Usage: servicebus-rx emulator [--port N] [--host H] [--config FILE] [--sas-key-name NAME --sas-key KEY | --sas-keys-file FILE]
                             [--http-port N]

Runs the embedded Service-Bus-compatible AMQP 1.0 broker until SIGINT or SIGTERM.
Once listening it prints exactly one line on stdout, the connection string:
  Endpoint=sb://localhost:PORT;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true;
Logs, warnings and the inspector's URL go to stderr. The same port also serves HTTP: the
administration API (ServiceBusAdministrationClient) and the inspector page at /.

Options:
  --port N       TCP port, 0 to pick a free one (default 5672)
  --host H       interface to listen on (default 127.0.0.1; 0.0.0.0 to expose it)
  --config FILE  queues and topics from a Config.json in the official emulator's format
                 (default queues: queue.1, session.1 and orders)
  --sas-key-name NAME, --sas-key KEY
                 the SAS key (Manage rights) clients must sign tokens with
                 (default RootManageSharedAccessKey / SAS_KEY_VALUE)
  --sas-keys-file FILE
                 several keys with rights, as JSON:
                 [{"name": "listen", "key": "...", "rights": ["Listen"]}, ...]
  --http-port N  also serve HTTP on a port of its own (the official emulator uses 5300)
  -h, --help     show this help

Exit codes: 0 after a clean stop, 1 invalid configuration or start failure, 2 bad command line.
`;
