/** Review: the answers, and the mail-flow trace table of the plan; refuses to go on when it finds errors. */
import React from 'react';
import { Box } from 'ink';
import Spinner from 'ink-spinner';
import { jobLabel } from '../src/wizard/fields.js';
import { jobOf } from '../src/wizard/state.js';
import { Footer, Line, useScrollLimit, useTone, wrapped } from './ui.js';
import type { ScreenProps } from './ui.js';

export function ReviewScreen({ state, send, width, height }: ScreenProps): React.JSX.Element {
  const tone = useTone(state);
  const r = state.review;
  const f = state.fields;
  const job = jobOf(state);
  const blocked = Boolean(r.busy || r.error || r.refused.length || !r.plan);
  const header: { text: string; color?: 'red' | 'green' | 'yellow'; bold?: boolean }[] = [];
  const a = r.plan?.answers;
  header.push({ text: `Review: ${jobLabel(job)} of ${a ? a.domains.join(', ') : f.domain}`, bold: true });
  header.push({ text: ` Role      ${f.role === 'primary' ? 'primary (Zimbra authoritative)' : 'secondary (the peer authoritative)'}; peer ${f.peerKind} ${a?.peer.host ?? f.peerHost}:${a?.peer.port ?? f.peerPort}` });
  header.push({ text: ` Zimbra    ${a ? `${a.zimbraHosts.join(', ')} (mailbox ${a.mailboxHost}), version ${a.zimbraVersion}` : f.zimbraHost}` });
  if (job === 'cutover') header.push({ text: ` Wave      ${state.cutover.wave}: ${state.cutover.selected.length} user(s) ${state.cutover.direction}` });
  else header.push({ text: ` Relay     ${a ? a.peer.ips.join(' ') || 'none' : f.peerIp || 'none'}${f.role === 'primary' && job === 'setup' ? `; ${a?.peerAccounts.length ?? state.accounts.summary.accounts} peer account(s)` : ''}` });

  // The scrolling part: refusal reasons and findings, the trace table, warnings.
  const body: { text: string; color?: 'red' | 'green' | 'yellow' | 'gray'; bold?: boolean }[] = [];
  const w = width - 2;
  if (r.error) wrapped(r.error, w, 6).forEach((t) => body.push({ text: t, color: 'red' }));
  if (r.refused.length) {
    body.push({ text: 'REFUSED: nothing will be applied. Esc goes back to fix the answers:', color: 'red', bold: true });
    const errs = r.findings.filter((x) => x.severity === 'error');
    if (errs.length) {
      for (const e of errs) {
        wrapped(e.message, w, 4, '- ', '  ').forEach((t) => body.push({ text: t, color: 'red' }));
        if (e.hint) wrapped(`fix: ${e.hint}`, w, 3, '  ', '  ').forEach((t) => body.push({ text: t }));
      }
    } else for (const m of r.refused) wrapped(m, w, 4, '- ', '  ').forEach((t) => body.push({ text: t, color: 'red' }));
  }
  if (r.rows.length) {
    const addrW = Math.min(width >= 120 ? 40 : 26, Math.max(12, ...r.rows.map((x) => x.address.length)));
    const cut = (a: string) => (a.length > addrW ? `${a.slice(0, addrW - 3)}...` : a);
    body.push({ text: `Mail flow after the plan${r.stats ? ` (${r.stats.addresses} addresses in ${r.stats.groups} routing groups)` : ''}:`, bold: true });
    body.push({ text: `${'result'.padEnd(10)}${'from'.padEnd(9)}${'address'.padEnd(addrW + 1)}path`, color: 'gray' });
    for (const row of r.rows) {
      const bad = row.outcome === 'loop' || row.outcome === 'bounced';
      body.push({ text: `${row.result.padEnd(10)}${row.from.padEnd(9)}${cut(row.address).padEnd(addrW + 1)}${row.path}`, color: bad ? 'red' : undefined });
    }
  }
  const warns = [...r.warnings, ...r.findings.filter((x) => x.severity === 'warning').map((x) => x.message + (x.hint ? ` (fix: ${x.hint})` : ''))];
  for (const wn of warns) wrapped(`warning: ${wn}`, w, 3, '', '  ').forEach((t) => body.push({ text: t, color: 'yellow' }));

  const bodyRows = Math.max(1, height - header.length - 3);
  const maxTop = Math.max(0, body.length - bodyRows);
  const top = Math.min(r.top, maxTop);
  useScrollLimit(send, 'review', maxTop);

  const slice = body.slice(top, top + bodyRows);
  return (
    <Box flexDirection="column">
      {header.map((x, i) => (
        <Line key={`h${i}`} bold={x.bold}>
          {x.text}
        </Line>
      ))}
      <Line />
      {r.busy ? (
        <Line>
          <Spinner type="line" /> {`${r.busy}...`}
        </Line>
      ) : null}
      {Array.from({ length: bodyRows - (r.busy ? 1 : 0) }, (_, i) => {
        const x = slice[i];
        return (
          <Line key={`b${i}`} color={x?.color ? tone(x.color) : undefined} bold={x?.bold}>
            {x?.text ?? ''}
          </Line>
        );
      })}
      <Footer>{`${body.length > bodyRows ? `Up/Down scroll (${top + 1}-${Math.min(body.length, top + bodyRows)} of ${body.length})  ` : ''}${blocked ? '' : 'Enter preview  '}Esc back  q quit`}</Footer>
    </Box>
  );
}
