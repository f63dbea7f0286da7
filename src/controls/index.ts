/**
 * The control registry: every Security Hub ECS control ecsguard implements, in ID order, then
 * ecsguard's own hardening checks (`ECSG.1` ...), a separate set that never claims to be
 * Security Hub's. There is no ECS.6, ECS.7 or ECS.11 (see ../shared/spec/controls.md).
 */
import type { Control, ControlSet } from './types.js';
import { ecs01 } from './ecs-01.js';
import { ecs02 } from './ecs-02.js';
import { ecs03 } from './ecs-03.js';
import { ecs04 } from './ecs-04.js';
import { ecs05 } from './ecs-05.js';
import { ecs08 } from './ecs-08.js';
import { ecs09 } from './ecs-09.js';
import { ecs10 } from './ecs-10.js';
import { ecs12 } from './ecs-12.js';
import { ecs13 } from './ecs-13.js';
import { ecs14 } from './ecs-14.js';
import { ecs15 } from './ecs-15.js';
import { ecs16 } from './ecs-16.js';
import { ecs17 } from './ecs-17.js';
import { ecs18 } from './ecs-18.js';
import { ecs19 } from './ecs-19.js';
import { ecs20 } from './ecs-20.js';
import { ecs21 } from './ecs-21.js';
import { ecsg01 } from './ecsg-01.js';
import { ecsg02 } from './ecsg-02.js';
import { ecsg03 } from './ecsg-03.js';
import { ecsg04 } from './ecsg-04.js';
import { ecsg05 } from './ecsg-05.js';
import { ecsg06 } from './ecsg-06.js';
import { ecsg07 } from './ecsg-07.js';
import { ecsg08 } from './ecsg-08.js';
import { ecsg09 } from './ecsg-09.js';
import { ecsg10 } from './ecsg-10.js';

/** Every control: Security Hub's by ID number, then the hardening checks by ID number. */
export const CONTROLS: readonly Control[] = [
  ecs01, ecs02, ecs03, ecs04, ecs05, ecs08, ecs09, ecs10, ecs12, ecs13, ecs14, ecs15, ecs16, ecs17, ecs18, ecs19, ecs20, ecs21,
  ecsg01, ecsg02, ecsg03, ecsg04, ecsg05, ecsg06, ecsg07, ecsg08, ecsg09, ecsg10,
];

/** The control sets, in report order. */
export const CONTROL_SETS: readonly ControlSet[] = ['security-hub', 'extra'];

/** How reports name each set. */
export const CONTROL_SET_TITLES: Readonly<Record<ControlSet, string>> = {
  'security-hub': 'AWS Security Hub controls',
  extra: 'ecsguard hardening checks',
};

/**
 * The set of a control ID: the registry's word, else by prefix (`ECSG.` is ecsguard's own);
 * reports use it for findings whose control the registry does not know.
 */
export function controlSetOf(id: string): ControlSet {
  return BY_ID.get(id.trim().toUpperCase())?.set ?? (/^ECSG\./i.test(id.trim()) ? 'extra' : 'security-hub');
}

const BY_ID = new Map(CONTROLS.map((c) => [c.id.toUpperCase(), c]));

/** The control with `id` (case-insensitive, `ECS.21` or `ecs.21`), or undefined. */
export function controlById(id: string): Control | undefined {
  return BY_ID.get(id.trim().toUpperCase());
}

export type { Control, ControlParams, ControlDocs, ControlSet, ParameterSpec, ParamValue, PeerCheck } from './types.js';
