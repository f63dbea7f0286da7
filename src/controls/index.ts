/**
 * The control registry: every Security Hub ECS control ecsguard implements, in ID order.
 * There is no ECS.6, ECS.7 or ECS.11 (see ../shared/spec/controls.md).
 */
import type { Control } from './types.js';
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

/** Every control, ordered by ID number. */
export const CONTROLS: readonly Control[] = [
  ecs01, ecs02, ecs03, ecs04, ecs05, ecs08, ecs09, ecs10, ecs12, ecs13, ecs14, ecs15, ecs16, ecs17, ecs18, ecs19, ecs20, ecs21,
];

const BY_ID = new Map(CONTROLS.map((c) => [c.id.toUpperCase(), c]));

/** The control with `id` (case-insensitive, `ECS.21` or `ecs.21`), or undefined. */
export function controlById(id: string): Control | undefined {
  return BY_ID.get(id.trim().toUpperCase());
}

export type { Control, ControlParams, ControlDocs, ParameterSpec, ParamValue } from './types.js';
