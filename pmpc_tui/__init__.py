"""proxmox-mpc: a keyboard-driven console for Proxmox VE that turns infrastructure into code."""

__version__ = "0.1.0"
