/**
 * zmprov's command table (ProvUtil.Command: names, aliases, help categories, usage texts and
 * argument counts), the commands the simulator refuses, and the usage and error texts.
 */

// ---------------------------------------------------------------------------------------------
// Command table (names, aliases, usage text and argument counts from ProvUtil.Command).

export type Category =
  | 'ACCOUNT'
  | 'CALENDAR'
  | 'COMMANDS'
  | 'CONFIG'
  | 'COS'
  | 'DOMAIN'
  | 'FREEBUSY'
  | 'LIST'
  | 'LOG'
  | 'MISC'
  | 'MAILBOX'
  | 'REVERSEPROXY'
  | 'RIGHT'
  | 'SEARCH'
  | 'SERVER'
  | 'ALWAYSONCLUSTER'
  | 'UCSERVICE'
  | 'SHARE'
  | 'HAB'
  | 'MOBILE';

export const CATEGORIES: [Category, string][] = [
  ['ACCOUNT', 'help on account-related commands'],
  ['CALENDAR', 'help on calendar resource-related commands'],
  ['COMMANDS', 'help on all commands'],
  ['CONFIG', 'help on config-related commands'],
  ['COS', 'help on COS-related commands'],
  ['DOMAIN', 'help on domain-related commands'],
  ['FREEBUSY', 'help on free/busy-related commands'],
  ['LIST', 'help on distribution list-related commands'],
  ['LOG', 'help on logging commands'],
  ['MISC', 'help on misc commands'],
  ['MAILBOX', 'help on mailbox-related commands'],
  ['REVERSEPROXY', 'help on reverse proxy related commands'],
  ['RIGHT', 'help on right-related commands'],
  ['SEARCH', 'help on search-related commands'],
  ['SERVER', 'help on server-related commands'],
  ['ALWAYSONCLUSTER', 'help on alwaysOnCluster-related commands'],
  ['UCSERVICE', 'help on ucservice-related commands'],
  ['SHARE', 'help on share related commands'],
  ['HAB', 'help on HAB commands'],
  ['MOBILE', 'help on mobile devices management commands'],
];

export const CACHE_TYPES = [
  'acl',
  'locale',
  'skin',
  'uistrings',
  'license',
  'all',
  'account',
  'config',
  'globalgrant',
  'cos',
  'domain',
  'galgroup',
  'group',
  'mime',
  'server',
  'alwaysOnCluster',
  'zimlet',
];

const MAX = Number.MAX_SAFE_INTEGER;

export interface CommandSpec {
  id: string;
  name: string;
  alias: string;
  help?: string;
  cat?: Category;
  min: number;
  max: number;
  via?: 'ldap' | 'soap';
}

// Declaration order of the Command enum, which `help commands` follows.
export const COMMANDS: CommandSpec[] = [
  { id: 'aaa', name: 'addAccountAlias', alias: 'aaa', help: '{name@domain|id} {alias@domain}', cat: 'ACCOUNT', min: 2, max: 2 },
  { id: 'adla', name: 'addDistributionListAlias', alias: 'adla', help: '{list@domain|id} {alias@domain}', cat: 'LIST', min: 2, max: 2 },
  { id: 'adlm', name: 'addDistributionListMember', alias: 'adlm', help: '{list@domain|id} {member@domain}+', cat: 'LIST', min: 2, max: MAX },
  { id: 'cta', name: 'countAccount', alias: 'cta', help: '{domain|id}', cat: 'DOMAIN', min: 1, max: 1 },
  { id: 'ca', name: 'createAccount', alias: 'ca', help: '{name@domain} {password} [attr1 value1 [attr2 value2...]]', cat: 'ACCOUNT', min: 2, max: MAX },
  { id: 'cad', name: 'createAliasDomain', alias: 'cad', help: '{alias-domain-name} {local-domain-name|id} [attr1 value1 [attr2 value2...]]', cat: 'DOMAIN', min: 2, max: MAX },
  { id: 'cdl', name: 'createDistributionList', alias: 'cdl', help: '{list@domain}', cat: 'LIST', min: 1, max: MAX },
  { id: 'cd', name: 'createDomain', alias: 'cd', help: '{domain} [attr1 value1 [attr2 value2...]]', cat: 'DOMAIN', min: 1, max: MAX },
  { id: 'da', name: 'deleteAccount', alias: 'da', help: '{name@domain|id}', cat: 'ACCOUNT', min: 1, max: 1 },
  { id: 'ddl', name: 'deleteDistributionList', alias: 'ddl', help: '{list@domain|id} [true|false]', cat: 'LIST', min: 1, max: 2 },
  { id: 'dd', name: 'deleteDomain', alias: 'dd', help: '{domain|id}', cat: 'DOMAIN', min: 1, max: 1 },
  { id: 'desc', name: 'describe', alias: 'desc', help: '[[-v] [-ni] [{entry-type}]] | [-a {attribute-name}]', cat: 'MISC', min: 0, max: MAX },
  { id: 'exit', name: 'exit', alias: 'quit', help: '', cat: 'MISC', min: 0, max: 0 },
  { id: 'fc', name: 'flushCache', alias: 'fc', help: `[-a] {${CACHE_TYPES.join('|')}|<extension-cache-type>} [name1|id1 [name2|id2...]]`, cat: 'MISC', min: 1, max: MAX },
  { id: 'ga', name: 'getAccount', alias: 'ga', help: '[-e] {name@domain|id} [attr1 [attr2...]]', cat: 'ACCOUNT', min: 1, max: MAX },
  { id: 'gaa', name: 'getAllAccounts', alias: 'gaa', help: '[-v] [-e] [-s server] [{domain}]', cat: 'ACCOUNT', min: 0, max: 5, via: 'ldap' },
  { id: 'gacr', name: 'getAllCalendarResources', alias: 'gacr', help: '[-v] [-e] [-s server] [{domain}]', cat: 'CALENDAR', min: 0, max: 5 },
  { id: 'gacf', name: 'getAllConfig', alias: 'gacf', help: '[attr1 [attr2...]]', cat: 'CONFIG', min: 0, max: MAX },
  { id: 'gad', name: 'getAllDomains', alias: 'gad', help: '[-v] [-e] [attr1 [attr2...]]', cat: 'DOMAIN', min: 0, max: MAX },
  { id: 'gas', name: 'getAllServers', alias: 'gas', help: '[-v] [-e] [service]', cat: 'SERVER', min: 0, max: 3 },
  { id: 'gcf', name: 'getConfig', alias: 'gcf', help: '{name}', cat: 'CONFIG', min: 1, max: 1 },
  { id: 'gadl', name: 'getAllDistributionLists', alias: 'gadl', help: '[-v] [{domain}]', cat: 'LIST', min: 0, max: 2 },
  { id: 'gdl', name: 'getDistributionList', alias: 'gdl', help: '{list@domain|id} [attr1 [attr2...]]', cat: 'LIST', min: 1, max: MAX },
  { id: 'gd', name: 'getDomain', alias: 'gd', help: '[-e] {domain|id} [attr1 [attr2...]]', cat: 'DOMAIN', min: 1, max: MAX },
  { id: 'gs', name: 'getServer', alias: 'gs', help: '[-e] {name|id} [attr1 [attr2...]]', cat: 'SERVER', min: 1, max: MAX },
  { id: 'help', name: 'help', alias: '?', help: 'commands', cat: 'MISC', min: 0, max: 1 },
  { id: 'ma', name: 'modifyAccount', alias: 'ma', help: '{name@domain|id} [attr1 value1 [attr2 value2...]]', cat: 'ACCOUNT', min: 3, max: MAX },
  { id: 'mcf', name: 'modifyConfig', alias: 'mcf', help: 'attr1 value1 [attr2 value2...]', cat: 'CONFIG', min: 2, max: MAX },
  { id: 'mdl', name: 'modifyDistributionList', alias: 'mdl', help: '{list@domain|id} attr1 value1 [attr2 value2...]', cat: 'LIST', min: 3, max: MAX },
  { id: 'md', name: 'modifyDomain', alias: 'md', help: '{domain|id} [attr1 value1 [attr2 value2...]]', cat: 'DOMAIN', min: 3, max: MAX },
  { id: 'ms', name: 'modifyServer', alias: 'ms', help: '{name|id} [attr1 value1 [attr2 value2...]]', cat: 'SERVER', min: 3, max: MAX },
  { id: 'raa', name: 'removeAccountAlias', alias: 'raa', help: '{name@domain|id} {alias@domain}', cat: 'ACCOUNT', min: 2, max: 2 },
  { id: 'rdla', name: 'removeDistributionListAlias', alias: 'rdla', help: '{list@domain|id} {alias@domain}', cat: 'LIST', min: 2, max: 2 },
  { id: 'rdlm', name: 'removeDistributionListMember', alias: 'rdlm', help: '{list@domain|id} {member@domain}', cat: 'LIST', min: 2, max: MAX },
  { id: 'rdl', name: 'renameDistributionList', alias: 'rdl', help: '{list@domain|id} {newName@domain}', cat: 'LIST', min: 2, max: 2 },
  {
    id: 'sa',
    name: 'searchAccounts',
    alias: 'sa',
    help: '[-v] {ldap-query} [limit {limit}] [offset {offset}] [sortBy {attr}] [sortAscending 0|1*] [domain {domain}]',
    cat: 'SEARCH',
    min: 1,
    max: MAX,
  },
];

// Real commands the simulator does not model: they fail loudly instead of pretending.
const NOT_SIMULATED: [string, string][] = [
  ['getMailboxInfo', 'gmi'],
  ['setPassword', 'sp'],
  ['renameAccount', 'ra'],
  ['getAccountMembership', 'gam'],
  ['getAllAdminAccounts', 'gaaa'],
  ['getCos', 'gc'],
  ['getAllCos', 'gac'],
  ['modifyCos', 'mc'],
  ['createServer', 'cs'],
];

const COMMAND_INDEX = new Map<string, CommandSpec>();
for (const c of COMMANDS) {
  COMMAND_INDEX.set(c.name.toLowerCase(), c);
  COMMAND_INDEX.set(c.alias.toLowerCase(), c);
}
for (const [name, alias] of NOT_SIMULATED) {
  const spec: CommandSpec = { id: 'unsimulated', name, alias, min: 0, max: MAX };
  COMMAND_INDEX.set(name.toLowerCase(), spec);
  COMMAND_INDEX.set(alias.toLowerCase(), spec);
}

export function lookupCommand(word: string): CommandSpec | undefined {
  return COMMAND_INDEX.get(word.toLowerCase());
}

export const ERR_VIA_SOAP_ONLY = 'can only be used with SOAP';
export const ERR_VIA_LDAP_ONLY = 'can only be used with  "zmprov -l/--ldap"';
export const ERR_INVALID_ARG_EV = 'arg -e is invalid unless -v is also specified';

export const GENERAL_USAGE = [
  '',
  'zmprov [args] [cmd] [cmd-args ...]',
  '',
  '  -h/--help                             display usage',
  '  -f/--file                             use file as input stream',
  '  -s/--server   {host}[:{port}]         server hostname and optional port',
  '  -l/--ldap                             provision via LDAP instead of SOAP',
  '  -L/--logpropertyfile                  log4j property file, valid only with -l',
  '  -a/--account  {name}                  account name to auth as',
  '  -p/--password {pass}                  password for account',
  '  -P/--passfile {file}                  read password from file',
  '  -z/--zadmin                           use zimbra admin name/password from localconfig for admin/password',
  '  -y/--authtoken {authtoken}            use auth token string (has to be in JSON format) from command line',
  '  -Y/--authtokenfile {authtoken file}   read auth token (has to be in JSON format) from a file',
  '  -v/--verbose                          verbose mode (dumps full exception stack trace)',
  '  -d/--debug                            debug mode (dumps SOAP messages)',
  '  -m/--master                           use LDAP master (only valid with -l)',
  '  -r/--replace                          allow replacement of safe-guarded multi-valued attributes configured in localconfig key "zmprov_safeguarded_attrs"',
  '',
].join('\n');
