variable "region" {
  type    = string
  default = "eu-west-1"
}

variable "environment" {
  type    = string
  default = "prod"
}

variable "checkout_version" {
  type = string
}

variable "reports_version" {
  type    = string
  default = "2025.11"
}

variable "private_subnets" {
  type    = list(string)
  default = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]
}

variable "public_subnets" {
  type    = list(string)
  default = ["subnet-0a1b2c3d4e5f60101"]
}
