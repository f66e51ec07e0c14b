// Types of bin/build-kit.mjs, for the kit's TypeScript (tests) that imports it.
export declare const projectRoot: string;
export declare const BUILD_DIR: string;
/** a hash of the kit's sources' paths, sizes and modification times */
export declare function sourcesKey(root?: string, extra?: string[]): string;
/** whether ROOT/.build was compiled from the kit/ that is there now */
export declare function isFresh(root?: string): boolean;
/** compile ROOT/kit into ROOT/.build/kit unless up to date; whether it compiled */
export declare function buildKit(root?: string, opts?: { force?: boolean }): Promise<boolean>;
