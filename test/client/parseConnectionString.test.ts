import { InvalidArgumentError } from '../../src';
import { parseConnectionString } from '../../src/auth/parseConnectionString';
import { createSasToken, sasTokenExpiry } from '../../src/auth/sasToken';
import { createHmac } from 'node:crypto';

describe('parseConnectionString', () => {
  it('reads an emulator connection string (port from Endpoint, plain TCP flag)', () => {
    const p = parseConnectionString('Endpoint=sb://localhost:5673;SharedAccessKeyName=Root;SharedAccessKey=abc=;UseDevelopmentEmulator=true;');
    expect(p).toEqual({
      endpoint: 'sb://localhost:5673/',
      host: 'localhost',
      port: 5673,
      useDevelopmentEmulator: true,
      sharedAccessKeyName: 'Root',
      sharedAccessKey: 'abc=',
    });
  });

  it('reads an Azure connection string with EntityPath; keys are case-insensitive, the emulator flag value is exact', () => {
    const p = parseConnectionString('endpoint=sb://ns.servicebus.windows.net/;sharedaccesskeyname=k;sharedaccesskey=v;EntityPath=q;UseDevelopmentEmulator=True');
    expect(p.endpoint).toBe('sb://ns.servicebus.windows.net/');
    expect(p.port).toBeUndefined();
    expect(p.entityPath).toBe('q');
    expect(p.useDevelopmentEmulator).toBe(false);
  });

  it('accepts a SharedAccessSignature alone', () => {
    const p = parseConnectionString('Endpoint=sb://ns.servicebus.windows.net/;SharedAccessSignature=SharedAccessSignature sr=x&sig=y&se=1&skn=k');
    expect(p.sharedAccessSignature).toBe('SharedAccessSignature sr=x&sig=y&se=1&skn=k');
    expect(p.sharedAccessKeyName).toBeUndefined();
  });

  it.each([
    ['', /non-empty/],
    ['   ', /non-empty/],
    ['garbage', /key=value/],
    ['SharedAccessKeyName=k;SharedAccessKey=v', /missing Endpoint/],
    ['Endpoint=localhost;SharedAccessKeyName=k;SharedAccessKey=v', /sb:\/\/host/],
    ['Endpoint=sb://h:99999;SharedAccessKeyName=k;SharedAccessKey=v', /port/],
    ['Endpoint=sb://h/', /SharedAccessKeyName and SharedAccessKey, or SharedAccessSignature/],
    ['Endpoint=sb://h/;SharedAccessKeyName=k', /no \(or an empty\) SharedAccessKey/],
    ['Endpoint=sb://h/;SharedAccessKeyName=k;SharedAccessKey=', /no \(or an empty\) SharedAccessKey/],
    ['Endpoint=sb://h/;SharedAccessKeyName=;SharedAccessKey=v', /empty\) SharedAccessKeyName/],
    ['Endpoint=sb://h/;SharedAccessKey=v', /empty\) SharedAccessKeyName/],
    ['Endpoint=sb://h/;SharedAccessKeyName=k;SharedAccessKey=v;SharedAccessSignature=s', /both/],
    ['Endpoint=sb://h/;Endpoint=sb://g/;SharedAccessKeyName=k;SharedAccessKey=v', /more than once/],
  ])('refuses %j with InvalidArgumentError naming the problem', (cs, message) => {
    let error: unknown;
    try {
      parseConnectionString(cs);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as InvalidArgumentError).argument).toBe('connectionString');
    expect((error as Error).message).toMatch(message);
  });

  it('never echoes the key in an error message', () => {
    expect(() => parseConnectionString('Endpoint=nope;SharedAccessKeyName=k;SharedAccessKey=TOPSECRET')).toThrow(/^(?!.*TOPSECRET)/s);
  });
});

describe('createSasToken', () => {
  it('signs encodeURIComponent(audience) + "\\n" + se with the key bytes as written', () => {
    const token = createSasToken('sb://localhost/sq', 'Root Key', 'SAS_KEY_VALUE', 1795701651);
    const sig = createHmac('sha256', Buffer.from('SAS_KEY_VALUE', 'utf8')).update('sb%3A%2F%2Flocalhost%2Fsq\n1795701651').digest('base64');
    expect(token).toBe(`SharedAccessSignature sr=sb%3A%2F%2Flocalhost%2Fsq&sig=${encodeURIComponent(sig)}&se=1795701651&skn=Root%20Key`);
    expect(sasTokenExpiry(token)).toBe(1795701651);
  });
});
