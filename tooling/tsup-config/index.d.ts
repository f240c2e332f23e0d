import type { Options } from "tsup";

export declare function bundleProcess(options: {
  entry: Options["entry"];
  /** Packages loaded from node_modules at run time instead of bundled. */
  external?: string[];
  onSuccess?: () => Promise<void>;
}): Options | Options[] | ((overrideOptions: Options) => Options | Options[] | Promise<Options | Options[]>);
