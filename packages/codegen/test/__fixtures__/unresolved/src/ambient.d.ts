// A middleware from a compiled package: only its declaration is visible.
export declare const rateLimit: never;
