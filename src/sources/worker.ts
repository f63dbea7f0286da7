/**
 * Worker thread entry: reads and parses the files it is sent (the expensive part of a scan of
 * many templates) and sends back transferable resources and errors, in the order received.
 */
import { parentPort } from 'node:worker_threads';
import { readInput, type SourceOptions } from './index.js';
import { toTransfer, type TransferredResource } from './transfer.js';
import type { InputError } from '../model/index.js';

/** A batch of files to read. */
export interface WorkRequest {
  id: number;
  files: { path: string; explicit: boolean }[];
  options: SourceOptions;
}

/** What a batch gave: one entry per file, null for a walked file in no known format. */
export interface WorkResult {
  id: number;
  results: ({ resources: TransferredResource[]; errors: InputError[]; parameterNames?: string[] } | null)[];
}

parentPort?.on('message', (req: WorkRequest) => {
  const results: WorkResult['results'] = req.files.map((f) => {
    try {
      const out = readInput(f.path, f.explicit, req.options);
      return out && { resources: out.resources.map(toTransfer), errors: out.errors, parameterNames: out.parameterNames };
    } catch (e) {
      return { resources: [], errors: [{ file: f.path, line: null, column: null, message: `internal error while reading: ${(e as Error).message}` }] };
    }
  });
  parentPort?.postMessage({ id: req.id, results } satisfies WorkResult);
});
