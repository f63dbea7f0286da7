/**
 * ECSG.10 (ecsguard hardening): containers should fail visibly and within bounds: essential
 * containers have a health check, containers on instances have a memory limit, and no log driver
 * blocks the application when its destination is slow.
 */
import type { TaskDefinition } from '@aws-sdk/client-ecs';
import { isUnresolved, type Evaluation, type Resource } from '../model/index.js';
import { COMMON_MESSAGES, type Control, type ControlParams } from './types.js';
import { field, judgeContainers, unknownField } from './helpers.js';

/** Whether a health check is configured: a command whose first word is not NONE (Docker's way to turn one off). */
function healthCheckCommand(hc: unknown): boolean | { unresolved: string } {
  if (isUnresolved(hc)) return hc;
  const cmd = field(hc, 'command');
  if (isUnresolved(cmd)) return cmd;
  if (!Array.isArray(cmd) || cmd.length === 0) return false;
  const first: unknown = cmd[0];
  return !(typeof first === 'string' && first.trim().toUpperCase() === 'NONE');
}

export const ecsg10: Control = {
  id: 'ECSG.10',
  set: 'extra',
  title: 'ECS containers should have health checks, memory limits and non-blocking logging',
  severity: 'LOW',
  resourceTypes: ['AWS::ECS::TaskDefinition'],
  fields: ['healthCheck', 'essential', 'memory', 'logConfiguration', 'options', 'mode'],
  configRule: null,
  enabledByDefault: true,
  parameters: {
    requireHealthCheck: { type: 'boolean', default: true, description: 'Require a healthCheck on every essential container.' },
    requireMemoryLimit: { type: 'boolean', default: true, description: 'Require a hard memory limit (container memory, or task-level memory) on every container.' },
    forbidBlockingLogs: { type: 'boolean', default: true, description: 'Fail log configurations whose mode option is blocking.' },
  },
  docs: {
    checks: 'Three checks, each with a parameter to turn it off. Health checks: every essential container (essential true or unset) needs a healthCheck whose command is not ["NONE"]. Memory limits: when the task definition sets no task-level memory, which only tasks on EC2 or external instances may do, every container needs a hard limit in memory; memoryReservation alone is a soft limit and does not count. Blocking logs: a logConfiguration.options.mode of blocking fails. An unset mode follows the account setting defaultLogDriverMode, which has been non-blocking by default since June 2025, so it passes. Unknown values fail nothing unless they decide the verdict (NOT_AVAILABLE).',
    why: 'Without a health check ECS only notices a container that exits: a hung process keeps receiving traffic and a deployment that never becomes ready is not rolled back. Without a hard memory limit one leaking container can exhaust the instance and get other tasks, or the ECS agent, killed by the kernel. In blocking mode a container stops at its next write to stdout or stderr whenever the log destination is slow or unreachable, so a CloudWatch Logs throttling event turns into an outage.',
    fix: 'Add a healthCheck to each essential container (a command such as ["CMD-SHELL", "curl -fsS http://localhost:8080/health || exit 1"] with interval, timeout, retries and startPeriod), set memory on containers (or task-level memory), and set logConfiguration.options.mode to non-blocking with a max-buffer-size, in a new task definition revision. Someone must pick memory values from observed usage and accept that non-blocking mode drops log lines when the buffer fills.',
    snippet: `{
  "family": "app",
  "containerDefinitions": [
    {
      "name": "app",
      "image": "111122223333.dkr.ecr.eu-west-1.amazonaws.com/app@sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945",
      "essential": true,
      "memory": 512,
      "healthCheck": {
        "command": ["CMD-SHELL", "curl -fsS http://localhost:8080/health || exit 1"],
        "interval": 30, "timeout": 5, "retries": 3, "startPeriod": 60
      },
      "logConfiguration": {
        "logDriver": "awslogs",
        "options": {
          "awslogs-group": "/ecs/app", "awslogs-region": "eu-west-1", "awslogs-stream-prefix": "app",
          "mode": "non-blocking", "max-buffer-size": "25m"
        }
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
          Essential: true
          Memory: 512
          HealthCheck:
            Command: [CMD-SHELL, "curl -fsS http://localhost:8080/health || exit 1"]
            Interval: 30
            Timeout: 5
            Retries: 3
            StartPeriod: 60
          LogConfiguration:
            LogDriver: awslogs
            Options:
              awslogs-group: /ecs/app
              awslogs-region: eu-west-1
              awslogs-stream-prefix: app
              mode: non-blocking
              max-buffer-size: 25m`,
    terraform: `resource "aws_ecs_task_definition" "app" {
  family = "app"
  container_definitions = jsonencode([
    {
      name      = "app"
      image     = "111122223333.dkr.ecr.eu-west-1.amazonaws.com/app@sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945"
      essential = true
      memory    = 512
      healthCheck = {
        command     = ["CMD-SHELL", "curl -fsS http://localhost:8080/health || exit 1"]
        interval    = 30
        timeout     = 5
        retries     = 3
        startPeriod = 60
      }
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          "awslogs-group" = "/ecs/app", "awslogs-region" = "eu-west-1", "awslogs-stream-prefix" = "app"
          mode = "non-blocking", "max-buffer-size" = "25m"
        }
      }
    }
  ])
}`,
    falsePositives: 'Essential containers without a way to be probed (a distroless image with no shell or client, a FireLens log router) may rely on the load balancer\'s target health check instead; record the exception or set requireHealthCheck to false. Audit logging that must not lose a line is a deliberate reason for blocking mode; set forbidBlockingLogs to false for those task definitions.',
  },
  mappings: { nist80053r5: [], pciDss401: [] },
  peers: [
    { tool: 'KICS', id: 'd24389b4-b209-4ff0-8345-dc7a4569dcdd', title: 'ECS Task Definition HealthCheck Missing (CloudFormation)' },
    { tool: 'Prowler', id: 'ecs_task_definitions_logging_block_mode', title: 'ECS task definition has container logging in non-blocking mode (Prowler also fails an unset mode)' },
  ],
  messages: {
    ...COMMON_MESSAGES,
    noHealthCheck: "essential container '{name}' has no healthCheck, so ECS only notices it when it exits; add one",
    noMemoryLimit: "container '{name}' has no hard memory limit (memory) and the task sets no task-level memory, so it can use all of the instance's memory; set memory",
    blockingLogs: "container '{name}' logs in blocking mode, so it stops writing (and working) when the log destination is slow; set logConfiguration.options.mode to non-blocking",
    healthCheckUnknown: "container '{name}': whether it has a health check is unknown: {reason}",
    essentialUnknown: "container '{name}' has no healthCheck, which matters only if it is essential, and that is unknown: {reason}",
    resilient: 'every container ({count}) passes the enabled checks: {checks}',
  },
  evaluate(resource: Resource, params: ControlParams): Evaluation[] {
    const td = resource.properties as TaskDefinition;
    const wantHealth = params.requireHealthCheck !== false;
    const wantMemory = params.requireMemoryLimit !== false;
    const wantLogs = params.forbidBlockingLogs !== false;
    if (!wantHealth && !wantMemory && !wantLogs) return [];
    const taskMemory: unknown = td.memory;
    const taskLimited = typeof taskMemory === 'number' || (typeof taskMemory === 'string' && taskMemory.trim() !== '');
    const checks = [wantHealth && 'health checks on essential containers', wantMemory && 'memory limits', wantLogs && 'no blocking logs'].filter(Boolean).join(', ');
    return judgeContainers(td, ({ container, path, label }) => {
      const out: Evaluation[] = [];
      if (wantHealth) {
        const has = healthCheckCommand(container.healthCheck as unknown);
        if (has !== true) {
          const essential: unknown = container.essential;
          if (isUnresolved(has)) {
            if (essential !== false) out.push({ status: 'NOT_AVAILABLE', messageId: 'healthCheckUnknown', data: { name: label, reason: has.unresolved }, path: `${path}.healthCheck` });
          } else if (isUnresolved(essential)) out.push({ status: 'NOT_AVAILABLE', messageId: 'essentialUnknown', data: { name: label, reason: essential.unresolved }, path: `${path}.essential` });
          else if (essential !== false) out.push({ status: 'FAILED', messageId: 'noHealthCheck', data: { name: label }, path: `${path}.healthCheck` });
        }
      }
      if (wantMemory && !taskLimited) {
        const mem: unknown = container.memory;
        if (isUnresolved(mem)) out.push(unknownField(`${path}.memory`, mem.unresolved));
        else if (typeof mem !== 'number' || mem <= 0) {
          if (isUnresolved(taskMemory)) out.push(unknownField('memory', taskMemory.unresolved));
          else out.push({ status: 'FAILED', messageId: 'noMemoryLimit', data: { name: label }, path: `${path}.memory` });
        }
      }
      if (wantLogs) {
        const log: unknown = container.logConfiguration;
        const options = field(log, 'options');
        const mode = field(options, 'mode');
        if (isUnresolved(log)) out.push(unknownField(`${path}.logConfiguration`, log.unresolved));
        else if (isUnresolved(options)) out.push(unknownField(`${path}.logConfiguration.options`, options.unresolved));
        else if (isUnresolved(mode)) out.push(unknownField(`${path}.logConfiguration.options.mode`, mode.unresolved));
        else if (typeof mode === 'string' && mode.trim().toLowerCase() === 'blocking') out.push({ status: 'FAILED', messageId: 'blockingLogs', data: { name: label }, path: `${path}.logConfiguration.options.mode` });
      }
      return out;
    }, 'resilient', { checks });
  },
};
