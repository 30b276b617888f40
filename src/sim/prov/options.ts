/** zmprov's own options (-l, -f, -s, -v, -r, ...): commons-cli's PosixParser with stopAtNonOption. */

// ---------------------------------------------------------------------------------------------
// Option parsing (commons-cli PosixParser with stopAtNonOption).

export interface Options {
  help: boolean;
  file?: string;
  server?: string;
  ldap: boolean;
  logprops?: string;
  zadmin: boolean;
  verbose: boolean;
  debug: boolean;
  debugHigh: boolean;
  master: boolean;
  replace: boolean;
  forceDisplay: boolean;
  authToken?: string;
  authTokenFile?: string;
  args: string[];
}

const WITH_ARG: Record<string, string> = { f: 'file', s: 'server', L: 'logprops', a: 'account', p: 'password', P: 'passfile', y: 'authtoken', Y: 'authtokenfile' };
const FLAGS: Record<string, string> = { h: 'help', l: 'ldap', z: 'zadmin', v: 'verbose', d: 'debug', D: 'debughigh', m: 'master', t: 'temp', r: 'replace', fd: 'forcedisplay' };
const LONG: Record<string, string> = {
  help: 'h',
  file: 'f',
  server: 's',
  ldap: 'l',
  logpropertyfile: 'L',
  account: 'a',
  password: 'p',
  passfile: 'P',
  zadmin: 'z',
  verbose: 'v',
  debug: 'd',
  debughigh: 'D',
  master: 'm',
  temp: 't',
  replace: 'r',
  forcedisplay: 'fd',
  authtoken: 'y',
  authtokenfile: 'Y',
};

export class OptionError extends Error {}

export function parseOptions(argv: string[]): Options {
  const o: Options = { help: false, ldap: false, zadmin: false, verbose: false, debug: false, debugHigh: false, master: false, replace: false, forceDisplay: false, args: [] };
  const set = (opt: string, value?: string) => {
    switch (opt) {
      case 'h': o.help = true; break;
      case 'f': o.file = value; break;
      case 's': o.server = value; break;
      case 'L': o.logprops = value; break;
      case 'l': o.ldap = true; break;
      case 'z': o.zadmin = true; break;
      case 'v': o.verbose = true; break;
      case 'd': o.debug = true; break;
      case 'D': o.debugHigh = true; break;
      case 'm': o.master = true; break;
      case 'r': o.replace = true; break;
      case 'fd': o.forceDisplay = true; break;
      case 'y': o.authToken = value; break;
      case 'Y': o.authTokenFile = value; break;
      default: break; // -a -p -P -t: accepted, no effect in the simulator
    }
  };
  let i = 0;
  const takeValue = (opt: string, inline: string | undefined): string => {
    if (inline !== undefined && inline !== '') return inline;
    if (i + 1 < argv.length) return argv[++i];
    throw new OptionError(`Missing argument for option: ${opt}`);
  };
  for (; i < argv.length; i++) {
    const tok = argv[i];
    if (tok === '--') {
      i++;
      break;
    }
    if (tok.startsWith('--')) {
      const [name, inline] = tok.slice(2).split(/=(.*)/s, 2);
      const opt = LONG[name];
      if (!opt) break; // unknown: becomes the command (and fails as one)
      set(opt, opt in WITH_ARG ? takeValue(opt, inline) : undefined);
      continue;
    }
    if (!tok.startsWith('-') || tok === '-') break;
    const body = tok.slice(1);
    if (body in FLAGS) {
      set(body);
      continue;
    }
    if (body in WITH_ARG) {
      set(body, takeValue(body, undefined));
      continue;
    }
    // Burst: -lv, -ffile
    let consumed = true;
    for (let j = 0; j < body.length; j++) {
      const c = body[j];
      if (c in FLAGS) set(c);
      else if (c in WITH_ARG) {
        set(c, takeValue(c, body.slice(j + 1)));
        break;
      } else {
        consumed = false;
        break;
      }
    }
    if (!consumed) break;
  }
  o.args = argv.slice(i);
  return o;
}
