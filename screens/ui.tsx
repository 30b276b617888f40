/** Small building blocks shared by the screens: one-line texts, menus, keys, a step list. */
import React, { useEffect, useState } from 'react';
import { Box, Text } from 'ink';
import SelectInput from 'ink-select-input';
import { wrap } from '../src/flow/format.js';
import { rowCount, rowIndex, visible } from '../src/wizard/list.js';
import { rollbackText, stepCommand } from '../src/plan/render.js';
import type { Plan, Step } from '../src/plan/step.js';
import { showValues } from '../src/plan/step.js';
import type { FilterList, WizardState } from '../src/wizard/state.js';
import type { RestoreValues } from '../src/wizard/detail.js';
import type { MenuItem, Msg } from '../src/wizard/msg.js';

/** A screen renders the state; its keys are read by the state machine (src/wizard/keys.ts). */
export interface ScreenProps {
  state: WizardState;
  send: (m: Msg) => void;
  width: number;
  /** Lines this screen may use, its footer included. */
  height: number;
}

type Color = 'red' | 'green' | 'yellow' | 'cyan' | 'gray' | 'magenta' | 'blue';

/** Colours only when NO_COLOR is not set; the text never depends on them. */
export function useTone(state: WizardState): (c: Color) => Color | undefined {
  return (c) => (state.noColor ? undefined : c);
}

/** One line, cut to the width: the frame's height never depends on the text. */
export function Line(props: { children?: React.ReactNode; color?: Color; bold?: boolean; dim?: boolean; inverse?: boolean }): React.JSX.Element {
  return (
    <Text wrap="truncate-end" color={props.color} bold={props.bold} dimColor={props.dim} inverse={props.inverse}>
      {props.children === undefined || props.children === '' ? ' ' : props.children}
    </Text>
  );
}

/** Word-wrapped lines of a text, at most `max` of them (the last one cut). */
export function wrapped(text: string, width: number, max: number, first = '', rest = first): string[] {
  const lines = wrap(text, Math.max(20, width), first, rest);
  if (lines.length <= max) return lines;
  const out = lines.slice(0, max);
  out[max - 1] = `${out[max - 1].slice(0, Math.max(0, width - 3))}...`;
  return out;
}

/** A row of a menu: its id and how it looks, selected or not. */
export interface SelectRow {
  id: string;
  draw: (selected: boolean) => React.JSX.Element;
}

type DrawnItem = { key: string; label: string; value: string; draw: SelectRow['draw'] };

// The look is today's ("> label  detail", cyan and bold when selected): the mark is part of the row.
const NoIndicator = (): React.JSX.Element => <></>;
const DrawnRow = (p: { isSelected?: boolean; label: string }): React.JSX.Element => (p as unknown as DrawnItem).draw(Boolean(p.isSelected));

/**
 * A menu drawn by ink-select-input. It never reads keys itself (isFocused=false): the state
 * machine (src/wizard/screens/*) decides what every key means, so keys typed faster than the
 * screen redraws, and a letter with Enter in one read, land where they belong. The cursor comes
 * from the state (a new cursor remounts the list on it).
 */
export function Select(props: { rows: SelectRow[]; cursor: number }): React.JSX.Element {
  const items: DrawnItem[] = props.rows.map((r) => ({ key: r.id, label: r.id, value: r.id, draw: r.draw }));
  return (
    <SelectInput
      key={`${props.cursor}:${items.map((i) => i.key).join(',')}`}
      items={items}
      initialIndex={Math.max(0, Math.min(items.length - 1, props.cursor))}
      isFocused={false}
      indicatorComponent={NoIndicator}
      itemComponent={DrawnRow}
    />
  );
}

export function Menu(props: { items: MenuItem[]; cursor: number; width: number; labelWidth?: number; tone: (c: Color) => Color | undefined }): React.JSX.Element {
  const lw = props.labelWidth ?? Math.min(40, Math.max(...props.items.map((i) => i.label.length)) + 2);
  const rows = props.items.map((it) => ({
    id: it.id,
    draw: (sel: boolean) => (
      <Line color={it.disabled ? props.tone('gray') : sel ? props.tone('cyan') : undefined} bold={sel} dim={Boolean(it.disabled)}>
        {`${sel ? '>' : ' '} ${it.label.length + 2 > lw ? `${it.label}  ` : it.label.padEnd(lw)}${it.disabled ? `(${it.disabled})` : (it.detail ?? '')}`}
      </Line>
    ),
  }));
  return <Select rows={rows} cursor={props.cursor} />;
}

export function Choices(props: { items: { id: string; label: string }[]; cursor: number; tone: (c: Color) => Color | undefined }): React.JSX.Element {
  const rows = props.items.map((c, i) => ({
    id: c.id,
    draw: (sel: boolean) => (
      <Line bold={sel} color={sel ? props.tone('cyan') : undefined}>
        {`${sel ? '>' : ' '} ${c.label}${i === 0 ? '  (default)' : ''}`}
      </Line>
    ),
  }));
  return <Select rows={rows} cursor={props.cursor} />;
}

export function Footer(props: { children: string }): React.JSX.Element {
  return <Line dim>{props.children}</Line>;
}

/** The text of a field being edited, with its caret (reverse video: not a colour, so also under NO_COLOR). */
export function TextField(props: { value: string; caret: number; fresh?: boolean }): React.JSX.Element {
  const c = Math.max(0, Math.min(props.value.length, props.caret));
  const v = props.value;
  // A pre-filled value shown selected: typing replaces it.
  if (props.fresh && v) return <Text wrap="truncate-start">{`\u001B[7m${v}\u001B[27m `}</Text>;
  return <Text wrap="truncate-start">{`${v.slice(0, c)}\u001B[7m${v[c] ?? ' '}\u001B[27m${v.slice(c + 1)}`}</Text>;
}

/** Tells the state machine how far a scrolling text view can scroll (it depends on the wrapped lines). */
export function useScrollLimit(send: (m: Msg) => void, view: 'review' | 'done' | 'unsplit', max: number): void {
  useEffect(() => {
    send({ type: 'scroll-limit', view, max });
  }, [send, view, max]);
}

/** Re-renders every `ms` while `on` (elapsed time, time left). */
export function useNow(ms: number, on: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!on) return;
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms, on]);
  return now;
}

const KIND_TAG = (s: Step): string => (s.kind === 'manual' ? 'MANUAL' : s.kind === 'reload' ? 'reload' : 'zmprov');

const counted = new WeakMap<Plan, { zmprov: number; reload: number; manual: number }>();

export function planCounts(p: Plan): { zmprov: number; reload: number; manual: number } {
  let c = counted.get(p);
  if (!c) {
    c = { zmprov: 0, reload: 0, manual: 0 };
    for (const s of p.steps) c[s.kind]++;
    counted.set(p, c);
  }
  return c;
}

/** Lines of the detail of one step: why, the command, before -> after, the rollback command. */
export function stepDetail(s: Step, width: number, lines: number, restore?: RestoreValues): string[] {
  const out: string[] = [];
  const cmd = s.kind === 'manual' ? [] : hardWrap(stepCommand(s), width, s.kind === 'zmprov' ? 2 : 1, '$ ', '  ');
  const rest = s.kind === 'manual' ? 2 : cmd.length + (s.kind === 'zmprov' ? 2 : 1);
  out.push(...wrapped(`why: ${s.why}`, width, Math.max(1, Math.min(2, lines - rest))));
  if (s.kind === 'manual') {
    out.push(...wrapped(`by hand on ${s.manual!.system}:`, width, 1));
    const cmds = s.manual!.commands;
    const room = Math.max(1, lines - out.length);
    cmds.slice(0, room).forEach((c, i) => out.push(i === room - 1 && cmds.length > room ? `$ ${c.slice(0, Math.max(10, width - 20))} (+${cmds.length - room} more)` : `$ ${c}`));
  } else {
    out.push(...cmd);
    if (restore) {
      // An undo step: what the run left and the recorded value it puts back (from the journal).
      out.push(`now: ${restore.now}`);
      out.push(`restores: ${restore.restores}`);
    } else if (s.kind === 'zmprov') {
      out.push(`before: ${showValues(s.before)} -> after: ${s.desired}`);
      out.push(`rollback: ${rollbackText(s)}`);
    } else out.push(`rollback: ${rollbackText(s)}`);
  }
  return out.slice(0, lines);
}

/**
 * A scrollable list of steps and the detail of the selected one. Renders only the visible
 * window: a plan of 10,000 steps costs the same as one of 10.
 */
export function StepList(props: {
  plan: Plan;
  list: FilterList;
  width: number;
  listHeight: number;
  detailHeight: number;
  tone: (c: Color) => Color | undefined;
  values?: Record<string, RestoreValues>;
}): React.JSX.Element {
  const { plan, list, width, listHeight, detailHeight } = props;
  const count = rowCount(list, plan.steps);
  const v = visible(list, count, listHeight);
  const total = plan.steps.length;
  const numW = String(total).length;
  const rows: React.JSX.Element[] = [];
  for (let r = v.start; r < v.end; r++) {
    const i = rowIndex(list, r);
    const s = plan.steps[i];
    const sel = r === v.cursor;
    rows.push(
      <Line key={r} bold={sel} color={sel ? props.tone('cyan') : s.kind === 'manual' ? props.tone('yellow') : undefined}>
        {`${sel ? '>' : ' '} ${String(i + 1).padStart(numW)}/${total} ${KIND_TAG(s).padEnd(6)} ${s.title}`}
      </Line>,
    );
  }
  for (let r = rows.length; r < listHeight; r++) rows.push(<Line key={`pad${r}`}>{r === 0 && count === 0 ? '  (no step matches the filter)' : ''}</Line>);
  const sel = count ? plan.steps[rowIndex(list, v.cursor)] : undefined;
  const detail = sel ? stepDetail(sel, width - 2, detailHeight - 1, props.values?.[sel.id]) : [];
  const head = sel ? `-- step ${rowIndex(list, v.cursor) + 1} of ${total}: ${sel.id} ` : '--';
  return (
    <Box flexDirection="column">
      {rows}
      <Line dim>{head.padEnd(width, '-')}</Line>
      {Array.from({ length: detailHeight - 1 }, (_, k) => (
        <Line key={`d${k}`}>{detail[k] !== undefined ? ` ${detail[k]}` : ''}</Line>
      ))}
    </Box>
  );
}

/**
 * A command cut into lines of the width, every character kept (word wrapping would squeeze
 * spaces, and a command must read exactly as it runs); at most `max` lines.
 */
export function hardWrap(text: string, width: number, max: number, first = '', rest = first): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < text.length && out.length < max) {
    const prefix = out.length === 0 ? first : rest;
    const room = Math.max(10, width - prefix.length);
    out.push(prefix + text.slice(i, i + room));
    i += room;
  }
  if (i < text.length && out.length) out[out.length - 1] = `${out[out.length - 1].slice(0, Math.max(0, width - 3))}...`;
  return out.length ? out : [first];
}
