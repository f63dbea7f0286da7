# A Fargate service with one container, its task definition and its log settings.
variable "name" { type = string }
variable "cluster_arn" { type = string }
variable "image" { type = string }
variable "subnets" { type = list(string) }
variable "container_user" {
  type    = string
  default = null
}
variable "assign_public_ip" {
  type    = bool
  default = false
}
variable "platform_version" {
  type    = string
  default = "LATEST"
}

locals {
  container = {
    name                   = var.name
    image                  = var.image
    essential              = true
    user                   = var.container_user
    readonlyRootFilesystem = true
    portMappings           = [{ containerPort = 8080, protocol = "tcp" }]
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = "/ecs/${var.name}"
        awslogs-region        = "eu-west-1"
        awslogs-stream-prefix = var.name
      }
    }
  }
}

resource "aws_ecs_task_definition" "this" {
  family                   = var.name
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 512
  memory                   = 1024
  container_definitions    = jsonencode([local.container])

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = "ARM64"
  }

  tags = { service = var.name }
}

resource "aws_ecs_service" "this" {
  name             = var.name
  cluster          = var.cluster_arn
  task_definition  = aws_ecs_task_definition.this.arn
  desired_count    = 2
  launch_type      = "FARGATE"
  platform_version = var.platform_version

  network_configuration {
    subnets          = var.subnets
    assign_public_ip = var.assign_public_ip
  }

  tags = { service = var.name }
}
