/**
 * The CLI's key options and its warning when the broker is exposed beyond loopback: run in-process with
 * captured output, stopped once the connection string is printed, and used with the official SDK.
 */
import { ServiceBusClient } from '@azure/service-bus';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliIo } from '../../src/cli/CliIo';
import { main } from '../../src/cli/main';
import { errorOf } from './sdkHarness';

/** Runs `servicebus-rx emulator …`, calls `use` with the printed connection string, then stops it. */
async function runEmulator(args: string[], use: (connectionString: string) => Promise<void>): Promise<{ code: number; err: string }> {
  let out = '';
  let err = '';
  let stop: (signal: NodeJS.Signals) => void = () => undefined;
  let printed: (line: string) => void = () => undefined;
  const line = new Promise<string>((resolve) => (printed = resolve));
  const io: CliIo = {
    out: (text) => {
      out += text;
      if (out.endsWith('\n')) printed(out.trim());
    },
    err: (text) => void (err += text),
    nextStopSignal: () => new Promise((resolve) => (stop = resolve)),
  };
  const running = main(['emulator', '--port', '0', ...args], io);
  const result = await Promise.race([running.then((code) => ({ code, line: undefined })), line.then((l) => ({ code: undefined, line: l }))]);
  if (result.line !== undefined) {
    try {
      await use(result.line);
    } finally {
      stop('SIGTERM');
    }
  }
  return { code: await running, err };
}

describe('servicebus-rx emulator: keys and exposure', () => {
  it('serves with --sas-key-name / --sas-key and refuses the default key', async () => {
    const { code, err } = await runEmulator(['--sas-key-name', 'Mine', '--sas-key', 's3cret'], async (connectionString) => {
      expect(connectionString).toContain('SharedAccessKeyName=Mine;SharedAccessKey=s3cret;');
      const ok = new ServiceBusClient(connectionString);
      const wrong = new ServiceBusClient(connectionString.replace('SharedAccessKeyName=Mine;SharedAccessKey=s3cret', 'SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE'), {
        retryOptions: { maxRetries: 0 },
      });
      try {
        await ok.createSender('queue.1').sendMessages({ body: 'mine' });
        expect((await errorOf(wrong.createSender('queue.1').sendMessages({ body: 'x' }))).code).toBe('UnauthorizedAccess');
      } finally {
        await Promise.all([ok.close(), wrong.close()]);
      }
    });
    expect(code).toBe(0);
    expect(err).not.toContain('reachable from other machines');
  });

  it('reads keys with rights from --sas-keys-file, and warns when listening on all interfaces', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sbrx-keys-')), 'keys.json');
    writeFileSync(file, JSON.stringify([{ name: 'admin', key: 'a-key' }, { name: 'reader', key: 'r-key', rights: ['Listen'] }]));
    const { code, err } = await runEmulator(['--host', '0.0.0.0', '--sas-keys-file', file], async (connectionString) => {
      expect(connectionString).toContain('SharedAccessKeyName=admin;SharedAccessKey=a-key;');
      const reader = new ServiceBusClient(connectionString.replace('SharedAccessKeyName=admin;SharedAccessKey=a-key', 'SharedAccessKeyName=reader;SharedAccessKey=r-key'), {
        retryOptions: { maxRetries: 0 },
      });
      try {
        expect((await errorOf(reader.createSender('queue.1').sendMessages({ body: 'x' }))).code).toBe('UnauthorizedAccess');
      } finally {
        await reader.close();
      }
    });
    expect(code).toBe(0);
    expect(err).toContain('reachable from other machines');
    expect(err).toMatch(/From another machine: Endpoint=sb:\/\/[^;]+:\d+;SharedAccessKeyName=admin;/);
  });

  it('exits 1 naming the problem for a keys file with a bad right', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sbrx-keys-')), 'keys.json');
    writeFileSync(file, JSON.stringify([{ name: 'x', key: 'y', rights: ['Admin'] }]));
    const { code, err } = await runEmulator(['--sas-keys-file', file], async () => undefined);
    expect(code).toBe(1);
    expect(err).toContain('sasKeys[0].rights');
  });
});

describe('servicebus-rx emulator: keys from the config file (UserConfig.SharedAccessKeys)', () => {
  it('uses the keys of the config file, without an unknown-property warning', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sbrx-keys-')), 'Config.json');
    writeFileSync(
      file,
      JSON.stringify({
        UserConfig: {
          Namespaces: [{ Name: 'ns', Queues: [{ Name: 'q', Properties: {} }] }],
          SharedAccessKeys: [{ Name: 'cfg', Key: 'cfg-key', Rights: ['Manage'] }, { Name: 'ro', Key: 'ro-key', Rights: ['Listen'] }],
        },
      }),
    );
    const { code, err } = await runEmulator(['--config', file], async (connectionString) => {
      expect(connectionString).toContain('SharedAccessKeyName=cfg;SharedAccessKey=cfg-key;');
      const client = new ServiceBusClient(connectionString);
      try {
        await client.createSender('q').sendMessages({ body: 'from-config-key' });
      } finally {
        await client.close();
      }
    });
    expect(code).toBe(0);
    expect(err).not.toContain('SharedAccessKeys: unknown property');
  });
});
