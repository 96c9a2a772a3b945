// What every command that ends with a session prints and writes: the table, and the report files asked for.
import { writeFile } from 'node:fs/promises';
import type { RecommenderIo } from '../context.js';
import { RecommenderError } from '../errors.js';
import { jsonReport } from '../reports/json-report.js';
import { markdownReport } from '../reports/markdown-report.js';
import { tableReport } from '../reports/table-report.js';
import type { Session } from '../sessions/session.js';

export interface ReportOptions {
  output?: string;
  markdown?: string;
  top: number;
}

export async function printAndWriteReports(io: RecommenderIo, session: Session, options: ReportOptions): Promise<void> {
  io.writeOut(tableReport(session, options.top));
  io.writeOut(`Session ${session.id}: ${session.state}${session.stopReason ? ` (${session.stopReason})` : ''}\n`);
  if (session.executor === 'simulated') io.writeOut('Simulated: trials ran on the simulated mesh, not on a control plane.\n');
  if (options.output) await writeReport(io, options.output, `${JSON.stringify(jsonReport(session), null, 2)}\n`, 'JSON');
  if (options.markdown) await writeReport(io, options.markdown, markdownReport(session), 'Markdown');
}

async function writeReport(io: RecommenderIo, path: string, text: string, what: string): Promise<void> {
  try {
    await writeFile(path, text);
  } catch (error) {
    throw new RecommenderError(`cannot write the ${what} report to ${path}: ${(error as Error).message}`);
  }
  io.writeOut(`${what} report written to ${path}\n`);
}
