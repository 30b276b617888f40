import type { BuildOptions } from 'esbuild';

export declare const common: BuildOptions & { banner: { js: string } };
export declare const launcher: BuildOptions & { define: Record<string, string> };
