export declare const SDK_ENTRY: string;
export interface Bundle {
  code: string;
  bytes: number;
  gzipBytes: number;
  /** Paths of the modules inside. */
  modules: string[];
}
export declare function bundleSdk(options?: { entry?: string; external?: string[] }): Promise<Bundle>;
export declare function bundleSource(source: string): Promise<Bundle>;
