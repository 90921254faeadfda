/** `masklens` command line: the same core and worker pool as the extension. */
const USAGE = `usage: masklens <command> FILE [options]
commands:
  probe                 report which TensorFlow backend the worker pool runs
`;

async function main(argv: string[]): Promise<number> {
  const [command] = argv;
  const io = { stdout: (s: string) => process.stdout.write(s), stderr: (s: string) => process.stderr.write(s) };
  switch (command) {
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
