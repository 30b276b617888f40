// The peer kinds side by side: each kind (one file) says what the other system must do, as manual steps with exact commands.
import type { PeerKind } from '../../model/types.js';
import type { PeerCommands } from './context.js';
import { exchange } from './exchange.js';
import { m365 } from './m365.js';
import { postfix } from './postfix.js';
import { sendmail } from './sendmail.js';
import { zimbraPeer } from './zimbra.js';
import { other } from './other.js';

export const PEERS: Record<PeerKind, PeerCommands> = { exchange, m365, postfix, sendmail, zimbra: zimbraPeer, other };
export { peerContext } from './context.js';
export type { PeerContext, PeerCommands } from './context.js';
