/** The operator's answers: everything a plan is computed from. */

export type Role = 'primary' | 'secondary';
export const ROLES: readonly Role[] = ['primary', 'secondary'];

export type PeerKind = 'zimbra' | 'exchange' | 'm365' | 'postfix' | 'sendmail' | 'other';
export const PEER_KINDS: readonly PeerKind[] = ['zimbra', 'exchange', 'm365', 'postfix', 'sendmail', 'other'];

export type Job = 'setup' | 'cutover' | 'unsplit';
export const JOBS: readonly Job[] = ['setup', 'cutover', 'unsplit'];

/** Which way a cutover wave moves its users. */
export type Direction = 'to-zimbra' | 'to-peer';

/**
 * What a recipient is on its mail system. Every class needs its addresses known by the
 * authoritative side; the class says who delivers or expands it (src/inventory/model.ts).
 */
export type RecipientClass = 'user' | 'shared' | 'room' | 'equipment' | 'list' | 'group' | 'contact' | 'mailuser' | 'public-folder' | 'system' | 'alias';
export const RECIPIENT_CLASSES: readonly RecipientClass[] = ['user', 'shared', 'room', 'equipment', 'list', 'group', 'contact', 'mailuser', 'public-folder', 'system', 'alias'];

export interface PeerAccount {
  address: string;
  /** The peer's other addresses for the same person; the authoritative side must know them. */
  aliases: string[];
  /** Absent: a user (the typed or plain-file form). */
  class?: RecipientClass;
  /** The peer's display name: the placeholder's displayName. */
  displayName?: string;
  /** Where it was read ("exchange-csv recipients.csv line 4"). */
  source?: string;
}

export interface Peer {
  kind: PeerKind;
  host: string;
  port: number;
  /** Addresses the peer relays from, for zimbraMtaMyNetworks (CIDR or bare IP). */
  ips: string[];
  /**
   * A Postfix peer: the address class it hosts the domain in now (relay_domains,
   * virtual_mailbox_domains or mydestination), which decides the map that makes it accept
   * Zimbra's users (relay_recipient_maps works for the relay class only).
   */
  addressClass?: PostfixAddressClass;
  /** A Postfix peer: the transport that delivers its own users (e.g. lmtp:unix:private/dovecot-lmtp). */
  transport?: string;
}

export type PostfixAddressClass = 'relay' | 'virtual' | 'local';
export const POSTFIX_ADDRESS_CLASSES: readonly PostfixAddressClass[] = ['relay', 'virtual', 'local'];

export interface Cutover {
  users: string[];
  direction: Direction;
  /** A name the operator gives the wave ("wave-3"), kept in the journal. */
  wave: string;
}

export interface Answers {
  /** The shared mail domain(s); the first is the one the MX change is about. */
  domains: string[];
  role: Role;
  /** The Zimbra MTA server(s): `ms` targets, and where the peer relays to. */
  zimbraHosts: string[];
  /** The Zimbra mailbox server: `lmtp:<mailboxHost>:7025`. */
  mailboxHost: string;
  /** e.g. "10.1.0", "8.6.0"; commands differ before and after 8.7. */
  zimbraVersion: string;
  peer: Peer;
  /** Accounts that live on the peer (primary: one placeholder each). */
  peerAccounts: PeerAccount[];
  cutover?: Cutover;
  /** Accept a mynetworks entry wider than /24 or /64. */
  allowWideNetwork?: boolean;
  /** Unsplit even though accounts are still routed to the peer. */
  force?: boolean;
  /** Primary: placeholders stay visible in Zimbra's GAL (default: zimbraHideInGal TRUE). */
  placeholdersInGal?: boolean;
  /** Primary: the mailbox server(s) placeholders are created on (zimbraMailHost), spread in turn; absent: Zimbra picks. */
  placeholderHosts?: string[];
  /**
   * Unsplit: what the setup run's journal recorded before setup changed each value, so unsplit
   * puts back what was there. Read from the journal by the CLI, never asked.
   */
  prior?: Prior;
}

/** Before-values of the zmprov steps a setup run applied: `priorKey(entry, attr)` -> values (null: no entry). */
export interface Prior {
  /** The setup run(s) they come from. */
  runs: string[];
  values: Record<string, string[] | null>;
}
