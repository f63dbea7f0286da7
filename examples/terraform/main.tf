# Checkout: a Fargate web service built from a local module, and a Windows reporting task
# on EC2. Scan with: ecsguard scan examples/terraform
terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = "~> 5.0" }
  }
}

provider "aws" {
  region = var.region
  default_tags {
    tags = {
      cost-center = "retail"
      managed-by  = "terraform"
    }
  }
}

resource "aws_ecs_cluster" "retail" {
  name = "retail-${var.environment}"

  setting {
    name  = "containerInsights"
    value = var.environment == "prod" ? "enabled" : "disabled"
  }
}

module "checkout" {
  source           = "./modules/fargate-service"
  name             = "checkout"
  cluster_arn      = aws_ecs_cluster.retail.arn
  image            = "111122223333.dkr.ecr.eu-west-1.amazonaws.com/checkout:${var.checkout_version}"
  subnets          = var.private_subnets
  container_user   = "10001:10001"
  platform_version = "1.4.0"
}

module "admin" {
  source           = "./modules/fargate-service"
  name             = "admin"
  cluster_arn      = aws_ecs_cluster.retail.arn
  image            = "111122223333.dkr.ecr.eu-west-1.amazonaws.com/admin:2.3.0"
  subnets          = var.public_subnets
  assign_public_ip = true
  platform_version = "1.3.0"
}

resource "aws_ecs_task_definition" "reports" {
  family                   = "retail-reports"
  requires_compatibilities = ["EC2"]
  network_mode             = "awsvpc"
  cpu                      = 2048
  memory                   = 4096

  runtime_platform {
    operating_system_family = "WINDOWS_SERVER_2022_CORE"
    cpu_architecture        = "X86_64"
  }

  container_definitions = jsonencode([
    {
      name      = "report-builder"
      image     = "111122223333.dkr.ecr.eu-west-1.amazonaws.com/report-builder:${var.reports_version}"
      essential = true
      cpu       = 2048
      memory    = 4096
      user      = "ContainerAdministrator"
      logConfiguration = {
        logDriver = "awslogs"
        options = {
          awslogs-group         = "/ecs/retail-reports"
          awslogs-region        = var.region
          awslogs-stream-prefix = "reports"
        }
      }
    }
  ])
}
