/** Hosts: text inputs with inline validation naming the field and the fix, and detected defaults. */
import React from 'react';
import { Box } from 'ink';
import { HOST_FIELDS, hostErrors } from '../src/wizard/fields.js';
import { activeText, caretOf, isFresh } from '../src/wizard/text.js';
import { Footer, Line, TextField, useTone, wrapped } from './ui.js';
import type { ScreenProps } from './ui.js';

const LABEL_W = 24;

export function HostsScreen({ state, width, height }: ScreenProps): React.JSX.Element {
  const tone = useTone(state);
  const h = state.hosts;
  const f = state.fields;
  const focused = HOST_FIELDS[h.focus];
  const editing = activeText(state);
  const errors = hostErrors(f);
  // A field's problem shows once the field was left, on Continue, or as soon as the focused field holds a value.
  const shown = (name: (typeof HOST_FIELDS)[number]['name']) =>
    (h.touched.includes(name) || h.submitted || (focused?.name === name && String(f[name] ?? '') !== '')) && errors[name];
  const rows = HOST_FIELDS.map((def, i) => {
    const sel = i === h.focus;
    const bad = shown(def.name);
    const mark = sel ? '>' : bad ? '!' : ' ';
    const label = `${mark} ${def.label} `.padEnd(LABEL_W, '.') + ' ';
    const detected = h.detected.includes(def.name) ? '  (detected)' : '';
    if (def.toggle) {
      return (
        <Line key={def.name} bold={sel} color={bad ? tone('red') : sel ? tone('cyan') : undefined}>
          {`${label}[${f.allowWideNetwork ? 'x' : ' '}] ${f.allowWideNetwork ? 'yes' : 'no'}`}
        </Line>
      );
    }
    const value = String(f[def.name] ?? '');
    if (sel && editing) {
      return (
        <Box key={def.name} width={width} height={1} overflowY="hidden">
          <Line bold color={tone('cyan')}>
            {label}
          </Line>
          <TextField value={value} caret={caretOf(state, editing)} fresh={isFresh(state, editing)} />
          <Line dim>{detected}</Line>
        </Box>
      );
    }
    return (
      <Line key={def.name} bold={sel} color={bad ? tone('red') : undefined}>
        {`${label}${value || (def.name === 'mailboxHost' ? '(same as the MTA host)' : '')}${detected}`}
      </Line>
    );
  });
  const onContinue = h.focus === HOST_FIELDS.length;
  rows.push(
    <Line key="continue" bold={onContinue} color={onContinue ? tone('cyan') : undefined}>
      {`${onContinue ? '>' : ' '} [ Continue ]`}
    </Line>,
  );
  // The focused field's problem in full (it names the field and the fix), else its hint.
  const msgLines: React.JSX.Element[] = [];
  const room = Math.max(1, height - rows.length - 4);
  if (focused) {
    const err = shown(focused.name);
    const text = err ? `! ${err}` : focused.hint;
    wrapped(text, width - 2, Math.min(3, room)).forEach((l, i) => msgLines.push(<Line key={`m${i}`} color={err ? tone('red') : undefined} dim={!err}>{l}</Line>));
  } else {
    const bad = HOST_FIELDS.filter((d) => errors[d.name]);
    msgLines.push(
      <Line key="m" color={bad.length ? tone('red') : undefined} dim={!bad.length}>
        {bad.length ? `! To fix first: ${bad.map((d) => d.label).join(', ')}` : 'Enter continues.'}
      </Line>,
    );
  }
  const others = HOST_FIELDS.filter((d, i) => i !== h.focus && shown(d.name));
  return (
    <Box flexDirection="column">
      <Line bold>Hosts and addresses</Line>
      {rows}
      <Line />
      {msgLines}
      {focused && others.length ? <Line color={tone('red')}>{`! Also to fix: ${others.map((d) => d.label).join(', ')}`}</Line> : null}
      <Footer>{`Up/Down field  Enter next${focused?.toggle ? '  Space toggle' : ''}  Esc back${focused ? '' : '  q quit'}`}</Footer>
    </Box>
  );
}
