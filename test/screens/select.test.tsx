// Issue 15: the wizard's menus are drawn by ink-select-input, styled as before; the state machine
// alone decides what a key means (the list never moves by itself, so fast input stays exact).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { Choices, Menu } from '../../screens/ui.js';

afterEach(() => cleanup());

const tone = () => undefined;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('menus on ink-select-input', () => {
  it('draws today\'s look: "> label  detail", disabled items with the reason', () => {
    const r = render(
      <Menu
        items={[
          { id: 'a', label: 'First-time setup', detail: 'role, hosts' },
          { id: 'b', label: 'Resume', disabled: 'no interrupted run' },
          { id: 'c', label: 'Quit' },
        ]}
        cursor={2}
        width={80}
        labelWidth={20}
        tone={tone}
      />,
    );
    const f = r.lastFrame()!;
    expect(f).toMatch(/^ {2}First-time setup {4}role, hosts$/m);
    expect(f).toMatch(/^ {2}Resume {14}\(no interrupted run\)$/m);
    expect(f).toMatch(/^> Quit/m);
  });

  it('follows the cursor of the state and ignores keys itself', async () => {
    const items = [
      { id: 'skip', label: 'No, skip this change' },
      { id: 'yes', label: 'Yes, apply it' },
    ];
    const r = render(<Choices items={items} cursor={0} tone={tone} />);
    expect(r.lastFrame()).toMatch(/^> No, skip this change {2}\(default\)$/m);
    r.stdin.write('\u001B[B');
    r.stdin.write('j');
    await sleep(30);
    expect(r.lastFrame()).toMatch(/^> No, skip this change/m);
    r.rerender(<Choices items={items} cursor={1} tone={tone} />);
    expect(r.lastFrame()).toMatch(/^> Yes, apply it/m);
  });

  it('is the component the menus of the screens are drawn with', () => {
    const ui = readFileSync(resolve(import.meta.dirname, '../../screens/ui.tsx'), 'utf8');
    expect(ui).toMatch(/from 'ink-select-input'/);
    const role = readFileSync(resolve(import.meta.dirname, '../../screens/Role.tsx'), 'utf8');
    expect(role).toMatch(/<Select /);
  });
});
