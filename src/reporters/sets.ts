/** Which set a finding's control belongs to, for reports that group or label the two sets apart. */
import { controlSetOf } from '../controls/index.js';
import type { ControlSet, Finding } from '../model/index.js';

/** The set of a finding's control: the finding's own word, else the registry's (findings made by hand may lack it). */
export function setOf(f: Finding): ControlSet {
  return f.set ?? controlSetOf(f.control);
}
