/**
 * Just enough RFC 4515 to answer `zmprov sa "(zimbraMailCatchAllAddress=@example.com)"`:
 * & | ! groups, equality, presence (attr=*) and substring (a*b*c) tests, all case-insensitive
 * as the caseIgnore matching rules of the attributes zsplit searches on are.
 */
import type { Attrs } from './state.js';
import { getAttr } from './state.js';

export type Filter =
  | { op: 'and' | 'or'; items: Filter[] }
  | { op: 'not'; item: Filter }
  | { op: 'present'; attr: string }
  | { op: 'eq'; attr: string; value: string }
  | { op: 'substr'; attr: string; parts: string[] };

export class FilterSyntaxError extends Error {}

function unescape(v: string): string {
  return v.replace(/\\([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(Number.parseInt(h, 16)));
}

export function parseFilter(text: string): Filter {
  let pos = 0;
  const s = text.trim();

  function parse(): Filter {
    if (s[pos] !== '(') throw new FilterSyntaxError(`expected ( at ${pos}`);
    pos++;
    const c = s[pos];
    let f: Filter;
    if (c === '&' || c === '|') {
      pos++;
      const items: Filter[] = [];
      while (s[pos] === '(') items.push(parse());
      f = { op: c === '&' ? 'and' : 'or', items };
    } else if (c === '!') {
      pos++;
      f = { op: 'not', item: parse() };
    } else {
      const end = s.indexOf(')', pos);
      if (end < 0) throw new FilterSyntaxError('missing )');
      const item = s.slice(pos, end);
      const eq = item.indexOf('=');
      if (eq <= 0) throw new FilterSyntaxError(`bad item ${item}`);
      const attr = item.slice(0, eq).replace(/[~<>]$/, '');
      const value = item.slice(eq + 1);
      if (value === '*') f = { op: 'present', attr };
      else if (value.includes('*')) f = { op: 'substr', attr, parts: value.split('*').map(unescape) };
      else f = { op: 'eq', attr, value: unescape(value) };
      pos = end;
    }
    if (s[pos] !== ')') throw new FilterSyntaxError(`expected ) at ${pos}`);
    pos++;
    return f;
  }

  // A bare `attr=value` is accepted too, as LDAP tools do.
  const f = s.startsWith('(') ? parse() : ((): Filter => {
    pos = 0;
    const wrapped = `(${s})`;
    return parseFilter(wrapped);
  })();
  if (s.startsWith('(') && pos !== s.length) throw new FilterSyntaxError('trailing characters');
  return f;
}

function substrMatch(value: string, parts: string[]): boolean {
  const v = value.toLowerCase();
  let at = 0;
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i].toLowerCase();
    if (p === '') continue;
    if (i === 0) {
      if (!v.startsWith(p)) return false;
      at = p.length;
    } else if (i === parts.length - 1) {
      return v.length - p.length >= at && v.endsWith(p);
    } else {
      const idx = v.indexOf(p, at);
      if (idx < 0) return false;
      at = idx + p.length;
    }
  }
  return true;
}

export function matchFilter(f: Filter, attrs: Attrs): boolean {
  switch (f.op) {
    case 'and':
      return f.items.every((x) => matchFilter(x, attrs));
    case 'or':
      return f.items.some((x) => matchFilter(x, attrs));
    case 'not':
      return !matchFilter(f.item, attrs);
    case 'present':
      return (getAttr(attrs, f.attr)?.length ?? 0) > 0;
    case 'eq':
      return (getAttr(attrs, f.attr) ?? []).some((v) => v.toLowerCase() === f.value.toLowerCase());
    case 'substr':
      return (getAttr(attrs, f.attr) ?? []).some((v) => substrMatch(v, f.parts));
  }
}
