/** Command-line arguments of the daemon. */
export interface CliArgs {
  readonly checkConfig: boolean;
  readonly help: boolean;
  readonly configDir?: string;
}

export const USAGE = `usage: npm start [-- options]
  --check-config       validate config/ and .env, print the effective config (secrets masked), exit
  --config-dir DIR     read default.json and local.json from DIR (default: ./config or $CONFIG_DIR)
  --help               this text`;

export function parseArgs(argv: readonly string[]): CliArgs | { error: string } {
  let checkConfig = false;
  let help = false;
  let configDir: string | undefined;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--check-config' || arg === 'check-config') checkConfig = true;
    else if (arg === '--help' || arg === '-h') help = true;
    else if (arg === '--config-dir') {
      configDir = argv[i + 1];
      i += 1;
      if (!configDir) return { error: '--config-dir needs a folder path' };
    } else if (arg?.startsWith('--config-dir=')) configDir = arg.slice('--config-dir='.length);
    else return { error: `unknown argument ${JSON.stringify(arg)}` };
  }
  return { checkConfig, help, configDir };
}
