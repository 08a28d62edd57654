// Types of jq-loader.cjs.
interface JqWeb {
  raw(input: string, filter: string, flags?: string[]): string;
}
export declare function loadJqWeb(): Promise<JqWeb>;
