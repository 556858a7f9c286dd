// TEMPORARY placeholder, replaced by the readers work (issue 2): reads inputs into one Bundle.
import { InputError } from '../errors.js';
import type { Bundle } from '../model/bundle.js';
import type { ReadOptions } from './types.js';

export type { ReadBudget, ReadOptions, ReadProgress } from './types.js';

export async function readInputs(paths: string[], _options: ReadOptions = {}): Promise<Bundle> {
  throw new InputError(paths[0] ?? '', 'no reader implemented yet');
}
