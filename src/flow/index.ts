/** Mail-flow model: routing through Zimbra's LDAP maps and the peer, traces, plan checks. Pure. */
export * from './directory.js';
export * from './transport.js';
export * from './peer.js';
export * from './model.js';
export * from './route.js';
export * from './check.js';
export * from './format.js';
