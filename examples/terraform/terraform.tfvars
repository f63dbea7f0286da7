checkout_version = "4.18.2"
