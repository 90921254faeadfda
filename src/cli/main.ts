/** `masklens` command line: the same core and worker pool as the extension. */
const USAGE = `usage: masklens <command> FILE [options]     (masklens <command> --help for its options)
commands:
  analyze FILE|GLOB... [--format text|json|sarif] [--fail-on error|warning|never] [--keras keras3|tf-keras2]
                                                     static mask flow and findings (never runs FILE); exit 1 on findings
  evaluate FILE [--model NAME] [--output NAME] [--data X --labels Y] [--weights W.json] [--semantics none|valid-mean|total-mean|sequence-mean|all]
                [--keras keras3|tf-keras2] [--seed N] [--json] [--tensorflow DIR] [--download-tensorflow] [--verbose]
                                                     per-layer masks, per-timestep losses, every reduction
  compare FILE [...same]                             every reduction side by side, plus unmasked
  train FILE [...same] [--epochs N --batch-size N]   masked training, masked and unmasked loss per epoch
  probe [--workers N] [--json]                       which TensorFlow backend and library the workers run
`;

async function main(argv: string[]): Promise<number> {
  const [command] = argv;
  const io = { stdout: (s: string) => process.stdout.write(s), stderr: (s: string) => process.stderr.write(s) };
  switch (command) {
    case 'analyze': {
      const { runAnalyze } = await import('./analyze');
      return runAnalyze(argv.slice(1), io);
    }
    case 'evaluate':
    case 'compare':
    case 'train': {
      const { runEvaluate, runCompare, runTrain } = await import('./evaluate');
      const run = command === 'evaluate' ? runEvaluate : command === 'compare' ? runCompare : runTrain;
      return run(argv.slice(1), io);
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

/**
 * Exit once everything written has left: into a pipe, stdout is asynchronous, and a bare
 * process.exit() cut long --json output off at 64 KiB. (The explicit exit stays: a prompt's
 * stdin or a stray handle must not keep the process alive.)
 */
function exitAfterFlush(code: number): void {
  process.stdout.write('', () => process.stderr.write('', () => process.exit(code)));
}

main(process.argv.slice(2)).then(exitAfterFlush, (error: unknown) => {
  process.stderr.write(`masklens: ${error instanceof Error ? error.message : String(error)}\n`);
  exitAfterFlush(1);
});
