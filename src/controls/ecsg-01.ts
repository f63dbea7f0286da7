/**
 * ECSG.1 (ecsguard hardening): containers should not add Linux capabilities that grant broad
 * power over the host. Reads `linuxParameters.capabilities.add` of every container.
 */
import type { TaskDefinition } from '@aws-sdk/client-ecs';
import type { Evaluation, Resource } from '../model/index.js';
import { operatingSystemOf } from '../model/task-definition.js';
import { COMMON_MESSAGES, type Control, type ControlParams } from './types.js';
import { judgeContainers, nested, stringItems, unknownField } from './helpers.js';

/** Capabilities that let a container act on the host or on every process: the default of `dangerousCapabilities`. */
export const DEFAULT_DANGEROUS_CAPABILITIES = [
  'ALL', 'SYS_ADMIN', 'SYS_MODULE', 'SYS_PTRACE', 'SYS_RAWIO', 'SYS_BOOT', 'SYS_TIME', 'NET_ADMIN',
  'DAC_READ_SEARCH', 'BPF', 'PERFMON', 'MAC_ADMIN', 'MAC_OVERRIDE', 'SYSLOG',
];

/** What each default capability lets a process do, for the finding's reason. */
const EFFECT: Readonly<Record<string, string>> = {
  ALL: 'gives the container every capability, as much as privileged mode',
  SYS_ADMIN: 'allows mounts, namespace changes and most of root\'s powers, the usual way out of a container',
  SYS_MODULE: 'loads kernel modules, which is full control of the host',
  SYS_PTRACE: 'lets it trace and inject code into other processes it can see',
  SYS_RAWIO: 'gives raw access to devices and I/O ports',
  SYS_BOOT: 'lets it reboot the host or load a new kernel',
  SYS_TIME: 'changes the host\'s clock for every container on it',
  NET_ADMIN: 'reconfigures interfaces, routes and firewall rules, enough to intercept other traffic',
  DAC_READ_SEARCH: 'bypasses file read permissions and opens files by handle, a known escape path',
  BPF: 'loads BPF programs into the kernel',
  PERFMON: 'reads kernel and process performance data',
  MAC_ADMIN: 'changes the AppArmor or SELinux policy that confines it',
  MAC_OVERRIDE: 'overrides the AppArmor or SELinux policy that confines it',
  SYSLOG: 'reads and clears the kernel log, which leaks kernel addresses',
};

/** `cap_sys_admin`, ` CAP_SYS_ADMIN ` → `SYS_ADMIN`, the ECS API's spelling. */
export function capabilityName(value: string): string {
  return value.trim().toUpperCase().replace(/^CAP_/, '');
}

export const ecsg01: Control = {
  id: 'ECSG.1',
  set: 'extra',
  title: 'ECS containers should not add Linux capabilities that grant broad power over the host',
  severity: 'HIGH',
  resourceTypes: ['AWS::ECS::TaskDefinition'],
  fields: ['linuxParameters', 'capabilities', 'add'],
  configRule: null,
  enabledByDefault: true,
  parameters: {
    dangerousCapabilities: {
      type: 'string[]',
      default: DEFAULT_DANGEROUS_CAPABILITIES,
      description: 'Capabilities that must not be added (with or without the CAP_ prefix, any case).',
      validate: (v) => (Array.isArray(v) && v.every((k) => typeof k === 'string' && k.trim() !== '') ? null : 'dangerousCapabilities must be a list of capability names'),
    },
  },
  docs: {
    checks: 'Reads containerDefinitions[].linuxParameters.capabilities.add of every container. A container that adds a capability on the dangerousCapabilities list fails; names are compared without a CAP_ prefix and in any case, so cap_sys_admin counts as SYS_ADMIN. The default list is ALL, SYS_ADMIN, SYS_MODULE, SYS_PTRACE, SYS_RAWIO, SYS_BOOT, SYS_TIME, NET_ADMIN, DAC_READ_SEARCH, BPF, PERFMON, MAC_ADMIN, MAC_OVERRIDE and SYSLOG. Capabilities Docker grants by default (CHOWN, NET_BIND_SERVICE ...) and privileged mode (ECS.4) are not this control\'s concern. Task definitions with a WINDOWS_SERVER_* operating system family are out of scope.',
    why: 'ECS does not remap user namespaces, so a capability added to a container is that capability on the host\'s kernel. SYS_ADMIN alone permits mounting file systems and creating namespaces, the building blocks of most published container escapes (the cgroup release_agent escape, CVE-2022-0492, is one); SYS_MODULE loads kernel code; SYS_PTRACE reads the memory of other processes; NET_ADMIN rewrites routes and firewall rules to intercept traffic. A compromised application in such a container is one step from the host and from every other task on it.',
    fix: 'Remove the capability from linuxParameters.capabilities.add in a new task definition revision. If the workload needs one specific power, add only the narrow capability that grants it (NET_BIND_SERVICE to bind a low port, not NET_ADMIN), and drop ALL first (see ECSG.2). Debugging tools that need SYS_PTRACE belong in a separate, short-lived task definition, not in the service. Someone must check that the application still starts without the capability.',
    snippet: `{
  "family": "app",
  "containerDefinitions": [
    {
      "name": "app",
      "image": "111122223333.dkr.ecr.eu-west-1.amazonaws.com/app@sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945",
      "linuxParameters": {
        "capabilities": { "drop": ["ALL"], "add": ["NET_BIND_SERVICE"] }
      }
    }
  ]
}`,
    cloudformation: `Resources:
  TaskDefinition:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: app
      ContainerDefinitions:
        - Name: app
          Image: 111122223333.dkr.ecr.eu-west-1.amazonaws.com/app@sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945
          LinuxParameters:
            Capabilities:
              Drop: [ALL]
              Add: [NET_BIND_SERVICE]`,
    terraform: `resource "aws_ecs_task_definition" "app" {
  family = "app"
  container_definitions = jsonencode([
    {
      name  = "app"
      image = "111122223333.dkr.ecr.eu-west-1.amazonaws.com/app@sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945"
      linuxParameters = {
        capabilities = { drop = ["ALL"], add = ["NET_BIND_SERVICE"] }
      }
    }
  ])
}`,
    falsePositives: 'Host agents that really do manage the host (a CNI plugin needs NET_ADMIN, a profiler SYS_PTRACE or PERFMON, a security agent BPF) fail by design; run them in their own task definition and record the exception, or narrow dangerousCapabilities for the scan that covers them. On Fargate only SYS_PTRACE can be added at all, so a Fargate finding is always SYS_PTRACE.',
  },
  mappings: { nist80053r5: [], pciDss401: [] },
  peers: [],
  messages: {
    ...COMMON_MESSAGES,
    capabilityAdded: "container '{name}' adds the {capability} capability, which {effect}; remove it from linuxParameters.capabilities.add",
    capabilityUnknown: "container '{name}': a capability it adds is unknown: {reason}",
    noDangerousCapability: 'no container ({count}) adds a capability on the dangerousCapabilities list',
  },
  evaluate(resource: Resource, params: ControlParams): Evaluation[] {
    const td = resource.properties as TaskDefinition;
    if (operatingSystemOf(td) === 'WINDOWS') return [];
    const dangerous = new Set(((params.dangerousCapabilities as string[] | undefined) ?? DEFAULT_DANGEROUS_CAPABILITIES).map(capabilityName));
    return judgeContainers(td, ({ container, path, label }) => {
      const add = nested(container, path, ['linuxParameters', 'capabilities', 'add']);
      if ('unknown' in add) return unknownField(add.unknown.path, add.unknown.reason);
      const list = stringItems(add.value, add.path);
      const out: Evaluation[] = [];
      for (const item of list.items) {
        const cap = capabilityName(item.value);
        if (dangerous.has(cap)) {
          out.push({ status: 'FAILED', messageId: 'capabilityAdded', data: { name: label, capability: cap, effect: EFFECT[cap] ?? 'is on the dangerousCapabilities list' }, path: item.path });
        }
      }
      for (const u of list.unknown) out.push({ status: 'NOT_AVAILABLE', messageId: 'capabilityUnknown', data: { name: label, reason: u.reason }, path: u.path });
      return out;
    }, 'noDangerousCapability');
  },
};
