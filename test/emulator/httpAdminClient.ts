import { ServiceBusAdministrationClient } from '@azure/service-bus';

/**
 * The official admin client pointed at the emulator's plain-HTTP side: the emulator connection string as
 * is, plus the one override @azure/service-bus 7.9.5 needs — it always builds `https://<endpoint>/…` URLs
 * and drops the `allowInsecureConnection` client option, so a pipeline policy (added after the signing
 * policy: the token still names the https URL, whose path the broker checks) switches each request to
 * http and allows it.
 */
export function emulatorAdminClient(connectionString: string): ServiceBusAdministrationClient {
  const client = new ServiceBusAdministrationClient(connectionString, { retryOptions: { maxRetries: 0 } });
  client.pipeline.addPolicy({
    name: 'emulatorPlainHttp',
    sendRequest: (request, next) => {
      request.url = request.url.replace(/^https:/, 'http:');
      request.allowInsecureConnection = true;
      return next(request);
    },
  });
  return client;
}
