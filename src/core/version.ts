// Version numbers: the nats-server behaviour level Natrium implements, and Natrium's own release.

/** The nats-server release whose client-visible behaviour Natrium fully implements (clients enable features by it). */
export const NATS_COMPAT_VERSION = '2.9.10';
/** Natrium's own release. */
export const NATRIUM_VERSION = '0.1.0';
