"""Infrastructure-as-code: Terraform (bpg/proxmox) and Ansible generation, HCL parsing."""
