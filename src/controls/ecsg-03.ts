/**
 * ECSG.3 (ecsguard hardening): containers should not reach host devices, share the host's IPC
 * namespace, or switch off the kernel's confinement (seccomp, AppArmor, SELinux labels).
 */
import type { TaskDefinition } from '@aws-sdk/client-ecs';
import { isUnresolved, type Evaluation, type Resource } from '../model/index.js';
import { operatingSystemOf } from '../model/task-definition.js';
import { COMMON_MESSAGES, type Control } from './types.js';
import { field, judgeContainers, nested, stringItems, unknownField } from './helpers.js';

/** The confinement a `dockerSecurityOptions` entry switches off, or null. */
export function confinementSwitchedOff(option: string): 'seccomp' | 'AppArmor' | 'SELinux labelling' | 'masking of /proc and /sys' | null {
  const o = option.trim().toLowerCase().replace('=', ':');
  if (o === 'seccomp:unconfined') return 'seccomp';
  if (o === 'apparmor:unconfined') return 'AppArmor';
  if (o === 'label:disable') return 'SELinux labelling';
  if (o === 'systempaths:unconfined') return 'masking of /proc and /sys';
  return null;
}

export const ecsg03: Control = {
  id: 'ECSG.3',
  set: 'extra',
  title: 'ECS containers should not use host devices, the host IPC namespace or unconfined security profiles',
  severity: 'HIGH',
  resourceTypes: ['AWS::ECS::TaskDefinition'],
  fields: ['ipcMode', 'linuxParameters', 'devices', 'dockerSecurityOptions'],
  configRule: null,
  enabledByDefault: true,
  parameters: {},
  docs: {
    checks: 'Fails a task definition whose ipcMode is host, or with a container that lists host devices in linuxParameters.devices, or whose dockerSecurityOptions switch confinement off: seccomp=unconfined, apparmor:unconfined, label:disable or systempaths=unconfined (":" and "=" are read alike, case is ignored). Other security options (apparmor with a named profile, label:type:..., credentialspec) pass. Task definitions with a WINDOWS_SERVER_* operating system family are out of scope. It takes no parameters.',
    why: 'Each of these removes a wall between the container and the host. A device in linuxParameters.devices (a disk, /dev/mem, a GPU through the wrong path) gives the container direct access to hardware the host owns; ipcMode host shares System V shared memory and semaphores with every process on the instance, including other tasks; seccomp, AppArmor and SELinux are the kernel-level filters that block the system calls and file accesses most container escapes rely on, and switching one off turns a contained compromise into a host compromise.',
    fix: 'In a new task definition revision, remove the entries from linuxParameters.devices, set ipcMode to task (or leave it unset) and delete the unconfined entries from dockerSecurityOptions. If a workload needs a device, give it a dedicated instance type and a dedicated task definition, and prefer the ECS resource requirements (GPU) over raw device paths. Someone must find out why confinement was switched off: usually a single blocked system call, which a custom profile can allow.',
    snippet: `{
  "family": "app",
  "ipcMode": "task",
  "requiresCompatibilities": ["EC2"],
  "containerDefinitions": [
    {
      "name": "app",
      "image": "111122223333.dkr.ecr.eu-west-1.amazonaws.com/app@sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945",
      "linuxParameters": { "capabilities": { "drop": ["ALL"] } },
      "dockerSecurityOptions": ["no-new-privileges"]
    }
  ]
}`,
    cloudformation: `Resources:
  TaskDefinition:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: app
      IpcMode: task
      RequiresCompatibilities: [EC2]
      ContainerDefinitions:
        - Name: app
          Image: 111122223333.dkr.ecr.eu-west-1.amazonaws.com/app@sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945
          LinuxParameters:
            Capabilities:
              Drop: [ALL]
          DockerSecurityOptions:
            - no-new-privileges`,
    terraform: `resource "aws_ecs_task_definition" "app" {
  family                   = "app"
  ipc_mode                 = "task"
  requires_compatibilities = ["EC2"]
  container_definitions = jsonencode([
    {
      name                  = "app"
      image                 = "111122223333.dkr.ecr.eu-west-1.amazonaws.com/app@sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945"
      linuxParameters       = { capabilities = { drop = ["ALL"] } }
      dockerSecurityOptions = ["no-new-privileges"]
    }
  ])
}`,
    falsePositives: 'Workloads built around hardware (video transcoding with /dev/dri, FPGA or USB devices) and host agents that share memory with the host legitimately fail; isolate them on their own instances and record the exception. apparmor:unconfined is sometimes set only because the instance has no AppArmor at all (Amazon Linux uses SELinux); it is still worth removing.',
  },
  mappings: { nist80053r5: [], pciDss401: [] },
  peers: [],
  messages: {
    ...COMMON_MESSAGES,
    ipcModeHost: 'ipcMode is host, so every container shares IPC (shared memory, semaphores) with the host and other tasks; set ipcMode to task or leave it unset',
    hostDevice: "container '{name}' maps host device {device} into the container; remove it from linuxParameters.devices",
    confinementOff: "container '{name}' switches off {what} with dockerSecurityOptions '{option}'; remove it",
    deviceUnknown: "container '{name}': a host device it maps is unknown: {reason}",
    securityOptionUnknown: "container '{name}': a dockerSecurityOptions entry is unknown: {reason}",
    confined: 'ipcMode is not host and no container ({count}) maps host devices or switches off seccomp, AppArmor or SELinux',
  },
  evaluate(resource: Resource): Evaluation[] {
    const td = resource.properties as TaskDefinition;
    if (operatingSystemOf(td) === 'WINDOWS') return [];
    const out: Evaluation[] = [];
    const ipc: unknown = td.ipcMode;
    if (isUnresolved(ipc)) out.push(unknownField('ipcMode', ipc.unresolved));
    else if (typeof ipc === 'string' && ipc.trim().toLowerCase() === 'host') out.push({ status: 'FAILED', messageId: 'ipcModeHost', path: 'ipcMode' });
    const containers = judgeContainers(td, ({ container, path, label }) => {
      const found: Evaluation[] = [];
      const devices = nested(container, path, ['linuxParameters', 'devices']);
      if ('unknown' in devices) found.push(unknownField(devices.unknown.path, devices.unknown.reason));
      else if (Array.isArray(devices.value)) {
        devices.value.forEach((d: unknown, i) => {
          const p = `${devices.path}[${i}]`;
          const hostPath = field(d, 'hostPath');
          if (isUnresolved(d)) found.push({ status: 'NOT_AVAILABLE', messageId: 'deviceUnknown', data: { name: label, reason: d.unresolved }, path: p });
          else if (isUnresolved(hostPath)) found.push({ status: 'FAILED', messageId: 'hostDevice', data: { name: label, device: `#${i} (its hostPath is unknown: ${hostPath.unresolved})` }, path: `${p}.hostPath` });
          else found.push({ status: 'FAILED', messageId: 'hostDevice', data: { name: label, device: typeof hostPath === 'string' ? hostPath : `#${i}` }, path: typeof hostPath === 'string' ? `${p}.hostPath` : p });
        });
      }
      const options = stringItems(container.dockerSecurityOptions as unknown, `${path}.dockerSecurityOptions`);
      for (const o of options.items) {
        const what = confinementSwitchedOff(o.value);
        if (what) found.push({ status: 'FAILED', messageId: 'confinementOff', data: { name: label, what, option: o.value.trim() }, path: o.path });
      }
      for (const u of options.unknown) found.push({ status: 'NOT_AVAILABLE', messageId: 'securityOptionUnknown', data: { name: label, reason: u.reason }, path: u.path });
      return found;
    }, 'confined');
    if (out.length === 0) return containers;
    // The task-level verdict comes first; a container list that merely passes adds nothing.
    return [...out, ...containers.filter((e) => e.status !== 'PASSED')];
  },
};
