import type { BuildOptions } from 'esbuild';

export declare const common: BuildOptions & { banner: { js: string } };
export declare const launcher: BuildOptions & { define: Record<string, string> };
export declare const LAZY_LIBS: string[];
export declare function buildOneFile(o: { entry: string; outfile: string; lazy?: string[]; extra?: BuildOptions }): Promise<{ files: { name: string; bytes: number }[] }>;
export declare function carriedComment(files: [string, string][]): string;
