/** Where the Zimbra tools live; overridable so tests and odd installs work. */
import type { ZimbraTool } from './types.js';

export interface ToolPaths {
  /** --zmprov / ZSPLIT_ZMPROV */
  zmprov?: string;
  /** ZSPLIT_ZIMBRA_BIN: a folder holding every tool (the simulator's bin/sim, for instance). */
  binDir?: string;
}

export function toolPath(tool: ZimbraTool, p: ToolPaths): string {
  if (tool === 'zmprov' && p.zmprov) return p.zmprov;
  if (p.binDir) return `${p.binDir.replace(/\/$/, '')}/${tool}`;
  if (tool === 'postconf' || tool === 'postmap') return `/opt/zimbra/common/sbin/${tool}`;
  return `/opt/zimbra/bin/${tool}`;
}
