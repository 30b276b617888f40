// Issue 15: the wizard's rooms. No import circle between files (type imports included), no file
// over 600 lines, every file says in its first line what it is for, one reducer and key map per screen.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : /\.tsx?$/.test(n) ? [p] : [];
  });
}

/** The project files a file imports (relative specifiers, .js mapped back to .ts/.tsx). */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'";]*?from\s+'(\.[^']+)'/g)) {
    const base = resolve(dirname(file), m[1]).replace(/\.js$/, '');
    const hit = ['.ts', '.tsx'].map((e) => base + e).find((p) => existsSync(p));
    if (hit) out.push(hit);
  }
  return out;
}

/** Every import circle reachable from the files, as paths relative to the repo. */
export function cycles(start: string[]): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (f: string) => {
    state.set(f, 'open');
    stack.push(f);
    for (const g of importsOf(f)) {
      if (state.get(g) === 'open') found.push([...stack.slice(stack.indexOf(g)), g].map((p) => p.slice(ROOT.length + 1)));
      else if (!state.has(g)) visit(g);
    }
    stack.pop();
    state.set(f, 'done');
  };
  for (const f of start) if (!state.has(f)) visit(f);
  return found;
}

const WIZARD = [...files(join(ROOT, 'src/wizard')), ...files(join(ROOT, 'screens'))];

describe('the wizard rooms', () => {
  it('no import circle among the wizard and its screens', () => {
    expect(cycles(WIZARD)).toEqual([]);
  });

  it('no file over 600 lines, and each starts by saying what it is for', () => {
    for (const f of WIZARD) {
      const text = readFileSync(f, 'utf8');
      expect(text.split('\n').length, f).toBeLessThanOrEqual(600);
      const [first, second] = text.split('\n');
      expect(/^\/\/ ?\S|^\/\*\* ?\S/.test(first) || (first === '/**' && /^ \* \S/.test(second)), f).toBe(true);
    }
  });

  it('each screen of screens/ has its reducer and key map under src/wizard/screens/, named like it', async () => {
    for (const tsx of readdirSync(join(ROOT, 'screens')).filter((n) => /^[A-Z]\w+\.tsx$/.test(n) && n !== 'App.tsx')) {
      const name = tsx.replace(/\.tsx$/, '').toLowerCase();
      const mod = (await import(join(ROOT, 'src/wizard/screens', `${name}.ts`))) as Record<string, unknown>;
      expect(typeof mod.reduce, name).toBe('function');
      expect(typeof mod.keys, name).toBe('function');
    }
  });
});
