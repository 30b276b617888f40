/**
 * `route`: follow one recipient address through the Internet's MX, Zimbra's Postfix (its LDAP
 * maps, zimbra.md §4.1) and the peer, hop by hop, until it is delivered, refused, bounced, leaves
 * for the Internet, or loops. Pure.
 */
import { domainOf } from './directory.js';
import { compileFlow, type FlowInput, type FlowModel, type MxTarget } from './model.js';
import type { EntryPoint, Trace } from './trace.js';
import { Walk, type Arrival } from './walk.js';
import { atZimbra } from './zimbra-mta.js';
import { atPeer } from './peer-mta.js';
export * from './trace.js';

// ---------------------------------------------------------------- entry

function mxLabel(m: FlowModel, mx: MxTarget): string {
  return mx === 'zimbra' ? `Zimbra MTA ${m.zimbraMta}` : `peer MTA ${m.peerHost}`;
}

/** Route with a compiled model (compile once, route many). */
export function routeWith(m: FlowModel, address: string, from: EntryPoint): Trace {
  const addr = address.trim().toLowerCase();
  const w = new Walk(m, addr, from);
  const d = domainOf(addr);
  let next: Arrival | Trace;

  if (!addr.includes('@') || d === '') {
    w.hop('internet', '', addr, 'address', 'not a mail address (no @domain)');
    return w.finish('rejected', `${addr} is not an address of the form user@domain`);
  }

  switch (from) {
    case 'internet': {
      let mx: MxTarget | undefined;
      if (m.shared.has(d)) mx = m.input.mx;
      else if (m.domains.has(d)) mx = 'zimbra';
      if (!mx) {
        w.hop('internet', '', addr, `MX ${d}`, 'neither Zimbra nor the peer');
        return w.finish('external', `${d} is not a shared domain: the Internet delivers it to ${d}'s own MX`);
      }
      w.hop('internet', '', addr, `MX ${d}`, `-> ${mxLabel(m, mx)}`);
      next = { to: mx === 'zimbra' ? 'zimbra-mta' : 'peer-mta', host: m.mxHost(mx), address: addr, client: 'internet' };
      break;
    }
    case 'zimbra':
      w.hop('zimbra-mailbox', m.answers.mailboxHost, addr, 'a Zimbra user sends (web client or SMTP AUTH)', `submitted to Zimbra MTA ${m.zimbraMta}`);
      next = { to: 'zimbra-mta', host: m.zimbraMta, address: addr, client: 'user' };
      break;
    case 'peer':
      w.hop('peer-mailbox', m.peerHost, addr, 'a peer user sends', `submitted to peer MTA ${m.peerHost}`);
      next = { to: 'peer-mta', host: m.peerHost, address: addr, client: 'user' };
      break;
  }

  w.drive = drive;
  return drive(w, next);
}

/** Hand-off after hand-off, each system applying its rules, until the walk ends. */
function drive(w: Walk, next: Arrival | Trace): Trace {
  while (!('outcome' in next)) {
    const stop = w.arrive(next);
    if (stop) return stop;
    next = next.to === 'zimbra-mta' ? atZimbra(w, next) : atPeer(w, next);
  }
  return next;
}

const cache = new WeakMap<FlowInput, { key: unknown[]; model: FlowModel }>();

/** The compiled model for `input`, cached while the input and its parts are the same objects. */
export function modelFor(input: FlowInput): FlowModel {
  const key = [input.answers, input.zimbra, input.peer, input.mx];
  const hit = cache.get(input);
  if (hit && hit.key.every((k, i) => k === key[i])) return hit.model;
  const model = compileFlow(input);
  cache.set(input, { key, model });
  return model;
}

/**
 * Follow `address` from an entry point: `internet` (enters at the MX), `zimbra` (a Zimbra user
 * sends) or `peer` (a peer user sends). Compiles the input once per input object; mutating the
 * directory in place afterwards needs a new input object (or `compileFlow` + `routeWith`).
 */
export function route(input: FlowInput, address: string, from: EntryPoint): Trace {
  return routeWith(modelFor(input), address, from);
}

