import { ServiceBusClient, InvalidArgumentError } from '../../src';

// The options of issue 11 are checked at the call, naming the option.
const cs = 'Endpoint=sb://localhost:5672;SharedAccessKeyName=k;SharedAccessKey=v;UseDevelopmentEmulator=true';

it.each([
  ['lockSafetyMargin', -1],
  ['lockSafetyMargin', Number.NaN],
  ['lockSafetyMargin', Infinity],
  ['peerSilenceTimeout', 0],
  ['peerSilenceTimeout', -5],
  ['peerSilenceTimeout', '5000'],
])('client option %s = %p → InvalidArgumentError naming it', (name, value) => {
  expect(() => new ServiceBusClient(cs, { [name]: value })).toThrow(InvalidArgumentError);
  expect(() => new ServiceBusClient(cs, { [name]: value })).toThrow(new RegExp(`options\\.${name}`));
});

it('accept option lockSafetyMargin is checked at the call (0 is allowed: no margin)', async () => {
  const client = new ServiceBusClient(cs, { lockSafetyMargin: 0 });
  try {
    expect(() => client.acceptSession('sq', 's', { lockSafetyMargin: -1 })).toThrow(/options\.lockSafetyMargin/);
    expect(() => client.acceptSession('sq', 's', { lockSafetyMargin: 0 })).not.toThrow();
  } finally {
    await client.close();
  }
});
