/**
 * ECSG.8 (ecsguard hardening): the task role (what the application may do) and the task execution
 * role (what ECS may do to start it) should be different roles. Whether the containers need a
 * task role at all cannot be known from the task definition, so only the equality is checked.
 */
import type { TaskDefinition } from '@aws-sdk/client-ecs';
import { isUnresolved, type Evaluation, type Resource } from '../model/index.js';
import { COMMON_MESSAGES, type Control } from './types.js';

/** A role given as an ARN (`arn:aws:iam::111122223333:role/path/name`) or a name: its account (when known) and name. */
export function roleIdentity(value: string): { account: string | null; name: string } | null {
  const v = value.trim();
  if (v === '') return null;
  const arn = /^arn:[^:]+:iam::(\d*):role\/(.+)$/.exec(v);
  if (arn) {
    const parts = arn[2].split('/');
    return { account: arn[1] || null, name: parts[parts.length - 1] };
  }
  return { account: null, name: v.split('/').pop()! };
}

/** Whether two role references name the same role: IAM role names are unique per account regardless of case and path. */
export function sameRole(a: string, b: string): boolean {
  const x = roleIdentity(a);
  const y = roleIdentity(b);
  if (!x || !y) return false;
  if (x.name.toLowerCase() !== y.name.toLowerCase()) return false;
  return x.account === null || y.account === null || x.account === y.account;
}

export const ecsg08: Control = {
  id: 'ECSG.8',
  set: 'extra',
  title: 'ECS task definitions should use different roles for the task and for task execution',
  severity: 'MEDIUM',
  resourceTypes: ['AWS::ECS::TaskDefinition'],
  fields: ['taskRoleArn', 'executionRoleArn'],
  configRule: null,
  enabledByDefault: true,
  parameters: {},
  docs: {
    checks: 'Compares taskRoleArn and executionRoleArn. The task definition fails when both are set and name the same IAM role: the same ARN, or the same role name (IAM role names are unique per account regardless of case and path) when one of them is given as a name or both ARNs are in the same account. When one of them is unset the roles cannot be the same and the control passes. A role that is unknown (Fn::GetAtt, a parameter without a Default, a Terraform reference) makes the comparison NOT_AVAILABLE. Whether a task needs a task role at all cannot be known from the task definition, so a missing task role is never reported.',
    why: "The execution role is used by the ECS agent or Fargate to pull the image, fetch the secrets in secrets[] and write logs: it can read every secret the task is given. The task role is handed to the application itself through the credentials endpoint. When they are one role, the application's credentials can read all of the task's secrets directly and pull any image the role can, so a compromised container gets more than it needs; and permissions added for the application silently become permissions of the agent, or the other way round.",
    fix: 'Create a separate task role that holds only what the application calls (S3, SQS, DynamoDB ...), set it as taskRoleArn, and keep executionRoleArn for a role with AmazonECSTaskExecutionRolePolicy plus read access to exactly the secrets the task references. If the application calls no AWS API, leave taskRoleArn unset. Someone must move the application\'s permissions from the shared role to the new task role before the old ones are removed.',
    snippet: `{
  "family": "app",
  "taskRoleArn": "arn:aws:iam::111122223333:role/app-task",
  "executionRoleArn": "arn:aws:iam::111122223333:role/app-execution",
  "containerDefinitions": [
    { "name": "app", "image": "111122223333.dkr.ecr.eu-west-1.amazonaws.com/app@sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945" }
  ]
}`,
    cloudformation: `Resources:
  TaskDefinition:
    Type: AWS::ECS::TaskDefinition
    Properties:
      Family: app
      TaskRoleArn: !GetAtt AppTaskRole.Arn
      ExecutionRoleArn: !GetAtt AppExecutionRole.Arn
      ContainerDefinitions:
        - Name: app
          Image: 111122223333.dkr.ecr.eu-west-1.amazonaws.com/app@sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945`,
    terraform: `resource "aws_ecs_task_definition" "app" {
  family             = "app"
  task_role_arn      = aws_iam_role.app_task.arn
  execution_role_arn = aws_iam_role.app_execution.arn
  container_definitions = jsonencode([
    { name = "app", image = "111122223333.dkr.ecr.eu-west-1.amazonaws.com/app@sha256:4f53cda18c2baa0c0354bb5f9a3ecbe5ed12ab4d8e11ba873c2f11161202b945" }
  ])
}`,
    falsePositives: 'A task whose application makes no AWS call and whose execution role has only the managed execution policy gains little from a second role, but the split costs nothing and prevents the roles from drifting together later. In CloudFormation or Terraform the roles are usually references known only at deployment: the finding is then NOT_AVAILABLE, and passing the role ARNs as parameters (--parameters) lets ecsguard compare them.',
  },
  mappings: { nist80053r5: [], pciDss401: [] },
  peers: [
    { tool: 'Checkov', id: 'CKV_AWS_249', title: 'Ensure that the Execution Role ARN and the Task Role ARN are different in ECS Task definitions' },
  ],
  messages: {
    ...COMMON_MESSAGES,
    sameRole: "taskRoleArn and executionRoleArn are the same role ('{role}'), so the application's credentials can read every secret of the task; give the task its own role",
    roleUnknown: 'whether the task and execution roles differ cannot be known: {field} is unknown: {reason}',
    differentRoles: 'the task role and the task execution role are different roles',
    notBoth: 'the task definition does not set both taskRoleArn and executionRoleArn, so they cannot be the same role',
  },
  evaluate(resource: Resource): Evaluation[] {
    const td = resource.properties as TaskDefinition;
    const task: unknown = td.taskRoleArn;
    const exec: unknown = td.executionRoleArn;
    const set = (v: unknown) => isUnresolved(v) || (typeof v === 'string' && v.trim() !== '');
    if (!set(task) || !set(exec)) return [{ status: 'PASSED', messageId: 'notBoth', path: null }];
    if (isUnresolved(task)) return [{ status: 'NOT_AVAILABLE', messageId: 'roleUnknown', data: { field: 'taskRoleArn', reason: task.unresolved }, path: 'taskRoleArn' }];
    if (isUnresolved(exec)) return [{ status: 'NOT_AVAILABLE', messageId: 'roleUnknown', data: { field: 'executionRoleArn', reason: exec.unresolved }, path: 'executionRoleArn' }];
    if (sameRole(task as string, exec as string)) return [{ status: 'FAILED', messageId: 'sameRole', data: { role: (task as string).trim() }, path: 'taskRoleArn' }];
    return [{ status: 'PASSED', messageId: 'differentRoles', path: null }];
  },
};
