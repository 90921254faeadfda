/** `masklens` command line: the same core and worker pool as the extension. */
const USAGE = `usage: masklens <command> FILE [options]
commands:
  analyze FILE [--keras keras3|tf-keras2] [--json]   static mask flow and diagnostics (never runs FILE)
  probe [--workers N] [--json]                       which TensorFlow backend the worker pool runs
`;

async function main(argv: string[]): Promise<number> {
  const [command] = argv;
  const io = { stdout: (s: string) => process.stdout.write(s), stderr: (s: string) => process.stderr.write(s) };
  switch (command) {
    case 'analyze': {
      const { runAnalyze } = await import('./analyze');
      return runAnalyze(argv.slice(1), io);
    }
    case 'probe': {
      const { runProbe } = await import('./probe');
      return runProbe(argv.slice(1), io);
    }
    default:
      io.stderr(USAGE);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`masklens: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
