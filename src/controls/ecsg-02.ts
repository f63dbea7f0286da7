/**
 * ECSG.2 (ecsguard hardening): containers should drop the Linux capabilities they do not need and,
 * where Docker options apply, forbid gaining privileges with `no-new-privileges`.
 */
import type { TaskDefinition } from '@aws-sdk/client-ecs';
import { isUnresolved, type Evaluation, type Resource } from '../model/index.js';
import { operatingSystemOf } from '../model/task-definition.js';
import { COMMON_MESSAGES, type Control, type ControlParams } from './types.js';
import { judgeContainers, nested, runsOnInstances, stringItems, unknownField } from './helpers.js';
import { capabilityName } from './ecsg-01.js';

/** `no-new-privileges`, `no-new-privileges:true`, `no-new-privileges=true` (Docker's spellings). */
export function isNoNewPrivileges(option: string): boolean {
  return /^no-new-privileges(?:[:=]true)?$/i.test(option.trim());
}

export const ecsg02: Control = {
  id: 'ECSG.2',
  set: 'extra',
  title: 'ECS containers should drop all Linux capabilities and set no-new-privileges',
  severity: 'LOW',
  resourceTypes: ['AWS::ECS::TaskDefinition'],
  fields: ['linuxParameters', 'capabilities', 'drop', 'dockerSecurityOptions', 'requiresCompatibilities', 'networkMode'],
  configRule: null,
  enabledByDefault: true,
  parameters: {
    requireDropAll: {
      type: 'boolean',
      default: true,
      description: 'Require capabilities.drop to contain ALL; false accepts any non-empty drop list.',
    },
    requireNoNewPrivileges: {
      type: 'boolean',
      default: true,
      description: 'Require no-new-privileges in dockerSecurityOptions for task definitions that can run on EC2 or external instances.',
    },
  },
  docs: {
    checks: 'Reads every container of a task definition whose operating system family is LINUX or unset. Capabilities: linuxParameters.capabilities.drop must contain ALL (with requireDropAll false, any non-empty drop list passes); a missing or empty drop list fails. no-new-privileges: where Docker options can be set, that is when requiresCompatibilities names EC2 or EXTERNAL, or is unset while networkMode is not awsvpc (Fargate needs awsvpc, so such a task can only run on instances), dockerSecurityOptions must contain no-new-privileges; Fargate rejects dockerSecurityOptions, so Fargate task definitions are judged on capabilities only. The parameter requireNoNewPrivileges false turns that half off.',
    why: "Docker starts every container with fourteen capabilities (CHOWN, DAC_OVERRIDE, FOWNER, NET_RAW, SETUID, SETGID ...) that few applications use: NET_RAW allows forging packets on the task's network, DAC_OVERRIDE ignores file permissions, SETUID and SETGID let a root process become anyone. Dropping them all and adding back what is needed leaves an attacker who gets code execution with much less to work with. no-new-privileges stops a process from gaining privileges through setuid or file-capability binaries, the usual route from a non-root user back to root inside the container.",
    fix: 'In a new task definition revision, set linuxParameters.capabilities.drop to ["ALL"] and list in capabilities.add only what the application needs (often nothing; NET_BIND_SERVICE to bind a port below 1024). On EC2 or external instances, add "no-new-privileges" to dockerSecurityOptions. Someone must start the container once with the new revision: images whose entrypoint switches user (gosu, su-exec) or changes file ownership need SETUID, SETGID or CHOWN back.',
    snippet: `{
  "family": "app",
  "requiresCompatibilities": ["EC2"],
  "containerDefinitions": [
    {
      "name": "app",
      "image": "111122223333.dkr.ecr.eu-west-1.amazonaws.com/app@sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945",
      "user": "1000:1000",
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
      RequiresCompatibilities: [EC2]
      ContainerDefinitions:
        - Name: app
          Image: 111122223333.dkr.ecr.eu-west-1.amazonaws.com/app@sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945
          User: "1000:1000"
          LinuxParameters:
            Capabilities:
              Drop: [ALL]
          DockerSecurityOptions:
            - no-new-privileges`,
    terraform: `resource "aws_ecs_task_definition" "app" {
  family                   = "app"
  requires_compatibilities = ["EC2"]
  container_definitions = jsonencode([
    {
      name                  = "app"
      image                 = "111122223333.dkr.ecr.eu-west-1.amazonaws.com/app@sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945"
      user                  = "1000:1000"
      linuxParameters       = { capabilities = { drop = ["ALL"] } }
      dockerSecurityOptions = ["no-new-privileges"]
    }
  ])
}`,
    falsePositives: 'Almost every task definition fails this control at first: it is a hardening step, hence LOW. Images that need a capability at start-up still pass once they drop ALL and add it back. FireLens log routers and service-mesh proxies (Envoy) are common exceptions; the proxy init container of App Mesh needs NET_ADMIN. A container that must gain privileges through a setuid program (sudo, ping on old images) cannot use no-new-privileges.',
  },
  mappings: { nist80053r5: [], pciDss401: [] },
  peers: [],
  messages: {
    ...COMMON_MESSAGES,
    noCapabilitiesDropped: "container '{name}' drops no capabilities, so it keeps Docker's default set (NET_RAW, SETUID, DAC_OVERRIDE ...); set linuxParameters.capabilities.drop to [\"ALL\"] and add back only what it needs",
    notAllDropped: "container '{name}' drops {count} capabilities but not ALL; drop ALL and add back only what it needs",
    noNewPrivilegesMissing: "container '{name}' can run on EC2 or external instances without no-new-privileges, so setuid programs can regain privileges; add \"no-new-privileges\" to dockerSecurityOptions",
    dropUnknown: "container '{name}': a capability it drops is unknown: {reason}",
    securityOptionUnknown: "container '{name}': a dockerSecurityOptions entry is unknown: {reason}",
    placementUnknown: "container '{name}' has no no-new-privileges, which matters only if the task can run on EC2 or external instances, and that is unknown: {reason}",
    hardened: 'every container ({count}) drops its capabilities{nnp}',
  },
  evaluate(resource: Resource, params: ControlParams): Evaluation[] {
    const td = resource.properties as TaskDefinition;
    if (operatingSystemOf(td) === 'WINDOWS') return [];
    const requireDropAll = params.requireDropAll !== false;
    const requireNnp = params.requireNoNewPrivileges !== false;
    const onInstances = requireNnp ? runsOnInstances(td) : false;
    return judgeContainers(td, ({ container, path, label }) => {
      const out: Evaluation[] = [];
      const drop = nested(container, path, ['linuxParameters', 'capabilities', 'drop']);
      if ('unknown' in drop) out.push(unknownField(drop.unknown.path, drop.unknown.reason));
      else {
        const list = stringItems(drop.value, drop.path);
        const all = list.items.some((i) => capabilityName(i.value) === 'ALL');
        const dropped = list.items.filter((i) => i.value.trim() !== '').length;
        if (!all && list.unknown.length) out.push({ status: 'NOT_AVAILABLE', messageId: 'dropUnknown', data: { name: label, reason: list.unknown[0].reason }, path: list.unknown[0].path });
        else if (dropped === 0) out.push({ status: 'FAILED', messageId: 'noCapabilitiesDropped', data: { name: label }, path: `${path}.linuxParameters.capabilities.drop` });
        else if (!all && requireDropAll) out.push({ status: 'FAILED', messageId: 'notAllDropped', data: { name: label, count: dropped }, path: `${path}.linuxParameters.capabilities.drop` });
      }
      if (requireNnp && onInstances !== false) {
        const options = stringItems(container.dockerSecurityOptions as unknown, `${path}.dockerSecurityOptions`);
        if (!options.items.some((o) => isNoNewPrivileges(o.value))) {
          if (options.unknown.length) out.push({ status: 'NOT_AVAILABLE', messageId: 'securityOptionUnknown', data: { name: label, reason: options.unknown[0].reason }, path: options.unknown[0].path });
          else if (isUnresolved(onInstances)) out.push({ status: 'NOT_AVAILABLE', messageId: 'placementUnknown', data: { name: label, reason: onInstances.unresolved }, path: 'requiresCompatibilities' });
          else out.push({ status: 'FAILED', messageId: 'noNewPrivilegesMissing', data: { name: label }, path: `${path}.dockerSecurityOptions` });
        }
      }
      return out;
    }, 'hardened', { nnp: requireNnp && onInstances === true ? ' and sets no-new-privileges' : '' });
  },
};
