import { ConnectionClosedError, SessionIdRequiredError, SessionsNotEnabledError, ServiceBusRxError, translateAmqpError } from '../../src/errors';
import { TLS_TO_PLAIN_HINT, withTlsHint } from '../../src/amqp/withTlsHint';

const tls = { tls: true };
const failed = (): ConnectionClosedError => new ConnectionClosedError('The AMQP connection failed: Failed to connect', { retryable: true });

describe('withTlsHint', () => {
  it('hints when TCP connected but the handshake never completed', () => {
    const error = withTlsHint(failed(), tls, { tcpConnected: true, secured: false, error: undefined });
    expect(error.message).toContain(TLS_TO_PLAIN_HINT);
    expect(error.retryable).toBe(false);
    expect(error.cause).toBeInstanceOf(ConnectionClosedError);
  });

  it("hints on OpenSSL's wrong version number", () => {
    const socketError = Object.assign(new Error('write EPROTO 1234:error:0A00010B:SSL routines:ssl3_get_record:wrong version number'), { code: 'EPROTO' });
    expect(withTlsHint(failed(), tls, { tcpConnected: true, secured: false, error: socketError }).message).toContain('UseDevelopmentEmulator=true');
  });

  it('does not hint for a certificate error, a refused connection, or plain TCP', () => {
    const cert = Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    const original = failed();
    expect(withTlsHint(original, tls, { tcpConnected: true, secured: false, error: cert })).toBe(original);
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5671'), { code: 'ECONNREFUSED' });
    expect(withTlsHint(original, tls, { tcpConnected: false, secured: false, error: refused })).toBe(original);
    expect(withTlsHint(original, { ...tls, tls: false }, { tcpConnected: true, secured: false, error: undefined })).toBe(original);
  });
});

describe('translateAmqpError: entity-kind mismatches', () => {
  it('maps the descriptions Service Bus sends with amqp:not-allowed', () => {
    expect(
      translateAmqpError({ condition: 'amqp:not-allowed', description: "A sessionful message receiver cannot be created on an entity that does not require sessions (entity 'q')." }, { entityPath: 'q' }),
    ).toBeInstanceOf(SessionsNotEnabledError);
    expect(translateAmqpError({ condition: 'amqp:not-allowed', description: "The entity 'q' does not require sessions." })).toBeInstanceOf(SessionsNotEnabledError);
    expect(
      translateAmqpError({ condition: 'amqp:not-allowed', description: "The SessionId was not set on a message, and it cannot be sent to the entity 'sq'." }, { entityPath: 'sq' }),
    ).toMatchObject({ name: 'SessionIdRequiredError', entityPath: 'sq', retryable: false });
    expect(translateAmqpError({ condition: 'amqp:not-allowed', description: 'It is not possible for an entity that requires sessions to create a non-sessionful message receiver.' })).toBeInstanceOf(
      SessionIdRequiredError,
    );
    const other = translateAmqpError({ condition: 'amqp:not-allowed', description: 'Something else.' });
    expect(other.constructor).toBe(ServiceBusRxError);
  });
});
