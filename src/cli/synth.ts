import { Command } from 'commander';
import { formatDiagnostic } from '../automation/validate/diagnostic';
import { staleFiles, synthesize, writeSynth } from '../synth';

/** Adds `synth`: renders the runbooks and their docs into a folder, validating each document. */
export function registerSynth(program: Command): void {
  program
    .command('synth')
    .description('render every runbook to YAML and Markdown, validating each document first')
    .option('--out <dir>', 'folder to write to', 'runbooks')
    .option('--check', 'write nothing; exit 1 if the folder differs from a fresh synth')
    .action((opts: { out: string; check?: boolean }) => {
      const { files, diagnostics } = synthesize();
      for (const d of diagnostics) process.stderr.write(`${d.severity}: ${formatDiagnostic(d)}\n`);
      if (diagnostics.some((d) => d.severity === 'error')) {
        process.stderr.write('synth: the rendered runbooks have errors; nothing written\n');
        process.exitCode = 1;
        return;
      }
      if (opts.check === true) {
        const stale = staleFiles(opts.out, files);
        for (const name of stale) process.stderr.write(`stale: ${opts.out}/${name}\n`);
        process.stdout.write(stale.length === 0 ? `${opts.out}/ is up to date (${files.size} files)\n` : `${stale.length} stale file(s); run \`npm run synth\`\n`);
        process.exitCode = stale.length === 0 ? 0 : 1;
        return;
      }
      const changed = writeSynth(opts.out, files);
      process.stdout.write(`synth: ${files.size} files in ${opts.out}/, ${changed.length} changed${changed.length > 0 ? `: ${changed.join(', ')}` : ''}\n`);
    });
}
