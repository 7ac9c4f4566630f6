import type { CliIo } from '../../src/cli/CliIo';
import { main } from '../../src/cli/main';
import { parseEmulatorArgs } from '../../src/cli/parseEmulatorArgs';
import { UsageError } from '../../src/cli/UsageError';

/** Runs `main` with captured output; no signal ever arrives (only commands that return on their own are run). */
async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => void (out += t), err: (t) => void (err += t), nextStopSignal: () => new Promise(() => undefined) };
  const code = await main(argv, io);
  return { code, out, err };
}

describe('parseEmulatorArgs', () => {
  it('defaults to 127.0.0.1:5672 with the default queues', () => {
    expect(parseEmulatorArgs([])).toEqual({
      help: false,
      port: 5672,
      host: '127.0.0.1',
      configFile: undefined,
      sasKeyName: undefined,
      sasKey: undefined,
      sasKeysFile: undefined,
      httpPort: undefined,
    });
  });

  it('reads --port, --host and --config, in both spellings', () => {
    expect(parseEmulatorArgs(['--port', '0', '--host', '0.0.0.0', '--config', 'c.json'])).toEqual({
      help: false,
      port: 0,
      host: '0.0.0.0',
      configFile: 'c.json',
      sasKeyName: undefined,
      sasKey: undefined,
      sasKeysFile: undefined,
      httpPort: undefined,
    });
    expect(parseEmulatorArgs(['--http-port', '5300'])).toMatchObject({ httpPort: 5300 });
    expect(parseEmulatorArgs(['--port=65535', '--config=x.json'])).toMatchObject({ port: 65535, configFile: 'x.json' });
  });

  it('reads --sas-key-name / --sas-key and --sas-keys-file', () => {
    expect(parseEmulatorArgs(['--sas-key-name', 'Mine', '--sas-key=s3cret'])).toMatchObject({ sasKeyName: 'Mine', sasKey: 's3cret', sasKeysFile: undefined });
    expect(parseEmulatorArgs(['--sas-keys-file', 'keys.json'])).toMatchObject({ sasKeysFile: 'keys.json', sasKey: undefined });
  });

  it.each([
    [['--port', 'abc'], /invalid --port "abc": expected an integer from 0 to 65535/],
    [['--port', '70000'], /invalid --port "70000"/],
    [['--port', '-1'], /--port/],
    [['--port', '1.5'], /invalid --port "1.5"/],
    [['--port='], /invalid --port ""/],
    [['--port'], /--port/],
    [['--host', ''], /'--host' needs a non-empty value/],
    [['--http-port', 'x'], /invalid --http-port "x": expected an integer from 0 to 65535/],
    [['--frobnicate'], /Unknown option '--frobnicate'/],
    [['extra'], /Unexpected argument 'extra'/],
    [['--sas-key', ''], /'--sas-key' needs a non-empty value/],
    [['--sas-keys-file', 'k.json', '--sas-key', 'x'], /cannot be combined/],
  ])('rejects %j with a one-line UsageError', (argv, message) => {
    let caught: unknown;
    try {
      parseEmulatorArgs(argv);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(UsageError);
    expect((caught as UsageError).message).toMatch(message);
    expect((caught as UsageError).message).not.toContain('\n');
    expect((caught as UsageError).usage).toContain('Usage: servicebus-rx emulator');
  });
});

describe('main', () => {
  it('prints help on stdout with exit 0', async () => {
    for (const argv of [['--help'], ['-h'], ['help']]) {
      const r = await run(argv);
      expect(r).toMatchObject({ code: 0, err: '' });
      expect(r.out).toContain('Usage: servicebus-rx <command>');
    }
  });

  it('prints the package version', async () => {
    const r = await run(['--version']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^\d+\.\d+\.\d+\S*\n$/);
  });

  it('prints the emulator help with exit 0', async () => {
    const r = await run(['emulator', '--help']);
    expect(r.code).toBe(0);
    expect(r.out).toContain('Usage: servicebus-rx emulator [--port N] [--host H] [--config FILE]');
  });

  it.each([[[]], [['frob']], [['--frob']]])('exits 2 with one line and the usage on stderr for %j', async (argv) => {
    const r = await run(argv);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    const [first, ...more] = r.err.split('\n');
    expect(first).toMatch(/^servicebus-rx: (missing command|unknown command 'frob'|unknown option '--frob')$/);
    expect(more.join('\n')).toContain('Usage: servicebus-rx <command>');
  });

  it('exits 2 for a bad emulator option, before starting anything', async () => {
    const r = await run(['emulator', '--port', 'abc']);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err.split('\n')[0]).toBe('servicebus-rx emulator: invalid --port "abc": expected an integer from 0 to 65535');
    expect(r.err).toContain('Usage: servicebus-rx emulator');
  });

  it('exits 1 naming the file and field of an invalid config, before starting anything', async () => {
    const r = await run(['emulator', '--config', '/nonexistent/Config.json']);
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/file '\/nonexistent\/Config\.json'.*cannot read the file/);
  });
});
