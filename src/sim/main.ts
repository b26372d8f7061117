/** Standalone venue simulator: `node dist/src/sim/main.js --venues deribit [--port N]`. */
import { runSimCli } from './cli.js';

const code = await runSimCli(process.argv.slice(2), {
  stdout: (line) => process.stdout.write(`${line}\n`),
  stderr: (line) => process.stderr.write(`${line}\n`),
  onStopSignal: (handler) => {
    process.once('SIGINT', handler);
    process.once('SIGTERM', handler);
  },
});
process.exit(code);
