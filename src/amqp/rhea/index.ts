/**
 * Everything the client relies on inside rhea 3.0.5 beyond its documented API, in one place. Each
 * helper is instance-level (it changes only the socket, session, link or delivery it is given) and
 * documents why it exists; test/contracts/ checks every assumption each one makes about rhea, so an
 * upgrade that breaks one fails there, naming it.
 */
export { compactDeliveries } from './compactDeliveries';
export { corkPerTick } from './corkPerTick';
export { deliverUndecoded, UNDECODED_FORMAT } from './deliverUndecoded';
export { exactDispositions } from './exactDispositions';
export { forgetAttachFrames } from './forgetAttachFrames';
export { forgetDeliveries } from './forgetDeliveries';
export { leanReceivers } from './leanReceivers';
export { plainAttachFields, plainOpenFields } from './plainFields';
export { processMarkedLinks, type LinkMarker } from './processMarkedLinks';
export { readPlainTransfers } from './readPlainTransfers';
export { sendPresettled } from './sendPresettled';
export { settleReceived } from './settleReceived';
export { skipIdleOutgoing } from './skipIdleOutgoing';
